package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/golangci/misspell"

	"followup/calendar"
	"followup/vault"
)

// A unit is text to proofread and where it was written: a personal part or
// the unfinished business of a note, at their lines in the note, or the
// part of a draft a template wrote.
type unit struct {
	text       string
	path       string
	line       int    // the file line of the text's first line; 0 for template text
	col        int    // the column of its first character, when not 1
	oneLine    bool   // the text stands for one line (topics joined): every finding is at line, col
	subjectEnd int    // template text: the subject comes first, then the body
	template   string // the template's source, to find template text in
	fallback   vault.Pos
	shared     bool // template text: the same in many drafts
	// at is where the section starts (its heading, its key), for the
	// line that counts the findings not listed.
	at vault.Pos
}

// A finding is one problem at a byte offset of a unit's text.
type finding struct {
	off, n           int
	code             vault.Code
	message          string
	suggestion, what string // what: the text at fault, to find it in a template
	template         string // for length: the message about a template's drafts
	standIn          bool   // a placeholder that is a word, such as TODO: content when the front matter uses it
}

// A place is where a finding is reported; path "" is the note's.
type place struct {
	path string
	pos  vault.Pos
}

// places turns the offsets of findings in u's text into file positions.
// Columns count characters, as YAML's do.
func (u unit) places(fs []finding) []place {
	ps := make([]place, len(fs))
	switch {
	case u.oneLine:
		for i := range ps {
			ps[i] = place{u.path, vault.Pos{Line: u.line, Col: u.col}}
		}
	case u.line > 0:
		offs := make([]int, len(fs))
		for i, f := range fs {
			offs[i] = f.off
		}
		for i, p := range positions(u.text, offs, u.line, max(u.col, 1)) {
			ps[i] = place{u.path, p}
		}
	default:
		for i, f := range fs {
			ps[i] = u.templatePlace(f)
		}
	}
	return ps
}

// templatePlace finds template text in the subject or in the body of the
// template, as it came; text it cannot find is reported at the fallback,
// in the note.
func (u unit) templatePlace(f finding) place {
	src, base := u.template, 0
	if end := strings.Index(src, "\n---\n"); strings.HasPrefix(src, "---\n") && end >= 0 {
		if f.off < u.subjectEnd {
			src = src[:end]
		} else {
			src, base = src[end+5:], end+5
		}
	}
	if i := strings.Index(src, f.what); f.what != "" && i >= 0 {
		return place{u.path, positions(u.template, []int{base + i}, 1, 1)[0]}
	}
	return place{"", u.fallback}
}

// positions are the positions of the byte offsets offs of text, whose
// first line is file line line and starts at column col. The text is read
// once, from offset to offset in order: a section of megabytes with
// thousands of findings is not read again for each.
func positions(text string, offs []int, line, col int) []vault.Pos {
	order := make([]int, len(offs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return offs[a] - offs[b] })
	ps := make([]vault.Pos, len(offs))
	at := 0 // text[:at] is counted: the position of byte at is line, col
	for _, i := range order {
		part := text[at:offs[i]]
		if nl := strings.LastIndexByte(part, '\n'); nl >= 0 {
			line += strings.Count(part, "\n")
			col = 1 + utf8.RuneCountInString(part[nl+1:])
		} else {
			col += utf8.RuneCountInString(part)
		}
		at = offs[i]
		ps[i] = vault.Pos{Line: line, Col: col}
	}
	return ps
}

// maxPerSection bounds the findings of one code listed for one section of
// a note, or for one template: text pasted with a thousand misspellings
// gets twenty lines and one that counts the rest, not a thousand.
const maxPerSection = 20

// A section gathers the diagnostics of one part of a note, or of one
// template, to list at most maxPerSection of each code.
type section struct {
	path  string
	at    vault.Pos
	where string // "section" or "template"
	ds    []vault.Diagnostic
}

