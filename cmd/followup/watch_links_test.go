package main

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fsnotify/fsnotify"
)

// watchNow is the --now of startWatch, for the commands a test runs after
// the watcher.
const watchNow = "2026-11-20T17:00:00-05:00"

// settle sets a ready note of the example vault back to draft, waits
// until the watcher removed its drafts, and stops the watcher: the
// changes made before were seen, and the log is whole.
func settle(t *testing.T, dir string, log *syncBuffer, stop func()) {
	t.Helper()
	note := filepath.Join(dir, "interviews", "2026", "2026-11-20-brightwater-energy.md")
	text, err := os.ReadFile(note)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(note, bytes.Replace(text, []byte("status: ready"), []byte("status: draft"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the last change", log, func() bool { return !exists(filepath.Join(dir, "outbox", "2026-11-20-brightwater-energy")) })
	stop()
}

// diagnosticLines returns the lines of a command's standard error that
// are problems of notes, not its own messages.
func diagnosticLines(stderr string) []string {
	var ds []string
	for _, line := range strings.Split(stderr, "\n") {
		if line != "" && !strings.HasPrefix(line, "followup: ") {
			ds = append(ds, line)
		}
	}
	return ds
}

// afterStart is what the watcher said after its first build.
func afterStart(log string) string {
	_, after, _ := strings.Cut(log, "followup: watching ")
	_, after, _ = strings.Cut(after, "\n")
	return after
}

// outputs counts the drafts in the outbox and the events of its calendar.
func outputs(t *testing.T, dir string) (drafts, events int) {
	t.Helper()
	out := filepath.Join(dir, "outbox")
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(p) != out {
			drafts++
		}
		return nil
	})
	cal, err := os.ReadFile(filepath.Join(out, "calendar.ics"))
	if err != nil {
		t.Fatal(err)
	}
	return drafts, bytes.Count(cal, []byte("BEGIN:VEVENT"))
}

// TestWatchLinks makes symbolic links in a vault while it is watched: a
// link to a folder of notes, and a link to a note that is read anyway.
// Neither is read, as build reads neither: the watcher's drafts and
// events are build's, and it reports nothing.
func TestWatchLinks(t *testing.T) {
	dir := copyExample(t)
	log, stop := startWatch(t, dir)
	if err := os.Symlink("interviews", filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("2026/2026-11-19-acme-corp.md", filepath.Join(dir, "interviews", "acme.md")); err != nil {
		t.Fatal(err)
	}
	settle(t, dir, log, stop)
	if ds := diagnosticLines(afterStart(log.String())); len(ds) > 0 {
		t.Errorf("the watcher reported problems that build does not:\n%s", strings.Join(ds, "\n"))
	}
	drafts, events := outputs(t, dir)

	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"--vault", dir, "--now", watchNow, "build"}, nil, io.Discard, &stderr); err != nil {
		t.Fatalf("build: %v\n%s", err, &stderr)
	}
	if !strings.Contains(stderr.String(), "0 written, ") || !strings.Contains(stderr.String(), " 0 removed") || !strings.Contains(stderr.String(), "calendar.ics unchanged") {
		t.Errorf("build after the watcher changed the outbox:\n%s", &stderr)
	}
	if d, e := outputs(t, dir); d != drafts || e != events {
		t.Errorf("the watcher made %d drafts and %d events, build %d and %d", drafts, events, d, e)
	}
}

// TestWatchLinkProblems makes links that lead out of the vault, in loops
// and nowhere while the vault is watched: the watcher reports exactly
// what check reports, no more.
func TestWatchLinkProblems(t *testing.T) {
	dir := copyExample(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "note.md"), []byte("---\ncompany: Elsewhere\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, stop := startWatch(t, dir)
	for link, target := range map[string]string{
		"out":         outside,
		"out.md":      filepath.Join(outside, "note.md"),
		"loop":        "loop",
		"loop.md":     "loop.md",
		"dangling.md": "nowhere.md",
		"up":          "..",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, dir, log, stop)
	got := diagnosticLines(afterStart(log.String()))

	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"--vault", dir, "--now", watchNow, "check"}, nil, io.Discard, &stderr); err != errProblems {
		t.Fatalf("check: %v, want problems\n%s", err, &stderr)
	}
	want := diagnosticLines(stderr.String())
	slices.Sort(got)
	if len(want) != 3 || !slices.Equal(got, want) {
		t.Errorf("the watcher reported:\n%s\ncheck reports:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestWatchedFolders watches a vault with links to folders, from its top
// and from each link, as when a link is made while watching: no folder
// is watched through a link. (The system watches a folder once, however
// it is named, but a link to the outbox would have the watcher woken by
// its own writes.)
func TestWatchedFolders(t *testing.T) {
	dir := copyExample(t)
	if _, err := newTestEngine(t, dir).Build(context.Background(), nil, engineNow); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"drafts": "outbox", "linked": "interviews", "interviews/up": "..", "out": t.TempDir()}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	w := testWorkspace(t, dir)
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	for _, rel := range append([]string{"."}, slices.Sorted(maps.Keys(links))...) {
		if err := addFolders(fw, w, rel); err != nil {
			t.Errorf("addFolders(%q): %v", rel, err)
		}
	}
	watched := fw.WatchList()
	for i, name := range watched {
		watched[i], _ = vaultPath(w, name)
	}
	slices.Sort(watched)
	want := []string{".", "interviews", "interviews/2026", "journal", "people"}
	if !slices.Equal(watched, want) {
		t.Errorf("watched %q, want %q", watched, want)
	}
}
