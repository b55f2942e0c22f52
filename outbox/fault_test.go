package outbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// draftFiles are the files of three notes' drafts, in version v.
func draftFiles(v int) []File {
	var files []File
	for n := range 3 {
		for _, who := range []string{"jane-doe", "raj-patel"} {
			group := fmt.Sprintf("note-%d/%s", n, who)
			for _, ext := range []string{".eml", ".html", ".md"} {
				files = append(files, File{Name: group + ext, Note: fmt.Sprintf("n%d.md", n), Group: group,
					Data: []byte(strings.Repeat(fmt.Sprintf("version %d of %s%s\n", v, group, ext), 50*v))})
			}
		}
	}
	return files
}

// killAt returns a fault that kills the process at the n-th step of
// kind step: that step and every later one fail as if nothing ran.
func killAt(step string, n int) func(string, string) error {
	var (
		mu     sync.Mutex
		count  int
		killed bool
	)
	return func(s, name string) error {
		mu.Lock()
		defer mu.Unlock()
		if s == step {
			count++
		}
		if count >= n {
			killed = true
		}
		if killed {
			return errKilled
		}
		return nil
	}
}

// checkOutbox verifies that every file is one of the versions whole, and
// returns how many hold each.
func checkOutbox(t *testing.T, dir string, versions ...[]File) map[int]int {
	t.Helper()
	counts := map[int]int{}
	for _, f := range versions[0] {
		got, err := os.ReadFile(filepath.Join(dir, "outbox", f.Name))
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		found := false
		for v, files := range versions {
			for _, g := range files {
				if g.Name == f.Name && bytes.Equal(g.Data, got) {
					counts[v]++
					found = true
				}
			}
		}
		if !found {
			t.Errorf("%s holds neither version whole: %d bytes", f.Name, len(got))
		}
	}
	return counts
}

// checkManifest verifies that the manifest on disk is JSON and that every
// file it lists holds the bytes it records.
func checkManifest(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "outbox", ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("the manifest is not JSON: %v", err)
	}
	for name, rec := range m.Files {
		got, err := os.ReadFile(filepath.Join(dir, "outbox", name))
		if err != nil || hashOf(got) != rec.Hash {
			t.Errorf("the manifest and %s disagree", name)
		}
	}
}

// TestKilledMidBuild kills a build at every rename, and at the write of
// the manifest: every file is the old or the new version whole, never
// cut; the next build repairs everything without calling the killed
// build's files edited by hand.
func TestKilledMidBuild(t *testing.T) {
	v1, v2 := draftFiles(1), draftFiles(2)
	for k := 1; k <= len(v2)+1; k++ {
		dir := t.TempDir()
		ob := openTestOutbox(t, dir)
		if _, _, err := syncFiles(ob, v1, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := ob.Close(); err != nil {
			t.Fatal(err)
		}

		ob = openTestOutbox(t, dir)
		ob.fault = killAt("rename", k)
		_, _, err := syncFiles(ob, v2, nil, nil)
		if k <= len(v2) && !errors.Is(err, errKilled) {
			t.Fatalf("kill at rename %d: syncFiles said %v", k, err)
		}
		if k > len(v2) {
			// Killed while saving the manifest.
			if err := ob.Close(); !errors.Is(err, errKilled) {
				t.Fatalf("kill at the manifest: Close said %v", err)
			}
		}
		counts := checkOutbox(t, dir, v1, v2)
		if new := min(k-1, len(v2)); counts[1] != new || counts[0] != len(v2)-new {
			t.Errorf("kill at rename %d: %d files old and %d new, want %d new", k, counts[0], counts[1], new)
		}
		checkManifestJSON(t, dir)

		// The next build, whole.
		ob = openTestOutbox(t, dir)
		st, diags, err := syncFiles(ob, v2, nil, nil)
		if err != nil || len(diags) > 0 || st.Kept > 0 {
			t.Fatalf("kill at %d, then a build: %v %v %+v", k, err, diags, st)
		}
		if err := ob.Close(); err != nil {
			t.Fatal(err)
		}
		if counts := checkOutbox(t, dir, v2); counts[0] != len(v2) {
			t.Errorf("kill at %d: the next build left %d of %d files new", k, counts[0], len(v2))
		}
		checkManifest(t, dir)
		var stray []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), TempPrefix) {
				stray = append(stray, p)
			}
			return nil
		})
		if k <= len(v2) && len(stray) > 0 {
			t.Errorf("kill at %d: temporary files left after the next build: %q", k, stray)
		}
	}
}

