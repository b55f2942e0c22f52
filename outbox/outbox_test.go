package outbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func openTestOutbox(t *testing.T, dir string) *Outbox {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	o, diags, err := Open(root, "outbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		t.Log(d)
	}
	return o
}

func TestOutboxWrite(t *testing.T) {
	dir := t.TempDir()
	o := openTestOutbox(t, dir)
	file := filepath.Join(dir, "outbox", "calendar.ics")
	if wrote, err := o.Write("calendar.ics", []byte("one")); err != nil || !wrote {
		t.Fatalf("first write: %v, %v", wrote, err)
	}
	before, _ := os.Stat(file)
	if wrote, err := o.Write("calendar.ics", []byte("one")); err != nil || wrote {
		t.Fatalf("same bytes again: wrote=%v, %v; want no write", wrote, err)
	}
	after, _ := os.Stat(file)
	if !os.SameFile(before, after) {
		t.Error("identical bytes replaced the file")
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "outbox", ManifestFile))
	if err != nil || !strings.Contains(string(manifest), `"hash": "sha256:7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"`) {
		t.Errorf("manifest = %s, %v", manifest, err)
	}

	// A new outbox reads the manifest: the file is the tool's until edited.
	o = openTestOutbox(t, dir)
	if o.EditedByHand("calendar.ics") {
		t.Error("an untouched file counts as edited")
	}
	if err := os.WriteFile(file, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !o.EditedByHand("calendar.ics") {
		t.Error("an edited file does not count as edited")
	}
	noTempFiles(t, filepath.Join(dir, "outbox"))
}

// noTempFiles fails if dir holds a temporary file of the outbox.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestOutboxWriteFails(t *testing.T) {
	dir := t.TempDir()
	o := openTestOutbox(t, dir)
	// A folder where the file should go: the rename fails.
	if err := os.MkdirAll(filepath.Join(dir, "outbox", "calendar.ics", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Write("calendar.ics", []byte("data")); err == nil || !strings.Contains(err.Error(), "cannot write outbox/calendar.ics") {
		t.Errorf("Write over a folder = %v, want a clear error", err)
	}
	noTempFiles(t, filepath.Join(dir, "outbox"))
}

func TestOutboxIsAFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "outbox"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	if _, _, err := Open(root, "outbox"); err == nil || !strings.Contains(err.Error(), "is a file, not a folder") {
		t.Errorf("Open on a file = %v", err)
	}
}

func TestManifestEncoding(t *testing.T) {
	m := manifest{Version: 1, Files: map[string]entry{
		"calendar.ics":                {Hash: "sha256:00"},
		`a "quoted"\name/x.eml`:       {Hash: "sha256:01", Note: "interviews/tab\tand\x01.md"},
		"zoë/ünïcode — dash.md":       {Hash: "sha256:02", Note: "Zoë.md"},
		"2026-11-18-acme/jane-doe.md": {Hash: "sha256:03", Note: "interviews/2026-11-18 Acme.md"},
	}}
	var back manifest
	if err := json.Unmarshal(m.encode(), &back); err != nil {
		t.Fatalf("the manifest is not JSON: %v\n%s", err, m.encode())
	}
	if back.Version != m.Version || !reflect.DeepEqual(back.Files, m.Files) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, m)
	}
	if empty := (&manifest{Version: 1, Files: map[string]entry{}}).encode(); !json.Valid(empty) {
		t.Errorf("empty manifest is not JSON: %s", empty)
	}
}

// TestManifestKeptEncoding: the manifest encoded again after each change,
// reusing what did not change, is what a fresh encoding of the same files
// gives.
func TestManifestKeptEncoding(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	m := manifest{Version: 1, Files: map[string]entry{}}
	name := func() string { return fmt.Sprintf("n%04d/f.eml", rnd.IntN(3000)) }
	for step := range 400 {
		for range rnd.IntN(40) {
			switch rnd.IntN(3) {
			case 0, 1:
				m.set(name(), entry{Hash: fmt.Sprintf("sha256:%d", rnd.Int()), Note: "interviews/n.md"})
			default:
				m.remove(name())
			}
		}
		fresh := manifest{Version: 1, Files: maps.Clone(m.Files)}
		if got, want := m.encode(), fresh.encode(); !bytes.Equal(got, want) {
			t.Fatalf("step %d: the kept encoding differs from a fresh one:\n%s\n----\n%s", step, got, want)
		}
	}
	if len(m.Files) < 2*chunkLines {
		t.Fatalf("only %d files: too few to have several chunks", len(m.Files))
	}
}
