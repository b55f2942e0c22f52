package vault

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// This file holds the checks of SPEC "Checks" that look at notes rather
// than at the text of drafts: early-follow-up and missing-email with the
// company's address pattern. The overdue check is calendar's: it needs
// the deadlines, which only calendar computes.

// checkFollowUps warns about follow-ups logged before the decision date:
// they tell the employer that their timeline was not heard.
func (n *Note) checkFollowUps(d *diags, v *yaml.Node) {
	if n.Decision.IsZero() {
		return
	}
	items := []*yaml.Node{deref(v)}
	if v := deref(v); v != nil && v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	for i, f := range n.FollowUps {
		if before(f, n.Decision) {
			pos := n.Keys["followups"]
			if i < len(items) && items[i] != nil {
				pos = nodePos(items[i])
			}
			d.warnf(pos, CodeEarlyFollowUp, "", "the follow-up of %s came before the decision date they gave, %s: wait for it next time",
				f.Time.Format("2 January"), n.Decision.Time.Format("2 January"))
		}
	}
}

// A known address is one the vault holds for a person at a company.
type known struct {
	name, email string
}

// checkAddresses warns about everyone a ready note writes to by e-mail
// without an address, and about a contact without one while follow-ups
// are due. When addresses at the same company are known anywhere in the
// vault, it infers their pattern (first.last, flast …) and suggests the
// address; when they disagree, it says so rather than guess.
//
// It checks the notes of check; the address book is made of every note of
// v, the person notes linked to, and the contacts of ordinary notes.
func (v *Vault) checkAddresses(check []*Note, linkedTo func() map[string]*Person, contactsOf func() []*Person) {
	book := map[string][]known{} // folded company → addresses
	folded := map[string]string{}
	fold := func(company string) string {
		f, ok := folded[company]
		if !ok {
			f = foldName(company)
			folded[company] = f
		}
		return f
	}
	add := func(company, name, email string) {
		if company != "" && name != "" && email != "" {
			book[fold(company)] = append(book[fold(company)], known{name, strings.ToLower(email)})
		}
	}
	// The address book is made the first time an address is missing: a
	// watcher's rebuild of a note with every address needs none.
	made := false
	addresses := func(company string) []known {
		if !made {
			made = true
			linked, contacts := linkedTo(), contactsOf()
			for _, n := range v.Notes {
				for _, iv := range n.Interviewers {
					add(n.Company, iv.Name, iv.Email)
				}
			}
			for _, p := range linked {
				add(p.Company, p.Name, p.Email)
			}
			for _, p := range contacts {
				if _, ok := linked[p.Path]; !ok {
					add(p.Company, p.Name, p.Email)
				}
			}
		}
		return book[fold(company)]
	}
	warn := func(n *Note, pos Pos, who *Interviewer, what string) {
		msg, suggestion := fmt.Sprintf("no e-mail address for %s, so %s: add it to the front matter", who.Name, what), ""
		if addr, why := guessAddress(who.Name, addresses(n.Company)); addr != "" {
			msg = fmt.Sprintf("no e-mail address for %s, so %s: going by the other addresses at %s, add %s", who.Name, what, n.Company, addr)
			suggestion = addr
		} else if why != "" {
			msg = fmt.Sprintf("no e-mail address for %s, and %s: ask for it, or look at a signature", who.Name, why)
		}
		v.Diagnostics = append(v.Diagnostics, Diagnostic{Path: n.Path, Line: pos.Line, Col: pos.Col, Severity: Warning,
			Code: CodeMissingEmail, Message: msg, Suggestion: suggestion})
	}
	for _, n := range check {
		if n.Status == Ready {
			for _, iv := range n.Interviewers {
				if iv.Channel == Email && iv.Email == "" {
					warn(n, iv.Pos, iv, "the draft has no To")
				}
			}
		}
		// Follow-ups go to the contact while the outcome is pending.
		c := n.Contact
		if c == nil || c.Channel != Email || c.Email != "" || n.FollowUpsOver() {
			continue
		}
		if n.Status == Sent || !slices.Contains(n.Interviewers, c) {
			pos := c.Pos
			if p, ok := n.Keys["contact"]; ok && slices.Contains(n.Interviewers, c) {
				pos = p
			}
			warn(n, pos, c, "the follow-ups to them have no To")
		}
	}
}

