package vault

import (
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestScanUnderIsScan scans the test vaults from each of their paths, as
// a watcher does when it names a file or folder that changed: what it
// finds must be what the scan of the whole vault finds there. A walk from
// a link to a folder that read the folder, or a link to a note read anyway
// that a walk of its folder alone kept, would make notes that build never
// makes.
func TestScanUnderIsScan(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink}
	}
	note := &fstest.MapFile{Data: []byte("---\ncompany: A\ndate: 2026-11-18\ninterviewers: [Jane]\n---\n")}
	// No loops: fstest.MapFS follows them until the stack overflows (the
	// watcher's tests make loops on disk).
	vaults := map[string]fs.FS{
		"links": fstest.MapFS{
			"interviews/2026/a.md":     note,
			"interviews/b.md":          link("2026/a.md"),
			"interviews/c.md":          link("../linked/2026/a.md"),
			"interviews/.hidden/d.md":  note,
			"interviews/e.md":          link(".hidden/d.md"),
			"linked":                   link("interviews"),
			"linked-again/x":           link("../interviews/2026"),
			"up":                       link(".."),
			"out":                      link("../elsewhere"),
			"out.md":                   link("/etc/hosts"),
			"dangling.md":              link("gone.md"),
			"templates/thank-you.md":   note,
			"templates-link.md":        link("templates/thank-you.md"),
			"outbox/x/jane.md":         note,
			"interviews/outbox-link":   link("../outbox"),
			"interviews/not-a-note.md": link("../interviews"),
		},
	}
	files, _ := filepath.Glob("testdata/open/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		vaults[strings.TrimSuffix(filepath.Base(file), ".txtar")] = archiveFS(ar)
	}
	for name, fsys := range vaults {
		cfg, _ := LoadConfig(fsys, time.UTC)
		all := Scan(fsys, cfg)
		// Every path, and paths through links to folders, which a walk
		// of the vault never reaches.
		roots := map[string]bool{"linked/2026": true, "linked/2026/a.md": true, "linked-again/x/a.md": true, "up/interviews": true}
		_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			for ; p != "."; p = path.Dir(p) {
				roots[p] = true
			}
			return nil
		})
		for _, root := range slices.Sorted(maps.Keys(roots)) {
			want := slices.DeleteFunc(slices.Clone(all), func(e Entry) bool {
				return e.Path != root && !strings.HasPrefix(e.Path, root+"/")
			})
			if got := ScanUnder(fsys, cfg, root); !slices.EqualFunc(got, want, sameEntry) {
				t.Errorf("%s: ScanUnder(%q) = %v, want %v", name, root, EntryPaths(got), EntryPaths(want))
			}
		}
	}
}

func sameEntry(a, b Entry) bool {
	return a.Path == b.Path && a.Target == b.Target && a.Stat == b.Stat &&
		(a.Err == nil) == (b.Err == nil) && (a.Err == nil || *a.Err == *b.Err)
}
