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
	"strings"
	"sync"
	"testing"
	"time"

	"followup/build"
	"followup/outbox"
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
	if err := watch(t.Context(), &globals{vault: dir}, watchOptions{}, &stderr, nil); !errors.Is(err, outbox.ErrLocked) {
		t.Errorf("a second watcher: %v", err)
	}

	stop()
	stderr.Reset()
	if err := run(context.Background(), []string{"--vault", dir, "--now", "2026-11-21", "build"}, nil, io.Discard, &stderr); err != nil && err != errProblems {
		t.Errorf("build after the watcher stopped: %v\n%s", err, stderr.String())
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
