package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"followup/build"
)

// ageVault sets every file of dir an hour back, as notes written before
// the build: a file changed just before a build is not trusted by its
// time alone.
func ageVault(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			_ = os.Chtimes(p, old, old)
		}
		return nil
	})
}

// cacheHits counts the builds run with testHooks that found nothing
// changed.
var cacheHits atomic.Int64

// testHooks count the cache's hits.
var testHooks = hooks{cacheHit: func() { cacheHits.Add(1) }}

var took = regexp.MustCompile(`; [0-9.]+[µm]?s\n$`)

// buildOut runs followup build and returns its standard error without
// the time it took, and whether it came from the cache.
func buildOut(t *testing.T, dir string, now string) (string, bool) {
	t.Helper()
	hits := cacheHits.Load()
	var stderr bytes.Buffer
	err := runWith(context.Background(), testHooks, []string{"--vault", dir, "--now", now, "build"}, nil, &bytes.Buffer{}, &stderr)
	if err != nil && err != errProblems {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	return took.ReplaceAllString(stderr.String(), "\n"), cacheHits.Load() > hits
}

// fullOut is what a build without the cache says.
func fullOut(t *testing.T, dir, now string) string {
	t.Helper()
	_ = os.Remove(filepath.Join(dir, "outbox", build.CacheFile))
	out, cached := buildOut(t, dir, now)
	if cached {
		t.Fatal("a build without a cache file used the cache")
	}
	return out
}

func TestNoopBuildFromCache(t *testing.T) {
	dir := copyExample(t)
	// A note with an error: its problems, and its outputs kept, come from
	// the cache too.
	broken := filepath.Join(dir, "interviews", "2026", "broken.md")
	if err := os.WriteFile(broken, []byte("---\ncompany: [\ninterviewers: [Jane]\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ageVault(t, dir)
	const now = "2026-11-20T17:00:00-05:00"
	buildOut(t, dir, now)
	second, cached := buildOut(t, dir, now)
	if !cached {
		t.Fatal("the second build of an unchanged vault read the notes again")
	}
	if second != fullOut(t, dir, now) {
		t.Errorf("the cache said\n%s\na full build says\n%s", second, fullOut(t, dir, now))
	}

	// Time passes: the overdue warnings come from the cache too.
	later := "2026-11-25T09:00:00-05:00"
	fromCache, cached := buildOut(t, dir, later)
	if !cached {
		t.Fatal("a build at another time read the notes again")
	}
	if full := fullOut(t, dir, later); fromCache != full {
		t.Errorf("at %s the cache said\n%s\na full build says\n%s", later, fromCache, full)
	}
	if !strings.Contains(fromCache, "[overdue]") {
		t.Errorf("no overdue warning at %s:\n%s", later, fromCache)
	}

	// A draft edited by hand: no cache, and the warning every time.
	buildOut(t, dir, now)
	draft := filepath.Join(dir, "outbox", "2026-11-19-acme-corp", "helen-moreau.md")
	if err := os.WriteFile(draft, []byte("Dear Helen, my own words.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		out, cached := buildOut(t, dir, now)
		if cached || !strings.Contains(out, "helen-moreau.md:1:1: warning: edited by hand") {
			t.Fatalf("after a draft was edited (cached %v):\n%s", cached, out)
		}
	}
	if err := os.Remove(draft); err != nil {
		t.Fatal(err)
	}
	out, _ := buildOut(t, dir, now)
	if _, err := os.Stat(draft); err != nil || strings.Contains(out, "edited by hand") {
		t.Fatalf("a deleted draft was not written again: %v\n%s", err, out)
	}

	// A note changed, followup.yaml changed, the calendar deleted: each
	// is seen.
	note := filepath.Join(dir, "interviews", "2026", "2026-11-20-brightwater-energy.md")
	text, _ := os.ReadFile(note)
	steps := []func(){
		func() {
			os.WriteFile(note, bytes.Replace(text, []byte("status: ready"), []byte("status: draft"), 1), 0o644)
		},
		func() {
			cfg := filepath.Join(dir, "followup.yaml")
			b, _ := os.ReadFile(cfg)
			os.WriteFile(cfg, append(b, "\n# a comment\n"...), 0o644)
		},
		func() { os.Remove(filepath.Join(dir, "outbox", "calendar.ics")) },
	}
	for i, step := range steps {
		buildOut(t, dir, now)
		buildOut(t, dir, now)
		step()
		out, cached := buildOut(t, dir, now)
		if cached {
			t.Errorf("step %d: the change was not seen:\n%s", i, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "outbox", "calendar.ics")); err != nil {
		t.Error("the deleted calendar was not written again")
	}
}

// TestCacheReadsWhatChangedSinceWritten: a draft changed between the
// build writing it and the build recording it, even with its size kept
// and its time set back, is read, and keeps the cache from being saved.
// Drafts left as written are trusted by their Stat.
func TestCacheReadsWhatChangedSinceWritten(t *testing.T) {
	// No file is too recent to be trusted: only the Stat at writing
	// tells.
	dir := copyExample(t)
	ageVault(t, dir)
	for _, edit := range []bool{false, true} {
		_ = os.RemoveAll(filepath.Join(dir, "outbox"))
		w, err := openWorkspace(&globals{vault: dir, hooks: hooks{build: build.Options{RacyWindow: -time.Hour}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.loadConfig(reporter{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}); err != nil {
			t.Fatal(err)
		}
		e, err := w.engine()
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Build(context.Background(), nil, time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if edit {
			draft := filepath.Join(dir, "outbox", "2026-11-19-acme-corp", "helen-moreau.md")
			data, err := os.ReadFile(draft)
			if err != nil {
				t.Fatal(err)
			}
			data[0] ^= 0x20 // the same size, other bytes
			if err := os.WriteFile(draft, data, 0o644); err != nil {
				t.Fatal(err)
			}
			old := time.Now().Add(-time.Hour)
			_ = os.Chtimes(draft, old, old)
		}
		e.SaveCache("key", p, false)
		w.root.Close()
		_, err = os.Stat(filepath.Join(dir, "outbox", build.CacheFile))
		if saved := err == nil; saved == edit {
			t.Errorf("draft edited %v: cache saved %v", edit, saved)
		}
	}
}

// TestCacheReadsWhatChangedDuringBuild: a draft the build found as it
// should be, and so did not write, then edited while the build went on,
// is read before the cache is saved: the next build says it was edited.
func TestCacheReadsWhatChangedDuringBuild(t *testing.T) {
	dir := copyExample(t)
	ageVault(t, dir)
	const now = "2026-11-20T17:00:00-05:00"
	buildOut(t, dir, now)
	_ = os.Remove(filepath.Join(dir, "outbox", build.CacheFile))
	w, err := openWorkspace(&globals{vault: dir, now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.loadConfig(reporter{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	key := build.CacheKey(w.fsys, w.cfg)
	e, err := w.engine()
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Build(context.Background(), nil, w.now)
	if err != nil || p.Sync.Written != 0 {
		t.Fatalf("the second build wrote %d files: %v", p.Sync.Written, err)
	}
	// The build began 45 minutes ago, say (the notes are an hour old);
	// the draft was edited half an hour ago, after the build had compared
	// it: long enough before now to be trusted by its time, were it not
	// for when the build began.
	p.Started = time.Now().Add(-45 * time.Minute)
	draft := filepath.Join(dir, "outbox", "2026-11-19-acme-corp", "helen-moreau.md")
	if err := os.WriteFile(draft, []byte("Dear Helen, my own words.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	edited := time.Now().Add(-30 * time.Minute)
	_ = os.Chtimes(draft, edited, edited)
	e.SaveCache(key, p, false)
	w.root.Close()
	if out, cached := buildOut(t, dir, now); cached || !strings.Contains(out, "helen-moreau.md:1:1: warning: edited by hand") {
		t.Fatalf("a draft edited during the build was hidden by the cache (cached %v):\n%s", cached, out)
	}
}
