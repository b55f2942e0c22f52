package main

import (
	"bytes"
	"context"
	"followup/build"
	"followup/outbox"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestExampleOutbox builds a copy of the example vault and compares the
// whole outbox, drafts, calendar and manifest, with
// testdata/example-outbox (go test -update rewrites it). A second build
// must write nothing.
func TestExampleOutbox(t *testing.T) {
	dir := copyExample(t)
	_ = os.RemoveAll(filepath.Join(dir, "outbox"))
	args := []string{"--vault", dir, "--now", "2026-11-20T17:00:00-05:00", "build"}
	var stderr bytes.Buffer
	if err := run(context.Background(), args, nil, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	got := readTree(t, filepath.Join(dir, "outbox"))
	want := "testdata/example-outbox"
	if *update {
		_ = os.RemoveAll(want)
		if err := os.CopyFS(want, os.DirFS(filepath.Join(dir, "outbox"))); err != nil {
			t.Fatal(err)
		}
		_ = os.Remove(filepath.Join(want, build.CacheFile))
		_ = os.Remove(filepath.Join(want, outbox.LockFile))
	}
	wantFiles := readTree(t, want)
	for name, data := range got {
		if w, ok := wantFiles[name]; !ok {
			t.Errorf("unexpected file %s", name)
		} else if !bytes.Equal(data, w) {
			t.Errorf("%s differs from the golden file (go test -update rewrites it)", name)
		}
	}
	for name := range wantFiles {
		if _, ok := got[name]; !ok {
			t.Errorf("missing file %s", name)
		}
	}

	stderr.Reset()
	before := modTimes(t, filepath.Join(dir, "outbox"))
	if err := run(context.Background(), args, nil, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	for name, mt := range modTimes(t, filepath.Join(dir, "outbox")) {
		// The build's cache is no output: it may be written anew, in the
		// outbox's own folder.
		if filepath.Base(name) == build.CacheFile || filepath.Base(name) == outbox.LockFile || name == filepath.Join(dir, "outbox") {
			continue
		}
		if !mt.Equal(before[name]) {
			t.Errorf("the second build rewrote %s", name)
		}
	}
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == build.CacheFile || d.Name() == outbox.LockFile {
			return err // the cache depends on the program's own bytes
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func modTimes(t *testing.T, root string) map[string]time.Time {
	t.Helper()
	times := map[string]time.Time{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err == nil {
			times[p] = info.ModTime()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return times
}
