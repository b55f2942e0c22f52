package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/fsnotify/fsnotify"

	"followup/outbox"
	"followup/vault"
)

// An event is one recorded watcher event: its time since the start, the
// vault path and the operation.
type event struct {
	at time.Duration
	p  string
	op fsnotify.Op
}

// replay feeds recorded events through classify and collect, on a fake
// clock, and returns the batches with the time each was sent.
func replay(t *testing.T, events []event) (batches [][]string, at []time.Duration) {
	t.Helper()
	cfg := vault.DefaultConfig(time.UTC)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		changes := make(chan string)
		out := make(chan []string)
		go collect(ctx, changes, out, quietPeriod, maxWait)
		start := time.Now()
		var mu sync.Mutex
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case b := <-out:
					mu.Lock()
					slices.Sort(b)
					batches = append(batches, b)
					at = append(at, time.Since(start))
					mu.Unlock()
				case <-ctx.Done():
					return
				}
			}
		}()
		for _, ev := range events {
			time.Sleep(ev.at - time.Since(start))
			if classify(ev.p, ev.op, cfg) != ignore {
				changes <- ev.p
			}
		}
		time.Sleep(10 * time.Second)
		cancel()
		<-done
	})
	return batches, at
}

func TestVimSave(t *testing.T) {
	// vim with backupcopy=auto: a probe file, then the note renamed to a
	// backup, written anew, and the backup removed; the swap file changes
	// all along.
	n := "interviews/2026-11-18-acme.md"
	batches, at := replay(t, []event{
		{0, "interviews/4913", fsnotify.Create},
		{1 * time.Millisecond, "interviews/4913", fsnotify.Remove},
		{2 * time.Millisecond, n, fsnotify.Rename},
		{2 * time.Millisecond, n + "~", fsnotify.Create},
		{3 * time.Millisecond, n, fsnotify.Create},
		{4 * time.Millisecond, n, fsnotify.Write},
		{5 * time.Millisecond, n, fsnotify.Chmod},
		{6 * time.Millisecond, n + "~", fsnotify.Remove},
		{7 * time.Millisecond, "interviews/.2026-11-18-acme.md.swp", fsnotify.Write},
	})
	if want := [][]string{{n}}; !slices.EqualFunc(batches, want, slices.Equal) {
		t.Fatalf("batches = %q, want %q", batches, want)
	}
	if at[0] != 4*time.Millisecond+quietPeriod {
		t.Errorf("rebuilt at %v, want the quiet period after the last write", at[0])
	}
}

func TestGitCheckoutBurst(t *testing.T) {
	// git checkout of 300 notes: one rebuild, after the last of them.
	var events []event
	var want []string
	for i := range 300 {
		p := fmt.Sprintf("interviews/2026/note-%03d.md", i)
		want = append(want, p)
		at := time.Duration(i) * 200 * time.Microsecond
		events = append(events, event{at, p, fsnotify.Create}, event{at, p, fsnotify.Write}, event{at, ".git/index.lock", fsnotify.Write})
	}
	batches, _ := replay(t, events)
	if len(batches) != 1 || !slices.Equal(batches[0], want) {
		t.Fatalf("got %d batches, want one of the 300 notes", len(batches))
	}
}

func TestTempFileAndRename(t *testing.T) {
	// Editors that write a temporary file and rename it over the note, and
	// Syncthing, and the tool's own outbox: only the note counts.
	n := "interviews/2026-11-18-acme.md"
	batches, _ := replay(t, []event{
		{0, "interviews/.2026-11-18-acme.md.tmp.1234", fsnotify.Create},
		{1 * time.Millisecond, "interviews/.2026-11-18-acme.md.tmp.1234", fsnotify.Write},
		{2 * time.Millisecond, "interviews/.2026-11-18-acme.md.tmp.1234", fsnotify.Rename},
		{2 * time.Millisecond, n, fsnotify.Create},
		{3 * time.Millisecond, "interviews/.syncthing.other.md.tmp", fsnotify.Create},
		{4 * time.Millisecond, "outbox/2026-11-18-acme/jane-doe.eml", fsnotify.Write},
		{5 * time.Millisecond, "outbox/.followup-tmp-0123", fsnotify.Create},
		{6 * time.Millisecond, ".obsidian/workspace.json", fsnotify.Write},
		{7 * time.Millisecond, ".trash/old.md", fsnotify.Create},
		{8 * time.Millisecond, "picture.png", fsnotify.Create},
	})
	if want := [][]string{{n}}; !slices.EqualFunc(batches, want, slices.Equal) {
		t.Fatalf("batches = %q, want %q", batches, want)
	}
}

func TestContinuousWriter(t *testing.T) {
	// A file written every 100 ms for 5 s is still rebuilt every maxWait.
	var events []event
	for i := range 50 {
		events = append(events, event{time.Duration(i) * 100 * time.Millisecond, "log.md", fsnotify.Write})
	}
	_, at := replay(t, events)
	if len(at) < 2 || at[0] != maxWait {
		t.Fatalf("rebuilds at %v: want the first at %v, and more while the writes go on", at, maxWait)
	}
}