// listed returns the diagnostics of s, each once, in order, with at most
// maxPerSection of each code, and for each code that has more, one line at
// the section's start that says how many more.
func (s *section) listed() []vault.Diagnostic {
	vault.SortDiagnostics(s.ds)
	ds := slices.Compact(s.ds)
	count := map[vault.Code]int{}
	var codes []vault.Code
	kept := ds[:0]
	for _, d := range ds {
		if count[d.Code]++; count[d.Code] <= maxPerSection {
			kept = append(kept, d)
		} else if count[d.Code] == maxPerSection+1 {
			codes = append(codes, d.Code)
		}
	}
	for _, code := range codes {
		kept = append(kept, vault.Diagnostic{Path: s.path, Line: max(s.at.Line, 1), Col: max(s.at.Col, 1), Severity: vault.Warning, Code: code,
			Message: fmt.Sprintf("this %s has %d more like this, not listed", s.where, count[code]-maxPerSection)})
	}
	return kept
}

// Proofread checks the drafts of a ready note the way a careful friend
// would: names and the company spelled right, nothing left to fill in, no
// misspellings or doubled words, nothing too eager, short but substantial,
// and a personal part for everyone. Each problem is reported once, at its
// line in the note, or in the template it comes from; a section lists at
// most maxPerSection problems of each kind and counts the rest.
func (t *Templates) Proofread(n *vault.Note, drafts []Draft, cfg *vault.Config) []vault.Diagnostic {
	if n.Status != vault.Ready {
		return nil
	}
	ns := nameSetOf(knownNames(n))
	ns.content = contentWords(knownNames(n), contentValues(n)...)
	var units []unit
	for _, iv := range n.Interviewers {
		if s := iv.Personal; s != nil {
			units = append(units, unit{text: s.Markdown, path: n.Path, line: s.Line, at: s.Pos})
		}
		if s := iv.Unfinished; s != nil {
			units = append(units, unit{text: s.Markdown, path: n.Path, line: s.Line, at: s.Pos})
		}
		if p := iv.GreetingPos; iv.Greeting != "" && p.Line > 0 {
			// With the comma that follows it in a draft: "Jonathon," is
			// someone addressed.
			units = append(units, unit{text: iv.Greeting + ",", path: n.Path, line: p.Line, col: p.Col, at: p})
		}
	}
	if s := n.Unfinished; s != nil {
		units = append(units, unit{text: s.Markdown, path: n.Path, line: s.Line, at: s.Pos})
	}
	// The role and the topics, at their lines in the front matter.
	if p, ok := n.Keys["role"]; ok && n.Role != "" {
		units = append(units, unit{text: n.Role, path: n.Path, line: p.Line, col: p.Col + len("role: "), at: p})
	}
	if p, ok := n.Keys["topics"]; ok && len(n.Topics) > 0 {
		units = append(units, unit{text: strings.Join(n.Topics, "; "), path: n.Path, line: p.Line, col: p.Col, oneLine: true, at: p})
	}
	if len(drafts) > 0 {
		// What the note and the configuration wrote is checked at its
		// own place: what is left is the template's.
		b := newBlanker(dataValues(n, cfg.Candidate))
		for _, d := range drafts {
			subject := b.blank(d.Subject)
			u := unit{text: subject + "\n\n" + b.blank(d.Markdown), subjectEnd: len(subject), path: d.Template, fallback: d.To.Pos, shared: true}
			if tmpl := t.byName[templateOf(d)]; tmpl != nil {
				u.template = tmpl.source
			}
			units = append(units, u)
		}
	}

	var ds []vault.Diagnostic
	diag := func(path string, p vault.Pos, f finding) vault.Diagnostic {
		if path == "" {
			path = n.Path
		}
		return vault.Diagnostic{Path: path, Line: max(p.Line, 1), Col: max(p.Col, 1), Severity: vault.Warning,
			Code: f.code, Message: f.message, Suggestion: f.suggestion}
	}
	sections := map[string]*section{}
	var order []*section
	sectionOf := func(u unit) *section {
		key, s := fmt.Sprintf("%d:%d", u.at.Line, u.at.Col), &section{path: n.Path, at: u.at, where: "section"}
		if u.shared {
			key, s = "template:"+u.path, &section{path: u.path, at: vault.Pos{Line: 1, Col: 1}, where: "template"}
		}
		if sections[key] == nil {
			sections[key] = s
			order = append(order, s)
		}
		return sections[key]
	}
	// The drafts of one template to several people are often one text
	// once their values are blanked: it is read once, and what it finds
	// in the template is listed once; only what it finds outside the
	// template is listed for each draft, at each recipient.
	type read struct {
		fs       []finding
		fallback []int // the findings not found in the template
	}
	done := map[string]*read{}
	for _, u := range units {
		text := blankCode(u.text)
		s := sectionOf(u)
		key := u.path + "\x00" + text
		if r, ok := done[key]; ok {
			for _, i := range r.fallback {
				s.ds = append(s.ds, diag("", u.fallback, r.fs[i]))
			}
			continue
		}
		r := &read{fs: proofreadText(text, ns, u.shared)}
		for i, p := range u.places(r.fs) {
			if p.path == "" {
				r.fallback = append(r.fallback, i)
			}
			s.ds = append(s.ds, diag(p.path, p.pos, r.fs[i]))
		}
		if u.shared {
			done[key] = r
		}
	}
	for _, s := range order {
		ds = append(ds, s.listed()...)
	}
	letters, bare := formLetters(n, drafts)
	for _, d := range drafts {
		f, ok := checkLength(d)
		switch {
		case !ok:
		case d.Kind == calendar.ThankYou && bare[d.To] && strings.Contains(f.message, "only"):
			// form-letter says what is missing.
		case d.Kind != calendar.ThankYou:
			// A follow-up is the template's text alone.
			f.message = fmt.Sprintf("the %s drafts from this template %s", d.Kind, f.template)
			ds = append(ds, diag(d.Template, vault.Pos{Line: 1, Col: 1}, f))
		case d.To.Personal != nil:
			ds = append(ds, diag(n.Path, d.To.Personal.Pos, f))
		default:
			ds = append(ds, diag(n.Path, d.To.Pos, f))
		}
	}
	ds = append(ds, letters...)
	// An interviewer still written as new's stand-in greets "Dear [Name],".
	for _, iv := range n.Interviewers {
		if strings.HasPrefix(iv.Name, "[") && strings.HasSuffix(iv.Name, "]") {
			ds = append(ds, vault.Diagnostic{Path: n.Path, Line: iv.Pos.Line, Col: iv.Pos.Col, Severity: vault.Warning, Code: vault.CodePlaceholder,
				Message: fmt.Sprintf("the interviewer %q is a placeholder: write the name of the person you spoke with", iv.Name)})
		}
	}
	vault.SortDiagnostics(ds)
	return slices.Compact(ds)
}

