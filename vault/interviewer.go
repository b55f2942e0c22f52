package vault

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// An Interviewer is one person the candidate spoke with.
type Interviewer struct {
	Name     string
	Title    string
	Email    string
	Phone    string
	Topics   []string
	Channel  Channel
	Aliases  []string // other names the body's headings may use
	Link     string   // the link target when written as [[…]]
	Person   string   // vault path of the linked person note, or ""
	Pos      Pos      // where the interviewer is written
	Personal *Section // the personal part from the body, or nil
	Greeting string   // how the note greets them ("Hi Sam"), when the note says
	Fit      string   // why the candidate fits, for this person only (Markdown), or ""
	// Unfinished is the "Unfinished business" written inside the person's
	// own section, for their note only, or nil.
	Unfinished *Section
	// GreetingPos is where the greeting's text starts in the file.
	GreetingPos Pos
}

// FirstName returns what the interviewer is called by: the first given
// name ("Jane" for "Dr. Jane van der Berg"), else the honorific and the
// surname ("Mr. O'Brien"), else the name as written ("HR").
func (iv *Interviewer) FirstName() string {
	n := ParseName(iv.Name)
	switch {
	case !n.Person:
		return iv.Name
	case n.Given != "":
		first, _, _ := strings.Cut(n.Given, " ")
		return first
	case n.Formal() != "":
		return n.Formal()
	}
	return iv.Name
}

// LastName returns the surname with its particles ("van der Berg"), or ""
// for a single name or a name that is not a person's.
func (iv *Interviewer) LastName() string { return ParseName(iv.Name).Surname }

// answersTo reports whether s names iv: the full name, the first name or an
// alias, ignoring case and accents.
func (iv *Interviewer) answersTo(s string) bool {
	key := foldName(s)
	if key == "" {
		return false
	}
	for _, n := range append([]string{iv.Name, iv.FirstName()}, iv.Aliases...) {
		if foldName(n) == key {
			return true
		}
	}
	return false
}

// InterviewerKeys are the keys of the mapping form of an interviewer.
var InterviewerKeys = []string{"name", "title", "email", "phone", "topics", "channel", "aliases", "greeting", "fit"}

var channels = []string{string(Email), string(Letter), string(Call)}

func decodeInterviewers(d *diags, v *yaml.Node, keyPos Pos, channel Channel, people *people) []*Interviewer {
	n := deref(v)
	switch {
	case isEmpty(n):
		if keyPos.Line == 0 {
			d.errorf(Pos{1, 1}, CodeMissing, "missing required key interviewers")
		} else {
			d.errorf(keyPos, CodeMissing, "interviewers is empty: list everyone you spoke with, one per line, such as - Jane Doe <jane@acme.com>")
		}
		return nil
	case n.Kind != yaml.SequenceNode:
		d.errorf(nodePos(n), CodeType, "interviewers must be a list, not %s: write one person per line, such as - Jane Doe <jane@acme.com>", kindName(n))
		return nil
	case len(n.Content) == 0:
		d.errorf(nodePos(n), CodeMissing, "interviewers is empty: list everyone you spoke with")
		return nil
	}
	var out []*Interviewer
	seen := map[string]*Interviewer{} // by folded name and by address
	for _, item := range n.Content {
		iv := decodeInterviewer(d, item, channel, people)
		if iv == nil {
			continue
		}
		keys := []string{"name:" + foldName(iv.Name)}
		if iv.Email != "" {
			keys = append(keys, "email:"+strings.ToLower(iv.Email))
		}
		if first := firstSeen(seen, keys); first != nil {
			// Two drafts to one person would be a form letter twice: the
			// second entry is left out.
			if foldName(first.Name) == foldName(iv.Name) {
				d.warnf(iv.Pos, CodeFormLetter, "", "%s is listed twice (first on line %d): this entry is left out", iv.Name, first.Pos.Line)
			} else {
				d.warnf(iv.Pos, CodeFormLetter, "", "%s has the address of %s (line %d): this entry is left out; give each person their own address", iv.Name, first.Name, first.Pos.Line)
			}
			continue
		}
		for _, k := range keys {
			seen[k] = iv
		}
		out = append(out, iv)
	}
	return out
}