// checkManifestJSON verifies that the manifest is whole JSON: the old one
// or the new one, never a cut one.
func checkManifestJSON(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "outbox", ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(data) {
		t.Fatalf("the manifest is cut: %d bytes", len(data))
	}
}

// TestFullDisk fails every write with ENOSPC: a clear error naming the
// file and the cause, no file half-written, and the manifest still true.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	ob := openTestOutbox(t, dir)
	v1 := draftFiles(1)
	if _, _, err := syncFiles(ob, v1, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	ob = openTestOutbox(t, dir)
	ob.fault = func(step, name string) error {
		if step == "write" {
			return syscall.ENOSPC
		}
		return nil
	}
	_, _, err := syncFiles(ob, draftFiles(2), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") || !strings.Contains(err.Error(), "cannot write outbox/note-0/jane-doe.eml") {
		t.Fatalf("syncFiles on a full disk: %v", err)
	}
	if err := ob.Close(); err != nil {
		t.Fatal(err)
	}
	if counts := checkOutbox(t, dir, v1); counts[0] != len(v1) {
		t.Errorf("%d of %d files still whole and old", counts[0], len(v1))
	}
	checkManifest(t, dir)
}

// TestCloseWith writes a calendar and the manifest at once, failing or
// killed at each step: the calendar is the old or the new one whole, the
// manifest is whole, and it never records the new calendar while the old
// one is on disk.
func TestCloseWith(t *testing.T) {
	old := []byte(strings.Repeat("BEGIN:VEVENT\r\nold\r\nEND:VEVENT\r\n", 1000))
	pieces := [][]byte{[]byte("BEGIN:VCALENDAR\r\n"), bytes.Repeat([]byte("new event\r\n"), 5000), []byte("END:VCALENDAR\r\n")}
	whole := bytes.Join(pieces, nil)
	faults := map[string]func(string, string) error{
		"none":                   nil,
		"killed at first write":  killAt("write", 1),
		"killed at second write": killAt("write", 2),
		"killed at first rename": killAt("rename", 1),
		"killed at last rename":  killAt("rename", 2),
		"calendar disk full": func(step, name string) error {
			if step == "write" && name == "calendar.ics" {
				return syscall.ENOSPC
			}
			return nil
		},
		"manifest disk full": func(step, name string) error {
			if step == "write" && name == ManifestFile {
				return syscall.ENOSPC
			}
			return nil
		},
	}
	for what, fault := range faults {
		dir := t.TempDir()
		ob := openTestOutbox(t, dir)
		if _, err := ob.Write("calendar.ics", old); err != nil {
			t.Fatal(err)
		}
		if _, _, err := syncFiles(ob, draftFiles(1), nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := ob.Close(); err != nil {
			t.Fatal(err)
		}
		ob = openTestOutbox(t, dir)
		ob.fault = fault
		err := ob.CloseWith("calendar.ics", func() [sha256.Size]byte { return sha256.Sum256(whole) }, pieces...)
		if (err == nil) != (fault == nil) {
			t.Errorf("%s: CloseWith said %v", what, err)
		}
		checkManifestJSON(t, dir)
		got, _ := os.ReadFile(filepath.Join(dir, "outbox", "calendar.ics"))
		if !bytes.Equal(got, old) && !bytes.Equal(got, whole) {
			t.Errorf("%s: the calendar is neither version whole: %d bytes", what, len(got))
		}
		data, _ := os.ReadFile(filepath.Join(dir, "outbox", ManifestFile))
		var m manifest
		_ = json.Unmarshal(data, &m)
		if m.Files["calendar.ics"].Hash == hashOf(whole) && !bytes.Equal(got, whole) {
			t.Errorf("%s: the manifest records the new calendar, but the old one is on disk", what)
		}
		if fault == nil || strings.Contains(what, "calendar disk full") {
			checkManifest(t, dir)
		}
		if fault == nil {
			if _, ok := ob.Written("calendar.ics"); !ok {
				t.Error("the calendar written has no Stat")
			}
		}
		if strings.Contains(what, "disk full") {
			if !strings.Contains(fmt.Sprint(err), "no space left on device") {
				t.Errorf("%s: %v", what, err)
			}
			var stray []string
			_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.HasPrefix(d.Name(), TempPrefix) {
					stray = append(stray, p)
				}
				return nil
			})
			if len(stray) > 0 {
				t.Errorf("%s: temporary files left: %q", what, stray)
			}
		}
	}
}

