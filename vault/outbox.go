package vault

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
)

// ManifestFile lists, inside the outbox, every file the tool generated
// with a hash of its bytes, so that it never deletes or overwrites a file
// it did not write or that the user changed since.
const ManifestFile = ".followup-manifest.json"

// TempPrefix starts the name of every temporary file; any later run may
// delete such files.
const TempPrefix = ".followup-tmp-"

// An Outbox writes generated files into the outbox folder of a vault, by
// the rules of SPEC "The outbox": atomically, only when the bytes change,
// and recording each in the manifest.
type Outbox struct {
	root     *os.Root // the vault
	dir      string   // the outbox, relative to the vault
	manifest manifest
	changed  bool
}

type manifest struct {
	Version int               `json:"version"`
	Files   map[string]string `json:"files"` // outbox-relative path → "sha256:…"
}

// OpenOutbox opens the outbox folder dir of the vault root, reading its
// manifest. The folder is created on the first write.
func OpenOutbox(root *os.Root, dir string) (*Outbox, error) {
	o := &Outbox{root: root, dir: dir, manifest: manifest{Version: 1, Files: map[string]string{}}}
	if info, err := root.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("the outbox %s is a file, not a folder: move it away or set outbox: in %s", dir, ConfigFile)
	}
	data, err := root.ReadFile(path.Join(dir, ManifestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("outbox: cannot read the manifest: %w", err)
	default:
		var m manifest
		// A damaged manifest only means that nothing is known to be ours:
		// the rules then leave every file alone.
		if json.Unmarshal(data, &m) == nil && m.Files != nil {
			o.manifest.Files = m.Files
		}
	}
	return o, nil
}

// Path returns the vault-relative path of the outbox file name.
func (o *Outbox) Path(name string) string { return path.Join(o.dir, name) }

// Read returns the current bytes of the outbox file name.
func (o *Outbox) Read(name string) ([]byte, error) { return o.root.ReadFile(o.Path(name)) }

// EditedByHand reports whether the outbox file name exists with bytes other
// than those the tool last wrote there.
func (o *Outbox) EditedByHand(name string) bool {
	data, err := o.Read(name)
	if err != nil {
		return false
	}
	return o.manifest.Files[name] != hashOf(data)
}

// Write puts data into the outbox file name unless it already holds
// exactly that, and records it in the manifest. It reports whether it
// wrote. The file is replaced atomically: a temporary file in the same
// folder, synced, then renamed over it.
func (o *Outbox) Write(name string, data []byte) (bool, error) {
	full := o.Path(name)
	sum := hashOf(data)
	if old, err := o.root.ReadFile(full); err == nil && bytes.Equal(old, data) {
		if o.manifest.Files[name] != sum {
			o.manifest.Files[name] = sum
			o.changed = true
		}
		return false, nil
	}
	if err := o.writeAtomic(full, data); err != nil {
		return false, err
	}
	o.manifest.Files[name] = sum
	o.changed = true
	return true, nil
}

// Close saves the manifest if anything changed.
func (o *Outbox) Close() error {
	if !o.changed {
		return nil
	}
	data, err := json.MarshalIndent(o.manifest, "", "  ")
	if err != nil {
		return err
	}
	o.changed = false
	return o.writeAtomic(o.Path(ManifestFile), append(data, '\n'))
}

func (o *Outbox) writeAtomic(full string, data []byte) error {
	dir := path.Dir(full)
	if err := o.root.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(dir, TempPrefix+hex.EncodeToString(rnd[:]))
	f, err := o.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", full, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = o.root.Rename(tmp, full)
	}
	if err != nil {
		_ = o.root.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", full, err)
	}
	// Sync the folder so that the rename survives a crash.
	if d, err := o.root.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