func templateOf(d Draft) string {
	for _, name := range TemplateNames {
		if strings.HasSuffix(d.Template, "/"+name) {
			return name
		}
	}
	return ""
}

// proofreadText runs the checks of the text itself. The checks that do
// not depend on the note are remembered for shared text, a template's,
// which is the same in every draft made from it; the stand-ins that the
// note's front matter uses as words are left out after.
func proofreadText(text string, ns *nameSet, shared bool) []finding {
	if !shared {
		return slices.Concat(ns.notContent(plainFindings(text)), misspelledIn(text, wordsOf(text), ns))
	}
	pre := sharedText.get(text)
	return slices.Concat(ns.notContent(pre.findings), misspelledIn(text, pre.words, ns))
}

// plainFindings are the findings of the checks that look at the text
// alone.
func plainFindings(text string) []finding {
	return slices.Concat(misspellings(text), slips(text), doubledWords(text), tone(text), exclamations(text), placeholders(text))
}

// sharedText remembers what the checks make of template text that does not
// depend on the note: its plainFindings, and its words. It is emptied when
// it grows large: a template that writes a date makes text of its own for
// every note.
var sharedText = memo{m: map[string]*prepared{}}

type prepared struct {
	findings []finding
	words    *words
}

type memo struct {
	mu sync.Mutex
	m  map[string]*prepared
}

func (c *memo) get(text string) *prepared {
	c.mu.Lock()
	pre, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return pre
	}
	pre = &prepared{findings: plainFindings(text), words: wordsOf(text)}
	c.mu.Lock()
	if len(c.m) >= 4096 {
		clear(c.m)
	}
	c.m[text] = pre
	c.mu.Unlock()
	return pre
}

