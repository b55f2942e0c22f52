package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"followup/build"
	"followup/outbox"
	"followup/vault"
)

var engineNow = time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)

func newTestEngine(t *testing.T, dir string, opts ...build.Options) *build.Engine {
	t.Helper()
	w := testWorkspace(t, dir)
	if len(opts) > 0 {
		w.g.hooks.build = opts[0]
	}
	e, err := w.engine()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// testWorkspace opens the vault dir, its configuration loaded.
func testWorkspace(t *testing.T, dir string) *workspace {
	t.Helper()
	w, err := openWorkspace(&globals{vault: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.root.Close() })
	if err := w.loadConfig(reporter{stdout: io.Discard, stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	return w
}

func copyExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../example-vault")); err != nil {
		t.Fatal(err)
	}
	// The README's first command builds example-vault in place: its
	// outbox is no part of the example.
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

// TestTwoWriters runs a build while a watcher holds the outbox: the build
// says who is writing and exits 2, and writes nothing; once the watcher
// stops, the build works.
func TestTwoWriters(t *testing.T) {
	dir := copyExample(t)
	_, stop := startWatch(t, dir)
	before := readTree(t, filepath.Join(dir, "outbox"))

	var stderr bytes.Buffer
	err := runWith(context.Background(), hooks{lockWait: 100 * time.Millisecond}, []string{"--vault", dir, "--now", "2026-11-21", "build"}, nil, io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), fmt.Sprintf("another followup (process %d) is writing outbox", os.Getpid())) {
		t.Errorf("build beside a watcher: exit %d\n%s", code, stderr.String())
	}
	if after := readTree(t, filepath.Join(dir, "outbox")); len(after) != len(before) {
		t.Errorf("the refused build changed the outbox: %d files, then %d", len(before), len(after))
	}
	// A second watcher is refused the same way.
	stderr.Reset()
	if err := watch(t.Context(), &globals{vault: dir}, 0, &stderr, nil); !errors.Is(err, outbox.ErrLocked) {
		t.Errorf("a second watcher: %v", err)
	}

	stop()
	stderr.Reset()
	if err := run(context.Background(), []string{"--vault", dir, "--now", "2026-11-21", "build"}, nil, io.Discard, &stderr); err != nil && err != errProblems {
		t.Errorf("build after the watcher stopped: %v\n%s", err, stderr.String())
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

// stopAfter is a context that is done once its Err has been asked n
// times: a Ctrl-C at a chosen point of a build, the same on every run.
type stopAfter struct {
	context.Context
	n, asked int
	mu       sync.Mutex
}

func (c *stopAfter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked++
	if c.asked > c.n {
		return context.Canceled
	}
	return nil
}

// TestBuildInterrupted stops a cold build of 120 notes, written 20 at a
// time, at many points,
// as Ctrl-C would: it returns the context's error, every file in the
// outbox is whole and in the manifest, no temporary file is left, the
// calendar is not written, and the next build finishes without taking
// any file for the user's.
func TestBuildInterrupted(t *testing.T) {
	src := t.TempDir()
	genVault(t, src, 120)
	// How often a whole build asks: once per file read, once per note
	// rendered, between chunks of 512 notes, before pruning.
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	count := &stopAfter{Context: context.Background(), n: 1 << 30}
	e := newTestEngine(t, dir, build.Options{Chunk: 20})
	if _, err := e.Build(count, nil, engineNow); err != nil {
		t.Fatal(err)
	}
	total := count.asked
	midway := false
	for _, n := range []int{0, total * 2 / 3, total * 5 / 6, total - 1} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		e := newTestEngine(t, dir, build.Options{Chunk: 20})
		ctx := &stopAfter{Context: context.Background(), n: n}
		p, err := e.Build(ctx, nil, engineNow)
		if p != nil || !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped after %d of %d looks: a pass (%t), %v", n, total, p != nil, err)
		}
		written := checkOutboxWhole(t, dir)
		if _, err := os.Stat(filepath.Join(dir, "outbox", "calendar.ics")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stopped after %d looks: the calendar was written", n)
		}
		p, err = newTestEngine(t, dir).Build(context.Background(), nil, engineNow)
		if err != nil || p.Sync.Kept > 0 {
			t.Fatalf("stopped after %d looks, then a build: %v, %+v", n, err, p.Sync)
		}
		full := p.Sync.Written + p.Sync.Unchanged
		if p.Sync.Unchanged != written || n == 0 && written != 0 || n == total-1 && written != full {
			t.Errorf("stopped after %d of %d looks: %d of %d drafts written, then %d found unchanged", n, total, written, full, p.Sync.Unchanged)
		}
		midway = midway || written > 0 && written < full
		checkOutboxWhole(t, dir)
	}
	if !midway {
		t.Error("no stop fell between two chunks written")
	}
}

// checkOutboxWhole checks that every file of the outbox is in the
// manifest with its bytes, and that no temporary file is left; it
// returns how many drafts there are.
func checkOutboxWhole(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "outbox", outbox.ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		data = []byte(`{"files": {}}`)
	} else if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files map[string]struct{ Hash string }
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("the manifest: %v", err)
	}
	drafts := 0
	out := filepath.Join(dir, "outbox")
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(d.Name(), outbox.TempPrefix):
			t.Errorf("a temporary file is left: %s", rel)
		case strings.HasPrefix(d.Name(), ".followup-"):
		default:
			b, _ := os.ReadFile(p)
			if sum := sha256.Sum256(b); m.Files[rel].Hash != "sha256:"+hex.EncodeToString(sum[:]) {
				t.Errorf("%s is not in the manifest as it is", rel)
			}
			drafts++
		}
		return nil
	})
	return drafts
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