func TestClassify(t *testing.T) {
	cfg := vault.DefaultConfig(time.UTC)
	for _, c := range []struct {
		p    string
		op   fsnotify.Op
		want kind
	}{
		{"interviews/a.md", fsnotify.Write, note},
		{"interviews/a.MD", fsnotify.Create, note},
		{"interviews/a.md", fsnotify.Chmod, ignore},
		{"interviews/a.md", fsnotify.Write | fsnotify.Chmod, note},
		{"followup.yaml", fsnotify.Write, config},
		{"templates/thank-you.md", fsnotify.Write, note},
		{"interviews/2027", fsnotify.Create, folder},
		{"outbox/x/jane.md", fsnotify.Write, ignore},
		{"Outbox/x/jane.md", fsnotify.Write, ignore},
		{".git/HEAD", fsnotify.Write, ignore},
		{"notes/.obsidian/app.json", fsnotify.Write, ignore},
		{"a.md~", fsnotify.Create, ignore},
		{"#a.md#", fsnotify.Create, ignore},
		{"a.md.swp", fsnotify.Write, ignore},
		{"4913", fsnotify.Create, ignore},
		{"cat.jpg", fsnotify.Create, ignore},
	} {
		if got := classify(c.p, c.op, cfg); got != c.want {
			t.Errorf("classify(%q, %v) = %v, want %v", c.p, c.op, got, c.want)
		}
	}
}

