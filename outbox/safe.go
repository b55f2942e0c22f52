package outbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"followup/vault"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
	"unicode"
)

// This file holds what keeps the outbox from reaching anything it did not
// write: the names read from the manifest and the journal are checked
// before use, no symbolic link inside the outbox is followed, and a build
// records what it is about to write before it writes.

// JournalFile lists, inside the outbox, the files a build is about to
// write, before it writes them. A build killed midway leaves files that
// the manifest does not list yet; the next run takes as its own those that
// hold what the journal says, rather than as the user's edits.
const JournalFile = ".followup-journal"

// OutputName reports whether name, read from a state file such as the
// build cache, can be a file the tool writes in the outbox (see validName).
func OutputName(name string) bool { return validName(name) }

// validName reports whether name, read from the manifest or the journal,
// can be a file the tool writes: the calendar (an .ics file in the outbox
// itself) or a draft (folder/name.eml, .html or .md), cleaned, with no
// part hidden (the tool's own files are), empty, "." or "..", nor longer
// than a file system allows. Anything else came from somewhere else (a
// merge, a sync tool, an attacker) and is never read, written or removed.
func validName(name string) bool {
	if !fs.ValidPath(name) || name == "." || strings.ContainsAny(name, `\:`) {
		return false
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if strings.HasPrefix(p, ".") || len(p) > 255 || strings.ContainsFunc(p, isControl) {
			return false
		}
	}
	switch ext := strings.ToLower(path.Ext(name)); len(parts) {
	case 1:
		return ext == ".ics"
	case 2:
		return ext == ".eml" || ext == ".html" || ext == ".md"
	}
	return false
}

// errLink is the cause of refusing a path that holds a symbolic link.
var errLink = errors.New("it is a symbolic link, and followup never writes through one")

// IsLink reports whether err comes from refusing a symbolic link.
func IsLink(err error) bool { return errors.Is(err, errLink) }

