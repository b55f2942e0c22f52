package vault

import (
	"cmp"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// A Person is a person note: a Markdown file an interview links to as
// [[Jane Doe]], whose front matter supplies what the link leaves out.
type Person struct {
	Path    string
	Name    string // the file name without .md, or the note's name: key
	Email   string
	Title   string
	Phone   string
	Company string
	Aliases []string
}

// PersonKeys are the front matter keys read from a person note.
var PersonKeys = []string{"name", "email", "title", "phone", "company", "aliases"}

// An Index resolves links like Obsidian does: by file name anywhere in the
// vault, or by path, and reads each person note once. It is safe for
// concurrent use.
type Index struct {
	byName map[string][]string // folded file name without .md → paths
	byPath map[string]string   // folded path without .md → path
	read   func(p string) ([]byte, error)

	mu     sync.Mutex
	loaded map[string]*personNote
}

// A personNote is a person note as read, with its problems.
type personNote struct {
	person *Person
	diags  []Diagnostic
}

// people is an Index seen from one note: it records what the note looked
// up, so that a change to a person note, or a new note a link might now
// name, rebuilds exactly the notes it concerns.
type people struct {
	*Index
	used  []string // person notes read
	links []string // link keys looked up, by file name
}

// noteContact returns the email and company an ordinary note's front
// matter gives, as person notes do, for guessing a company's address
// pattern even from people no interview links to; nil when it gives
// neither.
func noteContact(p string, root *yaml.Node) *Person {
	c := Person{Path: p, Name: norm.NFC.String(strings.TrimSuffix(path.Base(p), path.Ext(p)))}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		if k == nil || v == nil || v.Kind != yaml.ScalarNode {
			continue
		}
		switch k.Value {
		case "email":
			if _, email, err := SplitAddress("<" + strings.TrimSpace(v.Value) + ">"); err == nil {
				c.Email = email
			}
		case "company":
			c.Company = strings.TrimSpace(v.Value)
		case "name":
			c.Name = strings.TrimSpace(v.Value)
		}
	}
	if c.Email != "" && c.Company != "" {
		return &c
	}
	return nil
}

// NewIndex indexes the Markdown files at paths (vault paths); read reads
// one of them.
func NewIndex(paths []string, read func(string) ([]byte, error)) *Index {
	ps := &Index{byName: map[string][]string{}, byPath: map[string]string{}, read: read, loaded: map[string]*personNote{}}
	for _, p := range paths {
		ps.Add(p)
	}
	return ps
}

// SetRead sets how the index reads a person note.
func (ps *Index) SetRead(read func(string) ([]byte, error)) { ps.read = read }

// Add indexes the Markdown file at the vault path p, new in the vault.
func (ps *Index) Add(p string) {
	stem := linkKey(strings.TrimSuffix(p, path.Ext(p)))
	ps.byPath[stem] = p
	base := path.Base(stem)
	list := ps.byName[base]
	// Obsidian prefers the note closest to the vault's root.
	i, found := slices.BinarySearchFunc(list, p, closerToRoot)
	if !found {
		ps.byName[base] = slices.Insert(list, i, p)
	}
}

func closerToRoot(a, b string) int {
	return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), cmp.Compare(a, b))
}

// Remove forgets the Markdown file at p, gone from the vault.
func (ps *Index) Remove(p string) {
	stem := linkKey(strings.TrimSuffix(p, path.Ext(p)))
	if ps.byPath[stem] == p {
		delete(ps.byPath, stem)
	}
	base := path.Base(stem)
	if list := slices.DeleteFunc(ps.byName[base], func(q string) bool { return q == p }); len(list) > 0 {
		ps.byName[base] = list
	} else {
		delete(ps.byName, base)
	}
	ps.Forget(p)
}

// Forget drops what was read of the person note at p, which changed: the
// next link to it reads it again.
func (ps *Index) Forget(p string) {
	ps.mu.Lock()
	delete(ps.loaded, p)
	ps.mu.Unlock()
}

// resolve finds and reads the person note that target names.
func (ps *people) resolve(target string) (*Person, bool) {
	t := linkKey(strings.TrimPrefix(path.Clean("/"+target), "/"))
	ps.links = append(ps.links, path.Base(t))
	var p string
	if strings.Contains(target, "/") {
		if found, ok := ps.byPath[t]; ok {
			p = found
		} else {
			for _, cand := range ps.byName[path.Base(t)] {
				if strings.HasSuffix(linkKey(strings.TrimSuffix(cand, path.Ext(cand))), "/"+t) {
					p = cand
					break
				}
			}
		}
	} else if list := ps.byName[t]; len(list) > 0 {
		p = list[0]
	}
	if p == "" {
		return nil, false
	}
	ps.used = append(ps.used, p)
	return ps.load(p), true
}

// LinkKey is the key under which a link, or a file that may be a link's
// target, is looked up: the folded file name without .md.
func LinkKey(p string) string { return path.Base(linkKey(strings.TrimSuffix(p, path.Ext(p)))) }

// Person returns the person note p as read, with its problems, or nil
// when no note linked to it.
func (ps *Index) Person(p string) (*Person, []Diagnostic) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if pn, ok := ps.loaded[p]; ok {
		return pn.person, pn.diags
	}
	return nil, nil
}

// linkKey is how links and file names are compared: without case, as
// Obsidian does, and in one Unicode form, since macOS writes file names
// decomposed ("e" and a combining diaeresis for "ë").
func linkKey(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// load reads the person note at p once; problems in it are reported
// against it, and what could be read is still used.
func (ps *Index) load(p string) *Person {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if pn, ok := ps.loaded[p]; ok {
		return pn.person
	}
	person := &Person{Path: p, Name: norm.NFC.String(strings.TrimSuffix(path.Base(p), path.Ext(p)))}
	pn := &personNote{person: person}
	ps.loaded[p] = pn
	d := &diags{path: p}
	defer func() { pn.diags = d.list }()
	content, err := ps.read(p)
	if err != nil {
		d.warnf(Pos{1, 1}, CodePersonNote, "", "cannot read this person note: %v", Cause(err))
		return person
	}
	h, herr := splitHeader(content)
	if herr != nil {
		d.warnf(herr.pos, CodePersonNote, "", "%s: the link to this person note uses its file name only", herr.message)
		return person
	}
	if h == nil || h.root == nil {
		return person
	}
	for _, f := range d.fields(h.root) {
		switch f.key.Value {
		case "name":
			if s, ok := d.text("name", f.val); ok {
				person.Name = s
			}
		case "email":
			if s, ok := d.text("email", f.val); ok {
				if _, email, err := SplitAddress("<" + s + ">"); err != nil {
					d.warnf(nodePos(deref(f.val)), CodePersonNote, "", "email %q: %v", s, err)
				} else {
					person.Email = email
				}
			}
		case "title":
			person.Title, _ = d.text("title", f.val)
		case "phone":
			person.Phone, _ = d.text("phone", f.val)
		case "company":
			person.Company, _ = d.text("company", f.val)
		case "aliases":
			person.Aliases = d.texts("aliases", f.val)
		}
	}
	// A person note is anybody's note: its type errors must not stop the
	// interviews that link to it.
	for i := range d.list {
		d.list[i].Severity = Warning
		d.list[i].Code = CodePersonNote
	}
	return person
}

// Cause strips the *fs.PathError wrappers of err, which repeat the path
// the message names already: "mkdirat x: statat x: path escapes from
// parent" becomes "path escapes from parent".
func Cause(err error) error {
	for {
		pe, ok := err.(*fs.PathError)
		if !ok {
			return err
		}
		err = pe.Err
	}
}
