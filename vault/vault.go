// Package vault reads a followup vault: a folder of Markdown interview
// notes with YAML, TOML or JSON front matter, person notes they link to
// Obsidian-style, and followup.yaml. It reports every problem as a
// Diagnostic with the file, line and column, and never stops at the first
// bad note.
package vault

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxNoteSize is the size above which a Markdown file is skipped.
const MaxNoteSize = 10 << 20

// A Vault is what Open read: the interview notes that can be rendered, the
// ones that cannot, and every problem found.
type Vault struct {
	Config *Config
	Notes  []*Note  // interview notes without errors, sorted by path
	Failed []string // interview notes with errors: keep their outputs as they are
	// Ordinary lists the other Markdown files. One of them may be an
	// interview note in the middle of an edit (its front matter broken, its
	// interviewers key mistyped, its text cut): whatever was made from it
	// before is kept as it is too. Only a deleted note loses its outputs.
	Ordinary    []string
	Diagnostics []Diagnostic // sorted
}

// Keep returns the notes whose outputs must stay as they are: notes with
// errors, and Markdown files that are not interview notes now.
func (v *Vault) Keep() map[string]bool {
	keep := map[string]bool{}
	for _, p := range slices.Concat(v.Failed, v.Ordinary) {
		keep[p] = true
	}
	return keep
}

// Open reads the vault in fsys with the configuration cfg. Problems in
// notes become diagnostics; Open itself does not fail.
func Open(fsys fs.FS, cfg *Config) *Vault {
	entries := Scan(fsys, cfg)
	x := NewIndex(EntryPaths(entries), ReadVia(fsys, entries))
	results := make([]*FileResult, len(entries))
	Parallel(len(entries), func(i int) { results[i] = ParseFile(fsys, entries[i], cfg, x) })
	return Assemble(cfg, results, x)
}

// A file is a Markdown file found by walk, or a problem met on the way.
type file struct {
	stat   Stat // of a regular file, from the walk
	path   string
	target string      // for a symbolic link, the vault path it leads to
	err    *Diagnostic // a file that must be reported rather than read
}

