package vault

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata")

// TestOpen reads each vault of testdata/open/*.txtar and compares what Open
// found, the notes and the diagnostics, with the archive's sections
// "want.notes" and "want.diagnostics". A file named "symlink:NAME" becomes a
// symbolic link NAME to its trimmed content; one named "denied:NAME" cannot
// be opened.
func TestOpen(t *testing.T) {
	files, _ := filepath.Glob("testdata/open/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test vaults")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys := archiveFS(ar)
			cfg, cds := LoadConfig(fsys, time.UTC)
			v := Open(fsys, cfg)
			got := map[string]string{
				"want.notes":       dumpNotes(v),
				"want.diagnostics": dumpDiagnostics(append(cds, v.Diagnostics...)),
			}
			changed := false
			for name, text := range got {
				i := fileIndex(ar, name)
				if i < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: name})
					i = len(ar.Files) - 1
				}
				if string(ar.Files[i].Data) != text {
					if *update {
						ar.Files[i].Data = []byte(text)
						changed = true
						continue
					}
					t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s--- want\n%s", name, text, ar.Files[i].Data)
				}
			}
			if changed {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func fileIndex(ar *txtar.Archive, name string) int {
	for i, f := range ar.Files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// deniedFS refuses to open the files it lists, like a file without read
// permission (tests run as root, who may read anything).
type deniedFS struct {
	fstest.MapFS
	denied map[string]bool
}

func (d deniedFS) Open(name string) (fs.File, error) {
	if d.denied[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.Open(name)
}

func (d deniedFS) ReadLink(name string) (string, error)   { return d.MapFS.ReadLink(name) }
func (d deniedFS) Lstat(name string) (fs.FileInfo, error) { return d.MapFS.Lstat(name) }

func archiveFS(ar *txtar.Archive) fs.FS {
	m := fstest.MapFS{}
	denied := map[string]bool{}
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "want."):
		case strings.HasPrefix(f.Name, "symlink:"):
			m[strings.TrimPrefix(f.Name, "symlink:")] = &fstest.MapFile{Data: []byte(strings.TrimSpace(string(f.Data))), Mode: fs.ModeSymlink}
		case strings.HasPrefix(f.Name, "denied:"):
			name := strings.TrimPrefix(f.Name, "denied:")
			m[name] = &fstest.MapFile{Data: f.Data}
			denied[name] = true
		default:
			m[f.Name] = &fstest.MapFile{Data: f.Data}
		}
	}
	return deniedFS{m, denied}
}

func dumpDiagnostics(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintln(&b, d)
		if d.Suggestion != "" {
			fmt.Fprintf(&b, "\tsuggestion: %s\n", d.Suggestion)
		}
	}
	return b.String()
}

// dumpNotes writes what Open decoded, one line a fact, for golden files.
func dumpNotes(v *Vault) string {
	var b strings.Builder
	moment := func(m Moment) string {
		if m.IsZero() {
			return "-"
		}
		if !m.HasTime {
			return m.Time.Format("2006-01-02")
		}
		return m.Time.Format(time.RFC3339)
	}
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "%s id=%s\n", n.Path, n.ID)
		fmt.Fprintf(&b, "\tcompany=%q role=%q\n", n.Company, n.Role)
		fmt.Fprintf(&b, "\tdate=%s zone=%s duration=%s end=%s\n", moment(n.Date), n.Zone, n.Duration, n.End().Format(time.RFC3339))
		fmt.Fprintf(&b, "\tstatus=%s sent=%s channel=%s outcome=%s decision=%s heard_back=%s\n", n.Status, moment(n.Sent), n.Channel, n.Outcome, moment(n.Decision), moment(n.HeardBack))
		if len(n.Topics) > 0 {
			fmt.Fprintf(&b, "\ttopics=%q\n", n.Topics)
		}
		for _, f := range n.FollowUps {
			fmt.Fprintf(&b, "\tfollowup=%s\n", moment(f))
		}
		for _, iv := range n.Interviewers {
			fmt.Fprintf(&b, "\tinterviewer %q at %d:%d title=%q email=%q phone=%q channel=%s", iv.Name, iv.Pos.Line, iv.Pos.Col, iv.Title, iv.Email, iv.Phone, iv.Channel)
			if iv.Person != "" {
				fmt.Fprintf(&b, " person=%s", iv.Person)
			}
			if len(iv.Topics) > 0 {
				fmt.Fprintf(&b, " topics=%q", iv.Topics)
			}
			if len(iv.Aliases) > 0 {
				fmt.Fprintf(&b, " aliases=%q", iv.Aliases)
			}
			b.WriteByte('\n')
			if s := iv.Personal; s != nil {
				fmt.Fprintf(&b, "\t\tpersonal %q at %d, text at %d: %q\n", s.Heading, s.Pos.Line, s.Line, s.Markdown)
			}
			if s := iv.Unfinished; s != nil {
				fmt.Fprintf(&b, "\t\tunfinished, theirs only, at %d, text at %d: %q\n", s.Pos.Line, s.Line, s.Markdown)
			}
		}
		if n.Contact != nil {
			fmt.Fprintf(&b, "\tcontact=%q\n", n.Contact.Name)
		}
		if s := n.Unfinished; s != nil {
			fmt.Fprintf(&b, "\tunfinished at %d, text at %d: %q\n", s.Pos.Line, s.Line, s.Markdown)
		}
	}
	for _, p := range v.Failed {
		fmt.Fprintf(&b, "%s failed\n", p)
	}
	return b.String()
}

func TestReadNoteTooLarge(t *testing.T) {
	big := append([]byte("---\ninterviewers: [Jane]\n---\n"), make([]byte, MaxNoteSize)...)
	m := fstest.MapFS{"big.md": {Data: big}, "ok.md": {Data: []byte("---\ncompany: A\ndate: 2026-11-18\ninterviewers: [Jane]\n---\n")}}
	v := Open(m, DefaultConfig(time.UTC))
	if len(v.Notes) != 1 || len(v.Diagnostics) != 1 || v.Diagnostics[0].Code != CodeTooLarge {
		t.Fatalf("got notes %d, diagnostics %v; want the small note read and the big one reported", len(v.Notes), v.Diagnostics)
	}
	if _, err := readNote(m, "big.md"); !errors.Is(err, errTooLarge) {
		t.Errorf("readNote(big) = %v, want errTooLarge", err)
	}
}