// TestKilledBuildThenChange kills a build at every rename, then runs the
// next build with other bytes (a note edited meanwhile): the files the
// killed build wrote are its own, as its journal says, and are replaced,
// not kept as the user's edits. A file the user edited after the kill is
// kept.
func TestKilledBuildThenChange(t *testing.T) {
	v1, v2, v3 := draftFiles(1), draftFiles(2), draftFiles(3)
	for k := 1; k <= len(v2); k++ {
		dir := t.TempDir()
		ob := openTestOutbox(t, dir)
		if _, _, err := syncFiles(ob, v1, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := ob.Close(); err != nil {
			t.Fatal(err)
		}
		ob = openTestOutbox(t, dir)
		ob.fault = killAt("rename", k)
		if _, _, err := syncFiles(ob, v2, nil, nil); !errors.Is(err, errKilled) {
			t.Fatalf("kill at rename %d: syncFiles said %v", k, err)
		}
		// The user edits a draft the killed build had written, if any.
		edited := ""
		if k > 1 {
			edited = v2[0].Name
			if err := os.WriteFile(filepath.Join(dir, "outbox", edited), []byte("my own words\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}

		ob = openTestOutbox(t, dir)
		st, diags, err := syncFiles(ob, v3, nil, nil)
		if err != nil {
			t.Fatalf("kill at %d, then a build: %v", k, err)
		}
		wantKept := 0
		if edited != "" {
			wantKept = 1
		}
		if st.Kept != wantKept || len(diags) != wantKept {
			t.Errorf("kill at %d, then a build: %d kept, %v; want %d kept (the user's edit only)", k, st.Kept, diags, wantKept)
		}
		if err := ob.Close(); err != nil {
			t.Fatal(err)
		}
		// Every file but the user's edit and the rest of its draft is new.
		group := strings.TrimSuffix(edited, filepath.Ext(edited))
		for _, f := range v3 {
			got, _ := os.ReadFile(filepath.Join(dir, "outbox", f.Name))
			switch {
			case edited != "" && f.Name == edited:
				if string(got) != "my own words\n" {
					t.Errorf("kill at %d: the user's edit of %s was overwritten", k, f.Name)
				}
			case edited != "" && f.Group == group:
			case !bytes.Equal(got, f.Data):
				t.Errorf("kill at %d: %s is not the new version", k, f.Name)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "outbox", JournalFile)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("kill at %d: the journal is left after the manifest was saved: %v", k, err)
		}
	}
}

// TestJournalNamesOnlyOutputs: a journal comes from disk like the
// manifest; a line naming anything but a file of the outbox is skipped,
// even when that file holds the hash it gives.
func TestJournalNamesOnlyOutputs(t *testing.T) {
	dir := t.TempDir()
	secret := []byte("the user's config\n")
	if err := os.WriteFile(filepath.Join(dir, "followup.yaml"), secret, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "outbox"), 0o755); err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprintf(`{"name": "../followup.yaml", "hash": %q, "note": "gone.md"}`+"\n", hashOf(secret))
	if err := os.WriteFile(filepath.Join(dir, "outbox", JournalFile), []byte(line+"{cut"), 0o644); err != nil {
		t.Fatal(err)
	}
	ob := openTestOutbox(t, dir)
	if ob.Listed("../followup.yaml") {
		t.Fatal("a journal line outside the outbox was taken")
	}
	if _, _, err := syncFiles(ob, nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "followup.yaml")); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("followup.yaml after a build: %q, %v", got, err)
	}
}

// TestTempFilesRemoved: temporary files a killed run left beside the
// calendar and the manifest go with the next run, as those in draft
// folders do; a folder that merely has the prefix stays.
func TestTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "outbox")
	if err := os.MkdirAll(filepath.Join(out, TempPrefix+"folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{TempPrefix + "0123456789abcdef", TempPrefix + "fedcba9876543210"} {
		if err := os.WriteFile(filepath.Join(out, name), bytes.Repeat([]byte("x"), 1<<20), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openTestOutbox(t, dir)
	entries, _ := os.ReadDir(out)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{TempPrefix + "folder"}; !slices.Equal(left, want) {
		t.Errorf("left in the outbox: %q, want %q", left, want)
	}
}

// TestLockRefusesLinks: a lock file that is a symbolic or a hard link to
// a note is refused, and the note keeps its bytes (it was emptied, and
// the process number written into it).
func TestLockRefusesLinks(t *testing.T) {
	for _, kind := range []string{"symbolic", "hard", "fifo"} {
		dir := t.TempDir()
		note := filepath.Join(dir, "note.md")
		text := []byte("---\ncompany: Acme\n---\nmy words\n")
		if err := os.WriteFile(note, text, 0o644); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(dir, "outbox", LockFile)
		if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch kind {
		case "symbolic":
			err = os.Symlink("../note.md", lock)
		case "hard":
			err = os.Link(note, lock)
		case "fifo":
			err = syscall.Mkfifo(lock, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			t.Fatal(err)
		}
		l, err := TakeLock(root, "outbox", 0)
		if err == nil {
			l.Unlock()
			t.Errorf("%s link: locked", kind)
		} else if !strings.Contains(err.Error(), "followup never writes through it") {
			t.Errorf("%s link: %v", kind, err)
		}
		if got, _ := os.ReadFile(note); !bytes.Equal(got, text) {
			t.Errorf("%s link: the note now holds %q", kind, got)
		}
		root.Close()
	}
}

// TestPruneKeepsNotes: a file that reads as an interview note is never
// removed, even when a (forged) manifest lists it with its very hash.
func TestPruneKeepsNotes(t *testing.T) {
	dir := t.TempDir()
	note := []byte("---\ncompany: Acme\ndate: 2026-11-18\ninterviewers: [Jane Doe]\n---\n")
	p := filepath.Join(dir, "outbox", "acme", "jane-doe.md")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, note, 0o644); err != nil {
		t.Fatal(err)
	}
	m := fmt.Sprintf(`{"version": 1, "files": {"acme/jane-doe.md": {"hash": %q, "note": "gone.md"}}}`, hashOf(note))
	if err := os.WriteFile(filepath.Join(dir, "outbox", ManifestFile), []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
	ob := openTestOutbox(t, dir)
	st, diags, err := syncFiles(ob, nil, nil, nil)
	if err != nil || st.Removed != 0 || st.Kept != 1 || len(diags) != 1 {
		t.Fatalf("syncFiles: %+v %v %v", st, diags, err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, note) {
		t.Errorf("the note was removed or changed: %q", got)
	}
}