// walk lists the Markdown files of the vault that may be notes, skipping
// hidden files and folders, the outbox, the templates and ignored globs.
// Symbolic links to folders are not followed, root included (WalkDir); a
// link to a file is read when it stays inside the vault. Only regular
// files are read: a named pipe would block the walk forever.
func (v *Vault) walk(fsys fs.FS, root string) []file {
	var out []file
	report := func(p string, sev Severity, code Code, msg string) {
		out = append(out, file{path: p, err: &Diagnostic{Path: p, Line: 1, Col: 1, Severity: sev, Code: code, Message: msg}})
	}
	_ = WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if p != "." && v.skip(p) {
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !utf8.ValidString(p) {
			// Go's file systems refuse such names: say which and go on.
			if d != nil && d.IsDir() || isMarkdown(p) {
				report(p, Warning, CodeUnreadable, "the name is not UTF-8 text, so followup cannot read it: rename it")
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if err != nil {
			if p == root {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				if p == "." {
					return err
				}
			}
			if d == nil || d.IsDir() || isMarkdown(p) {
				report(p, Error, CodeUnreadable, "cannot read: "+Cause(err).Error())
			}
			return nil
		}
		switch {
		case d.IsDir() || !isMarkdown(p):
		case d.Type()&fs.ModeSymlink != 0:
			// A link to a note that is read anyway would make that note
			// twice.
			if f, ok := checkLink(fsys, p); ok && (f.target == "" || !v.walks(fsys, f.target)) {
				out = append(out, f)
			}
		case d.Type().IsRegular():
			f := file{path: p}
			if info, err := d.Info(); err == nil {
				f.stat = StatOf(info)
			}
			out = append(out, f)
		}
		return nil
	})
	return out
}

// walks reports whether the walk of the whole vault reads the vault path
// p as a note of its own: a regular file named .md, not skipped, in
// folders that are not symbolic links. It looks at p itself, not at what
// a walk found, so that a walk of one folder decides about a link as the
// walk of the vault does.
func (v *Vault) walks(fsys fs.FS, p string) bool {
	if !isMarkdown(p) || v.Config.Skip(p) {
		return false
	}
	for q := p; q != "."; q = path.Dir(q) {
		info, err := fs.Lstat(fsys, q)
		if err != nil || q == p && !info.Mode().IsRegular() || q != p && !info.IsDir() {
			return false
		}
	}
	return true
}

// skip reports whether the vault path p is never read as a note: hidden,
// the outbox, the templates (compared without case, as on the file
// systems of macOS and Windows, and as Obsidian's own "Templates"), or
// ignored.
func (v *Vault) skip(p string) bool {
	if strings.HasPrefix(path.Base(p), ".") || strings.EqualFold(p, v.Config.Outbox) || strings.EqualFold(p, v.Config.Templates) {
		return true
	}
	for _, g := range v.Config.Ignore {
		if matchGlob(g, p) {
			return true
		}
	}
	return false
}

func isMarkdown(p string) bool { return strings.EqualFold(path.Ext(p), ".md") }

// checkLink decides what to do with a symbolic link named .md: read it
// when it leads to a file inside the vault, warn when it leads outside,
// report it when it leads nowhere, and ignore a link to a folder or to
// anything but a regular file.
func checkLink(fsys fs.FS, p string) (file, bool) {
	report := func(sev Severity, msg string) (file, bool) {
		return file{path: p, err: &Diagnostic{Path: p, Line: 1, Col: 1, Severity: sev, Code: CodeSymlink, Message: msg}}, true
	}
	resolved := ""
	if target, err := fs.ReadLink(fsys, p); err == nil {
		resolved = path.Join(path.Dir(p), target)
		if path.IsAbs(target) || escapes(resolved) {
			return report(Warning, fmt.Sprintf("symbolic link to %q leads outside the vault: not followed", target))
		}
	}
	info, err := fs.Stat(fsys, cmp.Or(resolved, p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return report(Error, "dangling symbolic link: its target does not exist")
	case err != nil && strings.Contains(err.Error(), "escapes"):
		return report(Warning, "symbolic link leads outside the vault: not followed")
	case err != nil:
		return report(Error, "cannot follow this symbolic link: "+Cause(err).Error())
	case !info.Mode().IsRegular():
		return file{}, false
	}
	return file{path: p, target: resolved}, true
}

func escapes(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// readNote reads a Markdown file, refusing one over MaxNoteSize.
func readNote(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxNoteSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxNoteSize {
		return nil, errTooLarge
	}
	return b, nil
}

var errTooLarge = errors.New("larger than 10 MiB")

// readHead returns the first 64 KiB of a file, where front matter is.
func readHead(fsys fs.FS, p string) []byte {
	f, err := fsys.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	head, _ := io.ReadAll(io.LimitReader(f, 64<<10))
	return head
}

// utf16Name names the encoding of text that starts with a UTF-16
// byte-order mark, as Windows Notepad writes "Unicode", or returns "".
func utf16Name(text []byte) string {
	switch {
	case bytes.HasPrefix(text, []byte{0xFF, 0xFE}):
		return "UTF-16 (little-endian)"
	case bytes.HasPrefix(text, []byte{0xFE, 0xFF}):
		return "UTF-16 (big-endian)"
	}
	return ""
}

// interviewKey finds an `interviewers` key in text whose front matter
// could not be read: such a file was meant to be an interview note.
var interviewKey = regexp.MustCompile(`(?m)^[ \t]*(["']?interviewers["']?[ \t]*[:=]|\[\[?[ \t]*["']?interviewers)|"interviewers"[ \t]*:`)

// readInterview reads the file f and decodes it when it is an interview
// note; it returns nil for an ordinary note, and the contact an ordinary
// note's front matter gives.
func readInterview(d *diags, fsys fs.FS, f file, cfg *Config, people *people) (*Note, *Person) {
	if f.err != nil {
		d.list = append(d.list, *f.err)
		return nil, nil
	}
	name := cmp.Or(f.target, f.path)
	content, err := readNote(fsys, name)
	if errors.Is(err, errTooLarge) {
		// Only a file meant to be an interview note is worth a word: a
		// large drawing or log is nobody's business.
		if interviewKey.Match(readHead(fsys, name)) {
			d.errorf(Pos{1, 1}, CodeTooLarge, "skipped: the file is larger than 10 MiB")
		}
		return nil, nil
	}
	if err != nil {
		d.errorf(Pos{1, 1}, CodeUnreadable, "cannot read: %v", Cause(err))
		return nil, nil
	}
	if enc := utf16Name(content); enc != "" {
		if interviewKey.Match(bytes.ReplaceAll(content, []byte{0}, nil)) {
			d.errorf(Pos{1, 1}, CodeEncoding, "the note is %s text: save it as UTF-8", enc)
		}
		return nil, nil
	}
	h, herr := splitHeader(content)
	if herr != nil {
		if interviewKey.Match(herr.text) {
			d.errorf(herr.pos, herr.code, "%s", herr.message)
		}
		return nil, nil
	}
	if h == nil || h.root == nil {
		return nil, nil
	}
	if !hasKey(h.root, "interviewers") {
		contact := noteContact(f.path, h.root)
		// A misspelt interviewers key would make the note vanish silently.
		for i := 0; i+1 < len(h.root.Content); i += 2 {
			k := deref(h.root.Content[i])
			if best, ok := nearest(k.Value, []string{"interviewers"}); ok && k.Kind == yaml.ScalarNode {
				d.warnf(nodePos(k), CodeUnknownKey, best, "unknown key %q: did you mean %q? Until then this is not read as an interview note", k.Value, best)
			}
		}
		return nil, contact
	}
	if !utf8.Valid(h.body) {
		d.errorf(invalidUTF8(h.body, h.bodyLine-1), CodeEncoding, "the note is not UTF-8 text: save it as UTF-8")
	}
	// Line numbers stay the same; the text handed on has one line ending.
	h.body = bytes.ReplaceAll(h.body, []byte("\r\n"), []byte("\n"))
	n := decodeNote(d, f.path, h, cfg.Zone, people)
	n.Body = nil // read: the sections hold what is needed of it
	return n, nil
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k != nil && k.Value == key {
			return true
		}
	}
	return false
}
