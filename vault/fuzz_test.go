package vault

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzNote feeds arbitrary bytes to Open as a note, next to a person note
// it may link to. Nothing may panic, and every diagnostic must point into
// the note.
func FuzzNote(f *testing.F) {
	seeds, _ := filepath.Glob("../example-vault/*/*/*.md")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	archives, _ := filepath.Glob("testdata/open/*.txtar")
	for _, p := range archives {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".md") {
				f.Add(file.Data)
			}
		}
	}
	if len(seeds) == 0 || len(archives) == 0 {
		f.Fatal("no seeds")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"n.md":                {Data: data},
			"people/Jane.md":      {Data: data},
			"people/Raj Patel.md": {Data: []byte("---\nemail: raj@acme.example\n---\n")},
		}
		v := Open(fsys, DefaultConfig(time.UTC))
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range v.Diagnostics {
			if d.Line < 1 || d.Line > lines || d.Col < 1 {
				t.Errorf("%s points outside the note of %d lines", d, lines)
			}
			if d.Message == "" || d.Code == "" {
				t.Errorf("%+v has no message or code", d)
			}
		}
		for _, n := range v.Notes {
			if n.Company == "" || n.Date.IsZero() || len(n.Interviewers) == 0 {
				t.Errorf("note without errors lacks a required key: %+v", n)
			}
			for _, s := range append([]string{n.Company, n.Role, n.ID}, n.Topics...) {
				if st, found := findStray(s, false); found {
					t.Errorf("%U in %q of a note without errors", st.r, s)
				}
			}
			sections := []*Section{n.Unfinished}
			for _, iv := range n.Interviewers {
				if iv.Name == "" {
					t.Errorf("interviewer without a name in a note without errors")
				}
				sections = append(sections, iv.Personal)
			}
			for _, s := range sections {
				if s != nil && strings.ContainsFunc(s.Markdown, func(r rune) bool { return r != '\n' && r != '\r' && isControl(r) }) {
					t.Errorf("a control character in a section that goes into drafts: %q", s.Markdown)
				}
			}
		}
	})
}

// FuzzParseMoment checks that what ParseMoment accepts falls in the years
// 1900 to latestYear, and prints and parses back to the same instant.
func FuzzParseMoment(f *testing.F) {
	for _, s := range []string{"2026-11-18", "2026-11-18T14:00", "2026-11-18 14:00:00 +01:00", "2026-11-18t14:00:00.123z", "2026-02-30", "9999-12-31T23:59:59-14:00"} {
		f.Add(s)
	}
	ny, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoment(s, ny)
		if err != nil {
			return
		}
		if y := m.Time.Year(); y < 1900 || y > latestYear {
			t.Fatalf("ParseMoment(%q) = %v, in a year it refuses", s, m.Time)
		}
		layout := "2006-01-02"
		if m.HasTime {
			layout = time.RFC3339Nano
		}
		back, err := ParseMoment(m.Time.Format(layout), ny)
		if err != nil {
			t.Fatalf("ParseMoment(%q) = %v, whose printed form does not parse: %v", s, m.Time, err)
		}
		if !back.Time.Equal(m.Time) || back.HasTime != m.HasTime {
			t.Fatalf("ParseMoment(%q) = %v, printed and parsed again %v", s, m.Time, back.Time)
		}
	})
}

// FuzzInterviewers feeds arbitrary text to the interviewers key in each
// of its forms: a list of strings, a link, mappings. Nothing may panic;
// every interviewer of a note without errors has a name, and names,
// titles and addresses hold no control character but the tab (which a
// header may hold), so no header can be made of them, and nothing that
// reorders or hides text (findStray), so that a To and a SUMMARY show
// what they hold.
func FuzzInterviewers(f *testing.F) {
	for _, s := range []string{
		"  - Jane Doe <jane@acme.example>\n  - \"[[Raj Patel]]\"\n",
		"  - name: Zoë Müller\n    email: zoe@acme.example\n    channel: letter\n",
		"[Jane, \"[[people/Raj Patel|Raj]]\"]",
		"  - [[Raj Patel]]\n",
		"  - \"Eve\\r\\nBcc: x <e@x.y>\"\n",
		"  - name: \"[[Raj Patel#Notes|R]]\"\n    topics: [a, b]\n",
		"  - <>\n  - \"\"\n  - ~\n",
		"  - \"Jane \\u202eDoe <jane@acme.example>\"\n  - name: \"Raj\\u200b\"\n    title: \"\\u2066CTO\"\n",
		"  - مهسا رضا\u200cیی\n  - Ana 👩\u200d💻 <ana@acme.example>\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		note := "---\ncompany: Acme\ndate: 2026-11-18T14:00\nstatus: ready\ninterviewers:\n" + list + "\n---\nBody\n"
		fsys := fstest.MapFS{
			"n.md":                {Data: []byte(note)},
			"people/Raj Patel.md": {Data: []byte("---\nemail: raj@acme.example\n---\n")},
		}
		v := Open(fsys, DefaultConfig(time.UTC))
		for _, d := range v.Diagnostics {
			if d.Line < 1 || d.Col < 1 || d.Message == "" {
				t.Errorf("bad diagnostic %+v", d)
			}
		}
		for _, n := range v.Notes {
			for _, iv := range append(slices.Clone(n.Interviewers), n.Contact) {
				if iv == nil {
					continue
				}
				if strings.TrimSpace(iv.Name) == "" {
					t.Errorf("an interviewer without a name: %+v", iv)
				}
				for _, s := range append([]string{iv.Name, iv.Email, iv.Title, iv.Phone}, slices.Concat(iv.Topics, iv.Aliases)...) {
					if strings.ContainsFunc(s, isControl) {
						t.Errorf("control character in %q", s)
					}
					if st, found := findStray(s, false); found {
						t.Errorf("%U in %q", st.r, s)
					}
				}
				if iv.Email != "" {
					if _, addr, err := SplitAddress("<" + iv.Email + ">"); err != nil || addr != iv.Email {
						t.Errorf("address %q does not parse back: %v", iv.Email, err)
					}
				}
			}
		}
	})
}