func firstSeen(seen map[string]*Interviewer, keys []string) *Interviewer {
	for _, k := range keys {
		if iv := seen[k]; iv != nil {
			return iv
		}
	}
	return nil
}

// decodeInterviewer reads one interviewer in any of the three forms: a
// mapping, "Name <email>", or an Obsidian link "[[Name]]".
func decodeInterviewer(d *diags, v *yaml.Node, channel Channel, people *people) *Interviewer {
	n := deref(v)
	iv := &Interviewer{Channel: channel, Pos: nodePos(v)}
	switch {
	case isNull(n):
		d.errorf(iv.Pos, CodeNoName, "an interviewer without a name: write the name, such as - Jane Doe")
		return nil
	case n.Kind == yaml.ScalarNode && n.Tag != "!!str":
		d.errorf(iv.Pos, CodeType, "an interviewer must be a name, not %s", kindName(n))
		return nil
	case n.Kind == yaml.ScalarNode:
		if !oneLine(d, iv.Pos, n.Value) || !iv.fromString(d, n.Value, people) {
			return nil
		}
	case n.Kind == yaml.SequenceNode:
		// `- [[Jane Doe]]` or `interviewers: [[Jane Doe]]` without quotes
		// are lists in lists to YAML; the user meant a link.
		inner := deref(firstOnly(n))
		if inner != nil && inner.Kind == yaml.SequenceNode {
			inner = deref(firstOnly(inner))
		}
		if inner == nil || inner.Kind != yaml.ScalarNode {
			d.errorf(iv.Pos, CodeType, "an interviewer must be a name, \"Name <email>\", \"[[Link]]\" or a mapping with name:, not %s", kindName(n))
			return nil
		}
		if !oneLine(d, iv.Pos, inner.Value) || !iv.fromString(d, "[["+inner.Value+"]]", people) {
			return nil
		}
	case n.Kind == yaml.MappingNode:
		if !iv.fromMapping(d, n, people) {
			return nil
		}
	}
	return iv
}

// oneLine reports an interviewer written with a control character, such
// as a line break, or another character findStray refuses: a name or an
// address is one line, or it could add a header to a mail, and it is
// what it shows.
func oneLine(d *diags, pos Pos, s string) bool {
	s = strings.TrimSpace(s)
	if st, found := findStray(s, false); found {
		d.errorf(pos, CodeValue, "%s", st.message("interviewer", s))
		return false
	}
	return true
}

func firstOnly(n *yaml.Node) *yaml.Node {
	if len(n.Content) != 1 {
		return nil
	}
	return n.Content[0]
}

// fromString reads "Jane Doe", "Jane Doe <jane@acme.com>" or "[[Jane Doe]]".
func (iv *Interviewer) fromString(d *diags, s string, people *people) bool {
	s = strings.TrimSpace(s)
	if target, alias, ok := parseLink(s); ok {
		if target == "" {
			return iv.nameMissing(d)
		}
		iv.fromLink(d, target, alias, people)
		return true
	}
	name, email, err := SplitAddress(s)
	if err != nil {
		d.errorf(iv.Pos, CodeValue, "interviewer %q: %v", s, err)
		return false
	}
	iv.Name, iv.Email = name, email
	return iv.Name != "" || iv.nameMissing(d)
}

func (iv *Interviewer) nameMissing(d *diags) bool {
	d.errorf(iv.Pos, CodeNoName, "an interviewer without a name: write the name, such as - Jane Doe <jane@acme.com>")
	return false
}

// fromLink fills iv from the person note that [[target|alias]] names.
func (iv *Interviewer) fromLink(d *diags, target, alias string, people *people) {
	iv.Link = target
	if alias != "" {
		iv.Aliases = append(iv.Aliases, alias)
	}
	p, ok := people.resolve(target)
	if !ok && strings.Contains(target, "{{") {
		iv.Name = linkName(target)
		d.warnf(iv.Pos, CodeBrokenLink, "", "the link [[%s]] is a template placeholder: fill it in", target)
		return
	}
	if !ok {
		iv.Name = linkName(target)
		d.warnf(iv.Pos, CodeBrokenLink, "", "no note %q in the vault for the link [[%s]]: using %q as the name", linkName(target)+".md", target, iv.Name)
		return
	}
	iv.Person, iv.Name = p.Path, p.Name
	iv.Title, iv.Email, iv.Phone = p.Title, p.Email, p.Phone
	iv.Aliases = append(iv.Aliases, p.Aliases...)
}