// safe checks that the outbox file name may be read, written or removed:
// a valid name, with no symbolic link on the way from the vault to it.
func (o *Outbox) safe(name string) error {
	// The tool's own state files (manifest, journal, cache) sit at the top.
	state := strings.HasPrefix(name, ".followup-") && !strings.ContainsAny(name, `/\`)
	if !validName(name) && !state {
		return fmt.Errorf("%s: not a file followup writes", o.Path(name))
	}
	return o.noLinks(name)
}

// noLinks checks that no part of the way from the vault to the outbox
// path rel is a symbolic link: the outbox, its folder, the file itself.
// Missing parts are fine: they are made as folders.
func (o *Outbox) noLinks(rel string) error {
	p := o.dir
	parts := []string{""}
	if rel != "." {
		parts = append(parts, strings.Split(rel, "/")...)
	}
	for i, part := range parts {
		if i > 0 {
			p = path.Join(p, part)
		}
		info, err := o.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, vault.Cause(err))
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: %w", p, errLink)
		case i < len(parts)-1 && !info.IsDir():
			return fmt.Errorf("%s: it is not a folder", p)
		case i == len(parts)-1 && rel != "." && !info.Mode().IsRegular() && !info.IsDir():
			// A named pipe would hang whoever reads it.
			return fmt.Errorf("%s: it is not a regular file", p)
		}
	}
	return nil
}

// outboxIsLink refuses an outbox dir of the vault root that is, or lies
// in, a symbolic link.
func outboxIsLink(root *os.Root, dir string) error {
	_, err := walkOutbox(root.Lstat, dir, nil)
	return err
}

// walkOutbox goes down the path of the outbox dir, refusing a symbolic
// link on the way, and calls in (when given) with each folder the outbox
// lies in but the vault root. It reports whether the outbox exists.
func walkOutbox(lstat func(string) (fs.FileInfo, error), dir string, in func(string) error) (bool, error) {
	p := ""
	for part := range strings.SplitSeq(dir, "/") {
		if p != "" && in != nil {
			if err := in(p); err != nil {
				return false, err
			}
		}
		p = path.Join(p, part)
		info, err := lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("cannot open the outbox %s: %w", dir, vault.Cause(err))
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if p == dir {
			return false, fmt.Errorf("the outbox %s is a symbolic link, and followup never writes through one: make it a folder of its own", dir)
		}
		return false, fmt.Errorf("the outbox %s lies in %s, a symbolic link, and followup never writes through one: make it a folder of its own", dir, p)
	}
	return true, nil
}

// A journalLine is one file a build is about to write.
type journalLine struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
	Note string `json:"note,omitempty"`
}

// journal appends to the journal the files about to be written whose
// bytes the manifest does not already record, and syncs it, so that a
// kill after any of them is written leaves a record of it.
func (o *Outbox) journal(files []File, hashes []string) error {
	var buf []byte
	o.mu.Lock()
	for i, f := range files {
		if cur, ok := o.manifest.Files[f.Name]; ok && cur.Hash == hashes[i] && cur.Note == f.Note {
			continue
		}
		line, _ := json.Marshal(journalLine{Name: f.Name, Hash: hashes[i], Note: f.Note})
		buf = append(append(buf, line...), '\n')
	}
	o.mu.Unlock()
	if len(buf) == 0 {
		return nil
	}
	if err := o.safe(JournalFile); err != nil {
		return err
	}
	d, err := o.openDir(JournalFile)
	if err != nil {
		return err
	}
	defer d.Close()
	f, err := openOwn(d, JournalFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND)
	if err == nil {
		_, err = f.Write(buf)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", o.Path(JournalFile), vault.Cause(err))
	}
	if !o.journaled {
		fsyncDir(d)
		o.journaled = true
	}
	return nil
}

// recoverJournal reads the journal a killed build left: each file that
// holds the bytes it was about to write is the tool's, and the manifest
// says so from now on. Lines cut by the kill, or naming anything but a
// file of the outbox, are skipped.
func (o *Outbox) recoverJournal() {
	f, err := openOwn(o.root, o.Path(JournalFile), os.O_RDONLY)
	if err != nil {
		return
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return
	}
	o.journaled = true // removed once the manifest is saved
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l journalLine
		if json.Unmarshal(sc.Bytes(), &l) != nil || !validName(l.Name) || !strings.HasPrefix(l.Hash, "sha256:") {
			continue
		}
		rec := entry{Hash: l.Hash, Note: l.Note}
		if o.manifest.Files[l.Name] == rec || o.safe(l.Name) != nil {
			continue
		}
		if cur, err := o.root.ReadFile(o.Path(l.Name)); err == nil && hashOf(cur) == l.Hash {
			o.manifest.set(l.Name, rec)
			o.changed = true
		}
	}
}

// endJournal removes the journal once the manifest saved lists every file
// it named that was written.
func (o *Outbox) endJournal() {
	if o.journaled {
		if info, err := o.root.Lstat(o.Path(JournalFile)); err == nil && info.Mode().IsRegular() {
			_ = o.root.Remove(o.Path(JournalFile))
		}
		o.journaled = false
	}
}

// removeTemps removes the temporary files that a killed run left in the
// outbox folder itself; those in draft folders go when the folder is
// next written, or emptied.
func (o *Outbox) removeTemps() { o.removeTempsIn(".") }

// removeTempsIn removes the temporary files of the outbox folder dir.
func (o *Outbox) removeTempsIn(dir string) {
	if o.noLinks(dir) != nil {
		return
	}
	d, err := o.root.OpenRoot(path.Join(o.dir, dir))
	if err != nil {
		return
	}
	defer d.Close()
	entries, _ := fs.ReadDir(d.FS(), ".")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), TempPrefix) && e.Type().IsRegular() {
			_ = d.Remove(e.Name())
		}
	}
}

// readManifest decodes the manifest data, keeping only the entries that
// name files of the outbox, and says what it could not use.
func (o *Outbox) readManifest(data []byte) []vault.Diagnostic {
	at := o.Path(ManifestFile)
	warn := func(format string, args ...any) vault.Diagnostic {
		return vault.Diagnostic{Path: at, Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeManifest, Message: fmt.Sprintf(format, args...)}
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Files == nil {
		what := "it lists no files"
		if err != nil {
			what = err.Error()
		}
		return []vault.Diagnostic{warn("the manifest is damaged (%s): every file already in the outbox is taken for yours and left alone; delete the drafts you want written again", what)}
	}
	var (
		ds  []vault.Diagnostic
		bad int
	)
	for _, name := range sortedKeys(m.Files) {
		rec := m.Files[name]
		if validName(name) && strings.HasPrefix(rec.Hash, "sha256:") {
			o.manifest.Files[name] = rec
			continue
		}
		if bad++; bad <= maxManifestWarnings {
			ds = append(ds, warn("the manifest lists %q, which is no file followup writes: the entry is ignored, and nothing is done to that path", name))
		}
	}
	if bad > maxManifestWarnings {
		ds = append(ds, warn("and %d more entries like these were ignored", bad-maxManifestWarnings))
	}
	if bad > 0 {
		o.changed = true // saved without them
	}
	return ds
}

// maxManifestWarnings caps the warnings about one manifest's entries.
const maxManifestWarnings = 5

// holdsOutputs reports whether the outbox folder holds anything but the
// tool's own state: a manifest missing there is worth a word.
func (o *Outbox) holdsOutputs() bool {
	entries, err := fs.ReadDir(o.root.FS(), o.dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".followup-") {
			return true
		}
	}
	return false
}

// openOwn opens the tool's own state file name of the vault root (the
// lock, the journal) with flag, refusing anything but a regular file with
// one name: through a symbolic or a hard link, a write would land in a
// note. The checks are made on the file opened, not only on its name.
func openOwn(root *os.Root, name string, flag int) (*os.File, error) {
	refuse := func(what string) error {
		return fmt.Errorf("%s is %s, not a file of followup's own: followup never writes through it; delete it", name, what)
	}
	if info, err := root.Lstat(name); err == nil {
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			return nil, refuse("a symbolic link")
		case !info.Mode().IsRegular():
			return nil, refuse("not a regular file")
		}
	}
	f, err := root.OpenFile(name, flag|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		return nil, err
	}
	opened, err := f.Stat()
	named, lerr := root.Lstat(name)
	switch {
	case err != nil || lerr != nil:
		err = errors.Join(err, lerr)
	case !opened.Mode().IsRegular() || !os.SameFile(opened, named):
		err = refuse("not a regular file")
	case linkCount(opened) > 1:
		err = refuse("a hard link to another file")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// looksLikeNote reports whether the outbox file name, holding data, reads
// as an interview note. Whatever the manifest says, such a file is never
// removed or overwritten: a note is worth more than a draft.
func looksLikeNote(name string, data []byte) bool { return vault.LooksLikeNote(name, data) }

// isControl is a control character other than a tab, as the vault counts
// them in a name.
func isControl(r rune) bool { return r != '\t' && unicode.IsControl(r) }
