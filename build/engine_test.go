package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"followup/vault"
)

var engineNow = time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)

// newTestEngine opens an Engine on the vault dir.
func newTestEngine(t *testing.T, dir string) *Engine {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	cfg, ds := vault.LoadConfig(root.FS(), time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	e, err := Open(Vault{Dir: dir, Root: root, FS: root.FS(), Config: cfg}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// copyExample copies example-vault, without the outbox the README's
// first command leaves there, into a new folder.
func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../example-vault")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "outbox")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestIncrementalIsFull edits a vault as a user would, rebuilding after
// each edit only what the edit names, as the watcher does; after each, a
// fresh engine's full build must find nothing to do and report the same
// problems.
func TestIncrementalIsFull(t *testing.T) {
	dir := copyExample(t)
	e := newTestEngine(t, dir)
	if _, err := e.Build(context.Background(), nil, engineNow); err != nil {
		t.Fatal(err)
	}
	write := func(p, text string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	acme := "interviews/2026/2026-11-19-acme-corp.md"
	bright := "interviews/2026/2026-11-20-brightwater-energy.md"
	raj := "people/Raj Patel.md"
	steps := []struct {
		name  string
		edit  func()
		paths []string
	}{
		{"edit a note", func() { write(acme, strings.Replace(read(acme), "status: ready", "status: ready\nduration: 90m", 1)) }, []string{acme}},
		{"edit a person note", func() { write(raj, strings.Replace(read(raj), "raj", "rajesh", 1)) }, []string{raj}},
		{"delete a person note", func() { os.Remove(filepath.Join(dir, raj)) }, []string{raj}},
		{"bring it back under another folder", func() { write("contacts/Raj Patel.md", "---\nemail: raj@acme.example\ncompany: Acme Corp\n---\n") }, []string{"contacts"}},
		{"add a folder of notes", func() {
			write("interviews/2027/a.md", strings.Replace(read(bright), "company: Brightwater Energy", "company: Brightwater Energy\nid: again-a", 1))
			write("interviews/2027/b.md", strings.Replace(read(bright), "company: Brightwater Energy", "company: Brightwater Energy\nid: again-b", 1))
		}, []string{"interviews/2027"}},
		{"give two notes one id", func() {
			write("interviews/2027/b.md", strings.Replace(read("interviews/2027/b.md"), "again-b", "again-a", 1))
		}, []string{"interviews/2027/b.md"}},
		{"delete the first of them", func() { os.Remove(filepath.Join(dir, "interviews/2027/a.md")) }, []string{"interviews/2027/a.md"}},
		{"a note with the same file name elsewhere", func() { write("archive/b.md", read("interviews/2027/b.md")) }, []string{"archive/b.md"}},
		{"break a note", func() { write(bright, "---\ncompany: [\n"+read(bright)[4:]) }, []string{bright}},
		{"change a template", func() {
			write("templates/thank-you.md", "---\nsubject: Thanks, {{.To.FirstName}}\n---\nDear {{.To.Name}},\n\n{{.Personal}}\n\n{{.Candidate.Signature}}\n")
		}, []string{"templates/thank-you.md"}},
		{"remove the folder", func() { os.RemoveAll(filepath.Join(dir, "interviews/2027")) }, []string{"interviews/2027"}},
	}
	for _, s := range steps {
		s.edit()
		p, err := e.Build(context.Background(), s.paths, engineNow)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		fresh := newTestEngine(t, dir)
		q, err := fresh.Build(context.Background(), nil, engineNow)
		if err != nil {
			t.Fatalf("%s: full build: %v", s.name, err)
		}
		if len(p.Changed) == 0 {
			t.Errorf("%s: the incremental build saw no change", s.name)
		}
		if q.Sync.Written+q.Sync.Removed != 0 || strings.Contains(q.Calendar, "written") {
			t.Errorf("%s: the full build after the incremental one wrote %d, removed %d, calendar %s", s.name, q.Sync.Written, q.Sync.Removed, q.Calendar)
		}
		// The incremental build reports on what it read or rendered,
		// and on the notes that broke or mended because of it.
		var touched []vault.Diagnostic
		for _, d := range q.Diags {
			if p.Touched[d.Path] {
				touched = append(touched, d)
			}
		}
		if !slices.Equal(p.Diags, touched) {
			t.Errorf("%s: problems differ:\nincremental %v\nfull        %v", s.name, p.Diags, q.Diags)
		}
	}
}

// TestParallelIsSerial builds the example vault on one core and on every
// core: the outputs must be the same bytes.
func TestParallelIsSerial(t *testing.T) {
	trees := map[int]map[string]string{}
	for _, procs := range []int{1, max(2, runtime.NumCPU())} {
		old := runtime.GOMAXPROCS(procs)
		dir := copyExample(t)
		if _, err := newTestEngine(t, dir).Build(context.Background(), nil, engineNow); err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(old)
		tree := map[string]string{}
		out := filepath.Join(dir, "outbox")
		_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(out, p)
				tree[rel] = string(b)
			}
			return nil
		})
		trees[procs] = tree
	}
	var a, b map[string]string
	for _, t := range trees {
		if a == nil {
			a = t
		} else {
			b = t
		}
	}
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("%d files on one core, %d on more", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal([]byte(data), []byte(b[name])) {
			t.Errorf("%s differs between the serial and the parallel build", name)
		}
	}
}

// TestCalendarAfterQuietRebuild changes an event, then only a note's
// text, then the event again, as a watcher sees a user work: each
// calendar must be written. (The feed encodes into buffers it reuses; a
// rebuild that wrote nothing once kept a stale one to compare with.)
func TestCalendarAfterQuietRebuild(t *testing.T) {
	dir := copyExample(t)
	e := newTestEngine(t, dir)
	if _, err := e.Build(context.Background(), nil, engineNow); err != nil {
		t.Fatal(err)
	}
	acme := "interviews/2026/2026-11-19-acme-corp.md"
	full := filepath.Join(dir, acme)
	orig, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	text := orig
	for i, edit := range []struct{ from, to string }{
		{"date: 2026-11-19T16:00", "date: 2026-11-19T17:00"},
		{"## Unfinished business", "## Unfinished business\n\nOne more thing."},
		{"date: 2026-11-19T17:00", "date: 2026-11-19T18:00"},
		{"One more thing.", "One more thing, again."},
		{"date: 2026-11-19T18:00", "date: 2026-11-19T19:00"},
	} {
		text = bytes.Replace(text, []byte(edit.from), []byte(edit.to), 1)
		if err := os.WriteFile(full, text, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := e.Build(context.Background(), []string{acme}, engineNow)
		if err != nil {
			t.Fatal(err)
		}
		if quiet := !strings.HasPrefix(edit.to, "date"); quiet != strings.Contains(p.Calendar, "unchanged") {
			t.Errorf("edit %d (%s): the watcher says %s", i+1, edit.to, p.Calendar)
		}
		q, err := newTestEngine(t, dir).Build(context.Background(), nil, engineNow)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q.Calendar, "unchanged") {
			t.Errorf("edit %d (%s): the watcher left a stale calendar: a full build says %s", i+1, edit.to, q.Calendar)
		}
	}
}

// TestSymlinkedNoteTarget edits the file a symbolic link in the vault
// points to, in a folder that is never read as notes: the watcher's
// rebuild of the target's path rebuilds the link's note.
func TestSymlinkedNoteTarget(t *testing.T) {
	dir := copyExample(t)
	cfg := filepath.Join(dir, "followup.yaml")
	b, _ := os.ReadFile(cfg)
	if !bytes.Contains(b, []byte("\nignore:")) {
		b = append(b, "\nignore: [\"Archive/**\"]\n"...)
		if err := os.WriteFile(cfg, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	note := "interviews/2026/2026-11-19-acme-corp.md"
	if err := os.MkdirAll(filepath.Join(dir, "Archive"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, note), filepath.Join(dir, "Archive", "acme.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../Archive/acme.md", filepath.Join(dir, note)); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, dir)
	if _, err := e.Build(context.Background(), nil, engineNow); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "Archive", "acme.md")
	text, _ := os.ReadFile(target)
	if err := os.WriteFile(target, bytes.Replace(text, []byte("status: ready"), []byte("status: draft"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := e.Build(context.Background(), []string{"Archive/acme.md"}, engineNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Parsed != 1 || p.Sync.Removed == 0 {
		t.Errorf("the link's note was not rebuilt: %d read, %d drafts removed, changed %q", p.Parsed, p.Sync.Removed, p.Changed)
	}
}

// TestDanglingLinkUnchanged: a full rebuild (as watch --poll makes on
// each tick) of a vault with a dangling link finds nothing changed. The
// engine compared entries by pointer, and the link's problem is a new
// pointer on every scan: each tick read it again and said so.
func TestDanglingLinkUnchanged(t *testing.T) {
	dir := copyExample(t)
	if err := os.Symlink("gone.md", filepath.Join(dir, "interviews", "dangling.md")); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, dir)
	p, err := e.Build(context.Background(), nil, engineNow)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Diags, func(d vault.Diagnostic) bool { return d.Path == "interviews/dangling.md" }) {
		t.Fatalf("the dangling link is not reported: %v", p.Diags)
	}
	for tick := range 2 {
		p, err := e.Build(context.Background(), nil, engineNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Changed) != 0 || p.Parsed != 0 {
			t.Errorf("tick %d: %v changed, %d read", tick+1, p.Changed, p.Parsed)
		}
	}
}

// TestGoneBrokenNotePruned: a note whose drafts cannot be made keeps
// them, until it is deleted: then they go, in a watcher's rebuild as in
// a full build. (The split engine kept them, as the deleted note was
// still among the broken ones when the drafts to keep were listed.)
func TestGoneBrokenNotePruned(t *testing.T) {
	dir := copyExample(t)
	acme := "interviews/2026/2026-11-19-acme-corp.md"
	e := newTestEngine(t, dir)
	if _, err := e.Build(context.Background(), nil, engineNow); err != nil {
		t.Fatal(err)
	}
	files := e.ob.FilesOf(acme)
	if len(files) == 0 {
		t.Fatal("Acme has no drafts")
	}
	// A thank-you template that fails for Acme only.
	tmpl := "---\nsubject: Thanks\n---\n{{if eq .Interview.Company \"Acme Corp\"}}{{template \"nope\"}}{{end}}Dear {{.To.Name}},\n\n{{.Personal}}\n\n{{.Candidate.Signature}}\n"
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "templates/thank-you.md"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Build(context.Background(), []string{"templates/thank-you.md"}, engineNow); err != nil {
		t.Fatal(err)
	}
	if !e.broken[acme] {
		t.Fatal("Acme's drafts did not break")
	}
	if err := os.Remove(filepath.Join(dir, acme)); err != nil {
		t.Fatal(err)
	}
	p, err := e.Build(context.Background(), []string{acme}, engineNow)
	if err != nil {
		t.Fatal(err)
	}
	if p.Sync.Removed != len(files) {
		t.Errorf("%d of Acme's %d drafts removed", p.Sync.Removed, len(files))
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, "outbox", f)); err == nil {
			t.Errorf("%s is left", f)
		}
	}
}