// fromMapping reads {name: …, title: …, email: …}. The name may itself be
// a link, whose person note supplies what the mapping leaves out.
func (iv *Interviewer) fromMapping(d *diags, n *yaml.Node, people *people) bool {
	vals := map[string]*yaml.Node{}
	for _, f := range d.fields(n) {
		if !slices.Contains(InterviewerKeys, f.key.Value) {
			d.unknownKey(f.key, InterviewerKeys)
			continue
		}
		vals[f.key.Value] = f.val
	}
	name, ok := d.text("name", vals["name"])
	if !ok && !isEmpty(vals["name"]) {
		return false // reported already
	}
	if target, alias, ok := parseLink(name); ok && target != "" {
		iv.fromLink(d, target, alias, people)
	} else {
		iv.Name = name
	}
	if iv.Name == "" {
		d.errorf(iv.Pos, CodeNoName, "an interviewer without a name: add name: to this entry")
		return false
	}
	if s, ok := d.text("title", vals["title"]); ok {
		iv.Title = s
	}
	if s, ok := d.text("email", vals["email"]); ok {
		if _, email, err := SplitAddress("<" + s + ">"); err != nil {
			d.errorf(nodePos(deref(vals["email"])), CodeValue, "email %q: %v", s, err)
		} else {
			iv.Email = email
		}
	}
	if s, ok := d.text("phone", vals["phone"]); ok {
		iv.Phone = s
	}
	iv.Topics = d.texts("topics", vals["topics"])
	iv.Aliases = append(iv.Aliases, d.texts("aliases", vals["aliases"])...)
	if s, ok := d.enum("channel", vals["channel"], channels...); ok {
		iv.Channel = Channel(s)
	}
	if s, ok := d.text("greeting", vals["greeting"]); ok {
		iv.Greeting = strings.TrimRight(s, ",:")
		iv.GreetingPos = textPos(deref(vals["greeting"]))
	}
	if s, ok := d.textLines("fit", vals["fit"]); ok {
		iv.Fit = s
	}
	return true
}

// SplitAddress splits "Jane Doe <jane@acme.com>" into its name and address,
// checking the address. A string without angle brackets is a name alone.
func SplitAddress(s string) (name, email string, err error) {
	if st, found := findStray(s, false); found {
		// The address too: net/mail takes any character beyond ASCII.
		return "", "", fmt.Errorf("%s", st.message("it", s))
	}
	open := strings.LastIndexByte(s, '<')
	if open < 0 || !strings.HasSuffix(s, ">") {
		if strings.ContainsAny(s, "<>") {
			return "", "", fmt.Errorf("write the address in angle brackets after the name, as in Jane Doe <jane@acme.com>")
		}
		return strings.Trim(strings.TrimSpace(s), `"`), "", nil
	}
	name = strings.Trim(strings.TrimSpace(s[:open]), `"`)
	email = strings.TrimSpace(s[open+1 : len(s)-1])
	// RFC 5321 section 4.5.3.1.3: no server takes a longer one, and no
	// header line could hold it whole.
	if len(email) > 254 {
		return "", "", fmt.Errorf("the address is %d characters long: an e-mail address has 254 at most", len(email))
	}
	addr, perr := mail.ParseAddress(email)
	if perr != nil || addr.Name != "" || addr.Address != email {
		return "", "", fmt.Errorf("%q is not an e-mail address", email)
	}
	return name, email, nil
}

// parseLink splits an Obsidian link "[[people/Jane Doe|Jane]]" into its
// target and alias, dropping a heading or block reference (#…).
func parseLink(s string) (target, alias string, ok bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[[") || !strings.HasSuffix(s, "]]") {
		return "", "", false
	}
	s = s[2 : len(s)-2]
	target, alias, _ = strings.Cut(s, "|")
	target, _, _ = strings.Cut(target, "#")
	target = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(target), ".md"))
	return target, strings.TrimSpace(alias), true
}

// linkName is the file name a link target points to, without folders.
func linkName(target string) string {
	if i := strings.LastIndexByte(target, '/'); i >= 0 {
		return target[i+1:]
	}
	return target
}