// startWatch runs the watcher on dir until stop is called, and waits for
// its first build. stop reports the watcher's error.
func startWatch(t *testing.T, dir string, opts ...watchOptions) (log *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	log = &syncBuffer{}
	done := make(chan error, 1)
	var o watchOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	go func() {
		done <- watch(ctx, &globals{vault: dir, now: "2026-11-20T17:00:00-05:00"}, o, log, nil)
	}()
	waitFor(t, "the first build", log, func() bool { return strings.Contains(log.String(), "watching") })
	return log, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watch: %v", err)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the watcher and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until cond holds, failing after a deadline: the watcher
// works in its own time, and a fixed sleep would be either slow or flaky.
func waitFor(t *testing.T, what string, log *syncBuffer, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; the watcher said:\n%s", what, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestWatchRealFiles runs the watcher on a copy of the example vault and
// edits it as a user would.
func TestWatchRealFiles(t *testing.T) {
	dir := copyExample(t)
	log, stop := startWatch(t, dir)
	defer stop()
	builds := func() int { return strings.Count(log.String(), "rendered;") }
	n0 := builds()
	calendar := filepath.Join(dir, "outbox", "calendar.ics")

	// A new folder with a new note.
	src, err := os.ReadFile(filepath.Join(dir, "interviews", "2026", "2026-11-20-brightwater-energy.md"))
	if err != nil {
		t.Fatal(err)
	}
	note := bytes.Replace(src, []byte("company: Brightwater Energy"), []byte("company: Brand New Co\nid: brand-new"), 1)
	if err := os.MkdirAll(filepath.Join(dir, "interviews", "2027"), 0o755); err != nil {
		t.Fatal(err)
	}
	newNote := filepath.Join(dir, "interviews", "2027", "2027-01-05-brand-new.md")
	if err := os.WriteFile(newNote, note, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new note's drafts", log, func() bool { return exists(filepath.Join(dir, "outbox", "2027-01-05-brand-new")) })
	waitFor(t, "its events", log, func() bool {
		cal, _ := os.ReadFile(calendar)
		return bytes.Contains(cal, []byte("UID:brand-new/interview@followup"))
	})

	// A broken note does not stop the watcher, and keeps its drafts.
	if err := os.WriteFile(newNote, append([]byte("---\ncompany: [\n"), note[4:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the error", log, func() bool { return strings.Contains(log.String(), "2027-01-05-brand-new.md:4:1: error: YAML syntax") })
	if !exists(filepath.Join(dir, "outbox", "2027-01-05-brand-new")) {
		t.Fatal("a broken note lost its drafts")
	}

	// Deleting it removes its drafts and its events.
	if err := os.Remove(newNote); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the drafts to go", log, func() bool { return !exists(filepath.Join(dir, "outbox", "2027-01-05-brand-new")) })
	waitFor(t, "the events to go", log, func() bool {
		cal, _ := os.ReadFile(calendar)
		return !bytes.Contains(cal, []byte("brand-new/"))
	})

	// A folder tree renamed: the notes in its subfolders are still
	// watched, under their new names.
	inner := filepath.Join(dir, "moved", "inner")
	if err := os.MkdirAll(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inner, "m.md"), note, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the nested note's drafts", log, func() bool { return exists(filepath.Join(dir, "outbox", "m")) })
	if err := os.Rename(filepath.Join(dir, "moved"), filepath.Join(dir, "renamed")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rename", log, func() bool { return strings.Contains(log.String(), "renamed") })
	draft := bytes.Replace(note, []byte("status: ready"), []byte("status: draft"), 1)
	if err := os.WriteFile(filepath.Join(dir, "renamed", "inner", "m.md"), draft, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edit in the renamed tree", log, func() bool { return !exists(filepath.Join(dir, "outbox", "m")) })
	if err := os.RemoveAll(filepath.Join(dir, "renamed")); err != nil {
		t.Fatal(err)
	}

	// A templates folder made while watching is watched too.
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	thanks := "---\nsubject: Thanks\n---\nDear {{ .To.Name }},\n\n{{ .Personal }}\n\nFIRST VERSION\n"
	if err := os.WriteFile(filepath.Join(dir, "templates", "thank-you.md"), []byte(thanks), 0o644); err != nil {
		t.Fatal(err)
	}
	anyDraft := filepath.Join(dir, "outbox", "2026-11-20-fernhill-bank", "amara-mensah.md")
	waitFor(t, "the new template", log, func() bool { b, _ := os.ReadFile(anyDraft); return bytes.Contains(b, []byte("FIRST VERSION")) })
	if err := os.WriteFile(filepath.Join(dir, "templates", "thank-you.md"), []byte(strings.Replace(thanks, "FIRST", "SECOND", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the edited template", log, func() bool { b, _ := os.ReadFile(anyDraft); return bytes.Contains(b, []byte("SECOND VERSION")) })

	// Writing into the outbox starts no rebuild.
	n1 := builds()
	if err := os.WriteFile(filepath.Join(dir, "outbox", "mine.md"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A change to a note after it proves that the outbox write was seen
	// and ignored, without waiting for something not to happen.
	ready := filepath.Join(dir, "interviews", "2026", "2026-11-20-brightwater-energy.md")
	if err := os.WriteFile(ready, bytes.Replace(src, []byte("Brightwater Energy"), []byte("Brightwater Energy Ltd"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rebuild of the edited note", log, func() bool { return builds() > n1 })
	if strings.Contains(log.String(), "mine.md") {
		t.Errorf("a file written into the outbox started a rebuild:\n%s", log)
	}
	if n1 <= n0 {
		t.Errorf("no rebuild counted before the outbox write:\n%s", log)
	}
	var stray []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), outbox.TempPrefix) {
			stray = append(stray, p)
		}
		return nil
	})
	if len(stray) > 0 {
		t.Errorf("temporary files left: %q", stray)
	}
}

// TestWatchOutboxDeleted deletes the outbox while watching: the watcher
// notices, takes the lock again (a build beside it must wait), and writes
// every draft and the calendar anew.
func TestWatchOutboxDeleted(t *testing.T) {
	dir := copyExample(t)
	log, stop := startWatch(t, dir)
	defer stop()
	ob := filepath.Join(dir, "outbox")
	before := outboxFiles(t, ob)
	if err := os.RemoveAll(ob); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the rebuild after the outbox went", log, func() bool { return strings.Contains(log.String(), "outbox was deleted") })
	if after := outboxFiles(t, ob); !slices.Equal(after, before) {
		t.Errorf("the outbox after the rebuild:\n%q\nwant\n%q", after, before)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	if l, err := outbox.TakeLock(root, "outbox", 0); !errors.Is(err, outbox.ErrLocked) {
		l.Unlock()
		t.Fatalf("a build could lock the outbox beside the watcher: %v", err)
	}
}

// outboxFiles lists the files of the outbox folder dir, sorted.
func outboxFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestWarningsSaidOnce: a watcher prints a warning again only when it is
// new or changed since the last rebuild of its note; errors every time.
func TestWarningsSaidOnce(t *testing.T) {
	warn := func(p, msg string) vault.Diagnostic {
		return vault.Diagnostic{Path: p, Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeOverdue, Message: msg}
	}
	a4, a5 := warn("a.md", "due 4 days ago"), warn("a.md", "due 5 days ago")
	b := warn("b.md", "due 1 day ago")
	e := vault.Diagnostic{Path: "a.md", Line: 2, Col: 1, Severity: vault.Error, Code: vault.CodeSyntax, Message: "broken"}
	touched := func(ps ...string) map[string]bool {
		m := map[string]bool{}
		for _, p := range ps {
			m[p] = true
		}
		return m
	}
	said := warnings{}
	steps := []struct {
		ds      []vault.Diagnostic
		touched map[string]bool
		want    []vault.Diagnostic
	}{
		{[]vault.Diagnostic{a4, b}, nil, []vault.Diagnostic{a4, b}},             // the first build
		{[]vault.Diagnostic{a4}, touched("a.md"), nil},                          // a.md saved: nothing new
		{[]vault.Diagnostic{a5, e}, touched("a.md"), []vault.Diagnostic{a5, e}}, // changed, and an error
		{[]vault.Diagnostic{a5, e}, touched("a.md"), []vault.Diagnostic{e}},     // the error again
		{nil, touched("a.md"), nil},                                             // fixed
		{[]vault.Diagnostic{a5}, touched("a.md"), []vault.Diagnostic{a5}},       // back: new again
		{[]vault.Diagnostic{b}, touched("b.md"), nil},                           // b.md untouched till now
	}
	for i, s := range steps {
		if got := said.news(s.ds, s.touched); !slices.Equal(got, s.want) {
			t.Errorf("step %d: printed %v, want %v", i, got, s.want)
		}
	}
}
