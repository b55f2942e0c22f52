package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"go.yaml.in/yaml/v3"

	"followup/vault"
)

// The benchmarks of issue 8. Each reports its time as a ratio to the floor
// (x-floor), the cost no build can go below, measured in the same process:
// absolute times on shared machines vary too much to compare. Run them on
// tmpfs, where the disk does not drown everything else:
//
//	FOLLOWUP_BENCH_DIR=/dev/shm go test ./cmd/followup -run '^$' -bench . -benchmem
//
// See BENCHMARKS.md.

var benchNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// benchVaults holds one generated vault per size, with the outbox a cold
// build writes, for the process.
var benchVaults sync.Map // int → *benchVault

type benchVault struct {
	dir   string
	notes []string // vault paths of every Markdown file
	out   [][]byte // the files a build writes, for the floor to write as many
	floor time.Duration
}

func benchDir(b *testing.B) string {
	if dir := os.Getenv("FOLLOWUP_BENCH_DIR"); dir != "" {
		d, err := os.MkdirTemp(dir, "followup-bench-")
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	d, err := os.MkdirTemp("", "followup-bench-")
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func getVault(b *testing.B, n int) *benchVault {
	if v, ok := benchVaults.Load(n); ok {
		return v.(*benchVault)
	}
	b.StopTimer()
	defer b.StartTimer()
	dir := benchDir(b)
	genVault(b, dir, n)
	bv := &benchVault{dir: dir}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(dir, p)
			bv.notes = append(bv.notes, filepath.ToSlash(rel))
		}
		return nil
	})
	buildOnce(b, dir)
	_ = filepath.WalkDir(filepath.Join(dir, "outbox"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			bv.out = append(bv.out, data)
		}
		return nil
	})
	bv.floor = measureFloor(b, bv)
	benchVaults.Store(n, bv)
	return bv
}

// buildOnce runs "followup build" on the vault in dir, as a user would.
func buildOnce(b *testing.B, dir string) {
	var stderr bytes.Buffer
	err := runWith(context.Background(), testHooks, []string{"--vault", dir, "--now", benchNow.Format(time.RFC3339), "build"}, nil, io.Discard, &stderr)
	if err != nil && err != errProblems {
		b.Fatalf("build: %v\n%s", err, stderr.String())
	}
}

// measureFloor returns the best of three runs of floor.
func measureFloor(b *testing.B, bv *benchVault) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		floor(b, bv)
		best = min(best, time.Since(start))
	}
	return best
}

// floor is the work no build can avoid: read every note, decode its front
// matter and render its body with goldmark, on every core; then write, as
// the build does (temporary file, sync, rename), as many files of the same
// sizes as the build writes.
func floor(b *testing.B, bv *benchVault) {
	md := goldmark.New()
	vault.Parallel(len(bv.notes), func(i int) {
		data, err := os.ReadFile(filepath.Join(bv.dir, bv.notes[i]))
		if err != nil {
			b.Error(err)
			return
		}
		front, body, _ := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n")
		var node yaml.Node
		if err := yaml.Unmarshal([]byte(front), &node); err != nil {
			b.Error(err)
		}
		var html bytes.Buffer
		if err := md.Convert([]byte(body), &html); err != nil {
			b.Error(err)
		}
	})
	out := filepath.Join(bv.dir, "floor")
	_ = os.RemoveAll(out)
	vault.Parallel(len(bv.out), func(i int) {
		dir := filepath.Join(out, fmt.Sprint(i/8))
		_ = os.MkdirAll(dir, 0o755)
		tmp := filepath.Join(dir, fmt.Sprintf(".tmp-%d", i))
		f, err := os.Create(tmp)
		if err != nil {
			b.Error(err)
			return
		}
		_, err = f.Write(bv.out[i])
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, filepath.Join(dir, fmt.Sprint(i)))
		}
		if err != nil {
			b.Error(err)
		}
	})
	_ = os.RemoveAll(out)
}

func reportFloor(b *testing.B, bv *benchVault) {
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(bv.floor), "x-floor")
	b.ReportMetric(float64(bv.floor.Milliseconds()), "floor-ms")
}

var sizes = []int{1000, 10000}

// BenchmarkFloor is the floor itself, for the table.
func BenchmarkFloor(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("notes=%d", n), func(b *testing.B) {
			bv := getVault(b, n)
			for b.Loop() {
				floor(b, bv)
			}
			reportFloor(b, bv)
		})
	}
}

// BenchmarkColdBuild builds into an empty outbox.
func BenchmarkColdBuild(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("notes=%d", n), func(b *testing.B) {
			bv := getVault(b, n)
			for b.Loop() {
				b.StopTimer()
				if err := os.RemoveAll(filepath.Join(bv.dir, "outbox")); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				buildOnce(b, bv.dir)
			}
			reportFloor(b, bv)
		})
	}
}

// BenchmarkNoopBuild builds a vault whose outbox is up to date: a fresh
// process, as "followup build" run twice.
func BenchmarkNoopBuild(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("notes=%d", n), func(b *testing.B) {
			bv := getVault(b, n)
			buildOnce(b, bv.dir)
			hits := cacheHits.Load()
			for b.Loop() {
				buildOnce(b, bv.dir)
			}
			if cacheHits.Load()-hits != int64(b.N) {
				b.Fatalf("%d of %d builds read the notes again", int64(b.N)-(cacheHits.Load()-hits), b.N)
			}
			reportFloor(b, bv)
		})
	}
}

// BenchmarkOneNote is the watcher's work after one note is saved: from
// the save to that note's drafts and the calendar rewritten, without the
// quiet period.
func BenchmarkOneNote(b *testing.B) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("notes=%d", n), func(b *testing.B) {
			bv := getVault(b, n)
			w, err := openWorkspace(&globals{vault: bv.dir})
			if err != nil {
				b.Fatal(err)
			}
			defer w.root.Close()
			if err := w.loadConfig(reporter{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}); err != nil {
				b.Fatal(err)
			}
			e, err := w.engine()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Build(context.Background(), nil, benchNow); err != nil {
				b.Fatal(err)
			}
			note := ""
			for _, p := range bv.notes {
				if strings.HasPrefix(p, "interviews/") {
					note = p
					break
				}
			}
			full := filepath.Join(bv.dir, note)
			orig, err := os.ReadFile(full)
			if err != nil {
				b.Fatal(err)
			}
			// A longer interview and other words: its events and its drafts
			// change, and change back the next time.
			edited := bytes.Replace(orig, []byte("---\n"), []byte("---\nduration: 90m\n"), 1)
			edited = bytes.ReplaceAll(edited, []byte("I especially enjoyed"), []byte("I really enjoyed"))
			versions := [][]byte{edited, orig}
			i := 0
			for b.Loop() {
				i++
				if err := os.WriteFile(full, versions[i%2], 0o644); err != nil {
					b.Fatal(err)
				}
				p, err := e.Build(context.Background(), []string{note}, benchNow)
				if err != nil {
					b.Fatal(err)
				}
				if p.Parsed != 1 || p.Rendered != 1 {
					b.Fatalf("one note changed, but %d were read and %d rendered", p.Parsed, p.Rendered)
				}
			}
			_ = os.WriteFile(full, orig, 0o644)
			reportFloor(b, bv)
		})
	}
}
