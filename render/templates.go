// Package render turns interview notes into thank-you and follow-up drafts:
// Markdown from Go templates, HTML from goldmark, and e-mail drafts
// (RFC 5322 messages, MIME multipart/alternative per RFC 2046, names and
// subjects encoded per RFC 2047).
package render

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"followup/vault"
)

// The templates of SPEC "Templates", by file name.
const (
	ThankYouTemplate    = "thank-you.md"
	LetterTemplate      = "letter.md"
	CallTemplate        = "call.md"
	FollowUpTemplate    = "follow-up.md"
	StatusCheckTemplate = "status-check.md"
)

// TemplateNames lists the templates a vault may override.
var TemplateNames = []string{ThankYouTemplate, LetterTemplate, CallTemplate, FollowUpTemplate, StatusCheckTemplate}

//go:embed templates/*.md
var defaults embed.FS

// Defaults returns the text of the embedded default template name, for
// `followup init` to copy into a new vault.
func Defaults(name string) ([]byte, error) { return defaults.ReadFile("templates/" + name) }

// A Template is one parsed template: its subject and its body.
type Template struct {
	Path    string // the vault path of an override, or "(default)/NAME"
	source  string // the template as written, to find its text in
	subject *template.Template
	body    *template.Template
}

// Templates are the five templates of a vault: the embedded defaults,
// each overridden by a file of the same name in the vault's templates
// folder.
type Templates struct {
	byName map[string]*Template
	broken map[string]bool // overrides with errors: notes that need them are skipped
}

var funcs = template.FuncMap{
	// stop ends a sentence with s: a full stop, unless s ends with one
	// already ("Acme Ltd." is not followed by a second).
	"stop": func(s string) string {
		if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
			return s
		}
		return s + "."
	},
	// list joins items as English does: "a", "a and b", "a, b and c".
	"list": func(items []string) string {
		switch len(items) {
		case 0:
			return ""
		case 1:
			return items[0]
		}
		return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
	},
	"lower": strings.ToLower,
}

// LoadTemplates parses the templates, reading overrides from the folder
// dir of fsys. A template with an error is reported at its file and line;
// the notes that need it are then not rendered.
func LoadTemplates(fsys fs.FS, dir string) (*Templates, []vault.Diagnostic) {
	t := &Templates{byName: map[string]*Template{}, broken: map[string]bool{}}
	var diags []vault.Diagnostic
	for _, name := range TemplateNames {
		p := path.Join(dir, name)
		text, err := fs.ReadFile(fsys, p)
		if errors.Is(err, fs.ErrNotExist) {
			p = "(default)/" + name
			text, err = defaults.ReadFile("templates/" + name)
		}
		if err != nil {
			diags = append(diags, vault.Diagnostic{Path: p, Line: 1, Col: 1, Severity: vault.Error, Code: vault.CodeTemplate,
				Message: "cannot read the template: " + err.Error()})
			t.broken[name] = true
			continue
		}
		tmpl, d := parseTemplate(p, text)
		if d != nil {
			diags = append(diags, *d)
			t.broken[name] = true
			continue
		}
		t.byName[name] = tmpl
	}
	return t, diags
}