// knownNames are the spellings the front matter gives: the company and
// everyone's full name.
func knownNames(n *vault.Note) []string {
	names := []string{n.Company}
	for _, iv := range n.Interviewers {
		names = append(names, iv.Name)
	}
	if n.Contact != nil && !slices.Contains(names, n.Contact.Name) {
		names = append(names, n.Contact.Name)
	}
	return names
}

// blankCode replaces the text of code spans and fenced code blocks by
// spaces: `Planner<Arm>` and `// TODO: merge` are code, not placeholders.
func blankCode(text string) string {
	b := []byte(text)
	fenced := false
	for start := 0; start < len(b); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += start
		}
		line := strings.TrimSpace(text[start:end])
		switch {
		case strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~"):
			fenced = !fenced
			blank(b[start:end])
		case fenced:
			blank(b[start:end])
		default:
			for _, m := range codeSpan.FindAllStringIndex(text[start:end], -1) {
				blank(b[start+m[0] : start+m[1]])
			}
		}
		start = end + 1
	}
	return string(b)
}

var codeSpan = regexp.MustCompile("`[^`]*`")

func blank(b []byte) {
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
}

// speller knows the common misspellings of English, US and UK spellings
// both allowed (misspell's main list, without a locale). It is made the
// first time it is needed: making it takes 40 ms and 12 MB, which a build
// with nothing to proofread, or "followup version", should not pay.
var speller = sync.OnceValue(misspell.New)

// misspelt holds every misspelling of the speller's list that is one
// word, in lower case: the speller's own search runs a replacer of all its
// thousands of entries over the whole text, so it runs only on text that
// has one of them.
var misspelt = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for i := 0; i+1 < len(misspell.DictMain); i += 2 {
		if w := misspell.DictMain[i]; strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789'") == "" {
			m[w] = true
		}
	}
	return m
})

// mayMisspell reports whether text has a word of the speller's list, as
// the speller cuts words: ASCII letters, digits and apostrophes.
func mayMisspell(text string) bool {
	var word []byte
	misspelt := misspelt()
	check := func() bool {
		found := len(word) > 0 && misspelt[string(word)]
		word = word[:0]
		return found
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '\'':
			word = append(word, c)
		case c >= 'A' && c <= 'Z':
			word = append(word, c+'a'-'A')
		default:
			if check() {
				return true
			}
		}
	}
	return check()
}

func misspellings(text string) []finding {
	if !mayMisspell(text) {
		return nil
	}
	_, diffs := speller().Replace(text)
	var fs []finding
	lines := lineStarts(text)
	for _, d := range diffs {
		off := lines[d.Line-1] + d.Column
		fs = append(fs, finding{off: off, n: len(d.Original), code: vault.CodeSpelling, what: d.Original, suggestion: d.Corrected,
			message: fmt.Sprintf("%q is misspelt: write %q", d.Original, d.Corrected)})
	}
	return fs
}

func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// legitDoubles are words English repeats on purpose ("that that", "had
// had"), and "please please", which tone reports.
var legitDoubles = map[string]bool{"that": true, "had": true, "is": true, "please": true}

func doubledWords(text string) []finding {
	var fs []finding
	prev := token{start: -1}
	for t := range eachToken(text) {
		if prev.start >= 0 {
			a, b := prev.word, t.word
			gap := text[prev.end:t.start]
			if strings.EqualFold(a, b) && strings.TrimSpace(gap) == "" && !legitDoubles[strings.ToLower(a)] && !unicode.IsDigit([]rune(a)[0]) {
				fs = append(fs, finding{off: prev.start, n: t.end - prev.start, code: vault.CodeSpelling, what: a + gap + b,
					suggestion: a, message: fmt.Sprintf("%q is doubled: write it once", a+" "+b)})
			}
		}
		prev = t
	}
	return fs
}

// contentValues are the texts of the front matter other than the names
// that a note's text may quote: the role, the topics, the titles, the
// aliases and the greetings.
func contentValues(n *vault.Note) []string {
	values := []string{n.Role}
	values = append(values, n.Topics...)
	for _, iv := range n.Interviewers {
		values = append(values, iv.Title, iv.Greeting)
		values = append(values, iv.Topics...)
		values = append(values, iv.Aliases...)
	}
	return values
}