// addressPatterns are the usual ways a company spells a person's address,
// most common first.
var addressPatterns = []struct {
	name  string
	local func(first, last string) string
}{
	{"first.last", func(f, l string) string { return f + "." + l }},
	{"flast", func(f, l string) string { return f[:1] + l }},
	{"first", func(f, l string) string { return f }},
	{"firstlast", func(f, l string) string { return f + l }},
	{"first_last", func(f, l string) string { return f + "_" + l }},
	{"f.last", func(f, l string) string { return f[:1] + "." + l }},
	{"first-last", func(f, l string) string { return f + "-" + l }},
	{"firstl", func(f, l string) string { return f + l[:1] }},
	{"last.first", func(f, l string) string { return l + "." + f }},
	{"last", func(f, l string) string { return l }},
}

// nameParts returns the first and last names of a person as addresses
// spell them: lower-case ASCII letters, accents dropped.
func nameParts(name string) (first, last string, ok bool) {
	var words []string
	for _, w := range strings.Fields(foldName(name)) {
		w = strings.Trim(strings.Map(func(r rune) rune {
			if r < 0x80 && unicode.IsLetter(r) || r == '-' {
				return r // Anne-Marie keeps her hyphen, as addresses do
			}
			return -1
		}, w), "-")
		if w != "" {
			words = append(words, w)
		}
	}
	if len(words) < 2 {
		return "", "", false
	}
	return words[0], words[len(words)-1], true
}

// guessAddress infers the address of name from the addresses known at
// the same company. It returns "" and a reason when they disagree.
func guessAddress(name string, addresses []known) (string, string) {
	first, last, ok := nameParts(name)
	if !ok || len(addresses) == 0 {
		return "", ""
	}
	domains := map[string]int{}
	var fits []string // the patterns every known personal address fits
	seen := 0
	for _, k := range addresses {
		local, domain, found := strings.Cut(k.email, "@")
		if !found {
			continue
		}
		f, l, ok := nameParts(k.name)
		if !ok {
			continue
		}
		var these []string
		for _, p := range addressPatterns {
			if p.local(f, l) == local {
				these = append(these, p.name)
			}
		}
		if len(these) == 0 {
			continue // hiring@, a nickname: tells nothing
		}
		domains[domain]++
		if seen == 0 {
			fits = these
		} else {
			fits = slices.DeleteFunc(fits, func(p string) bool { return !slices.Contains(these, p) })
		}
		seen++
	}
	if seen == 0 {
		return "", ""
	}
	if len(domains) > 1 {
		return "", "the addresses known at the company use more than one domain"
	}
	if len(fits) == 0 {
		var examples []string
		for _, k := range addresses {
			examples = append(examples, k.email)
		}
		slices.Sort(examples)
		examples = slices.Compact(examples)
		return "", fmt.Sprintf("the addresses known at the company follow different patterns (%s)", strings.Join(examples, ", "))
	}
	var domain string
	for d := range domains {
		domain = d
	}
	for _, p := range addressPatterns {
		if p.name == fits[0] {
			return p.local(first, last) + "@" + domain, ""
		}
	}
	return "", ""
}

// checkCandidate warns, once for the vault, when a ready note's drafts
// would go out unsigned (no candidate.name) or, on the e-mail channel,
// without a From (no candidate.email).
func (v *Vault) checkCandidate() {
	c := v.Config.Candidate
	var noName, noEmail bool
	for _, n := range v.Notes {
		if n.Status != Ready {
			continue
		}
		noName = noName || c.Name == ""
		for _, iv := range n.Interviewers {
			noEmail = noEmail || c.Email == "" && iv.Channel == Email
		}
	}
	var missing, effect string
	switch {
	case noName && noEmail:
		missing, effect = "candidate.name and candidate.email are", "the drafts are unsigned and the e-mails have no From"
	case noName:
		missing, effect = "candidate.name is", "the drafts are unsigned"
	case noEmail:
		missing, effect = "candidate.email is", "the e-mails have no From"
	default:
		return
	}
	v.Diagnostics = append(v.Diagnostics, Diagnostic{Path: ConfigFile, Line: 1, Col: 1, Severity: Warning, Code: CodeCandidate,
		Message: fmt.Sprintf("%s not set, so %s: fill in candidate: in %s", missing, effect, ConfigFile)})
}

// DueText says when a thank-you deadline t is, as check and status both
// show it: at the clock time of the note's zone, "Sat 21 Nov 15:00", with
// the zone's abbreviation ("Sat 21 Nov 15:00 GMT") when the note's zone
// is not the vault's; for an interview without a time, "by the end of"
// its next day.
func DueText(t time.Time, noteZone, vaultZone *time.Location, dateOnly bool) string {
	t = t.In(noteZone)
	if dateOnly {
		return "by the end of " + t.Add(-time.Minute).Format("Mon 2 Jan")
	}
	s := t.Format("Mon 2 Jan 15:04")
	if noteZone.String() != vaultZone.String() {
		s += " " + t.Format("MST")
	}
	return s
}