// Key identifies the templates: the same key, the same drafts.
func (t *Templates) Key() string {
	h := sha256.New()
	for _, name := range TemplateNames {
		if tmpl, ok := t.byName[name]; ok {
			fmt.Fprintf(h, "%s\x00%d\x00%s\x00", tmpl.Path, len(tmpl.source), tmpl.source)
		} else {
			fmt.Fprintf(h, "%s broken\x00", name)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Same reports whether t and u are the same templates, read from the same
// files: drafts made with one are the drafts the other makes.
func (t *Templates) Same(u *Templates) bool {
	if t == nil || u == nil || !maps.Equal(t.broken, u.broken) || len(t.byName) != len(u.byName) {
		return false
	}
	for name, a := range t.byName {
		b, ok := u.byName[name]
		if !ok || a.Path != b.Path || a.source != b.source {
			return false
		}
	}
	return true
}

// parseTemplate reads a template file: front matter with subject:, then
// the body. The body is parsed with blank lines standing in for the front
// matter, so that errors carry the file's own line numbers.
func parseTemplate(p string, text []byte) (*Template, *vault.Diagnostic) {
	text = bytes.ReplaceAll(bytes.TrimPrefix(text, []byte("\uFEFF")), []byte("\r\n"), []byte("\n"))
	subject, subjectLine, bodyStart := "", 0, 0
	if bytes.HasPrefix(text, []byte("---\n")) {
		end := bytes.Index(text[4:], []byte("\n---\n"))
		if end < 0 && bytes.HasSuffix(text, []byte("\n---")) {
			end = len(text) - 8
		}
		if end < 0 {
			return nil, templateDiag(p, 1, 1, "the front matter opened with --- is never closed")
		}
		header := text[4 : 4+end]
		for i, line := range strings.Split(string(header), "\n") {
			key, value, ok := strings.Cut(line, ":")
			if !ok || strings.TrimSpace(key) != "subject" {
				if strings.TrimSpace(line) != "" {
					return nil, templateDiag(p, i+2, 1, "a template's front matter holds subject: only")
				}
				continue
			}
			subject, subjectLine = unquote(strings.TrimSpace(value)), i+2
		}
		bodyStart = min(4+end+5, len(text))
	}
	t := &Template{Path: p, source: string(text)}
	var err error
	t.subject, err = template.New(p).Funcs(funcs).Option("missingkey=error").Parse(subject)
	if err != nil {
		return nil, templateError(p, err, subjectLine-1)
	}
	padded := strings.Repeat("\n", bytes.Count(text[:bodyStart], []byte("\n"))) + string(text[bodyStart:])
	t.body, err = template.New(p).Funcs(funcs).Option("missingkey=error").Parse(padded)
	if err != nil {
		return nil, templateError(p, err, 0)
	}
	return t, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"') {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

// templateErrorPos finds "NAME:LINE:COL:" or "NAME:LINE:" in a
// text/template error.
var templateErrorPos = regexp.MustCompile(`^template: [^:]*(?::[^:]*)*?:(\d+)(?::(\d+))?: (.*)$`)

var (
	executingAt = regexp.MustCompile(`^executing "[^"]*" at <([^>]*)>: (.*)$`)
	typeSuffix  = regexp.MustCompile(` in type [\w.*\[\]]+`)
)

// templateError turns a text/template error into a diagnostic at the
// template's line, shifted by shift lines.
func templateError(p string, err error, shift int) *vault.Diagnostic {
	msg := err.Error()
	line, col := 1, 1
	if m := templateErrorPos.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
		msg = m[3]
	}
	// "executing "x.md" at <.To.Nope>: can't evaluate field Nope in type
	// render.Person" says more about Go than about the template.
	if m := executingAt.FindStringSubmatch(msg); m != nil {
		msg = m[1] + ": " + typeSuffix.ReplaceAllString(m[2], "")
	}
	return templateDiag(p, line+shift, col, msg)
}

func templateDiag(p string, line, col int, msg string) *vault.Diagnostic {
	return &vault.Diagnostic{Path: p, Line: max(line, 1), Col: max(col, 1), Severity: vault.Error, Code: vault.CodeTemplate, Message: msg}
}

// execute renders t with data into a subject and a Markdown body.
func (t *Template) execute(data any) (subject, body string, d *vault.Diagnostic) {
	var b strings.Builder
	if err := t.subject.Execute(&b, data); err != nil {
		return "", "", templateError(t.Path, err, 0)
	}
	subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	b.Grow(4096) // a draft is rarely more
	if err := t.body.Execute(&b, data); err != nil {
		return "", "", templateError(t.Path, err, 0)
	}
	return subject, tidy(b.String()), nil
}

// tidy trims a rendered body and collapses runs of blank lines, which
// templates leave where an optional part was empty.
func tidy(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var out []string
	blank := false
	for _, l := range lines {
		trimmed := strings.TrimRight(l, " \t")
		if strings.HasSuffix(l, "  ") && trimmed != "" {
			trimmed += "  " // a Markdown hard line break
		}
		l = trimmed
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}

func (t *Templates) get(name string) (*Template, error) {
	if t.broken[name] {
		return nil, fmt.Errorf("the template %s has an error", name)
	}
	return t.byName[name], nil
}
