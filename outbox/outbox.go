// Package outbox writes what followup makes into the outbox folder of a
// vault, and is the only package that writes there: drafts and the
// calendar atomically and only when their bytes change, each recorded in
// the manifest with its hash, so that a file the user wrote or edited is
// never overwritten or removed. It also holds the lock that keeps two
// builds apart, the journal that lets a build cut off midway be
// finished, and the checks that the outbox is a folder of its own.
package outbox

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"followup/vault"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
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
	mu       sync.Mutex // guards manifest and changed while folders are written in parallel
	// fault, in tests, fails or kills a step ("write", "rename") of
	// writing the file name.
	fault func(step, name string) error
	// wrote holds the Stat of each file this Outbox wrote, as it was
	// just after writing: what a later look compares with to know that
	// nobody wrote it since.
	wrote map[string]vault.Stat
	// journaled: the journal exists, and goes once the manifest is saved.
	journaled bool
}

type manifest struct {
	Version int              `json:"version"`
	Files   map[string]entry `json:"files"` // by outbox-relative path

	// What makes saving it after every change of a watcher cheap with
	// tens of thousands of files: the names sorted (nil: to sort again),
	// each file's encoded line, and the files of each note.
	names  []string
	lines  [][]byte // the encoded line of names[i], or nil
	byNote map[string]map[string]bool
	chunks []lineChunk
}

// A lineChunk is a run of consecutive lines of the manifest and their
// bytes, kept from one save to the next: a change to one note's files
// re-encodes the runs that hold them, not the whole manifest.
type lineChunk struct {
	lines [][]byte
	data  []byte
}

// chunkLines is how many lines a chunk holds: about 50 KB.
const chunkLines = 256

func (m *manifest) set(name string, rec entry) {
	old, had := m.Files[name]
	m.Files[name] = rec
	if !had {
		if m.names != nil {
			i, _ := slices.BinarySearch(m.names, name)
			m.names = slices.Insert(m.names, i, name)
			if len(m.lines) == len(m.names)-1 {
				m.lines = slices.Insert(m.lines, i, nil)
			} else {
				m.lines = nil
			}
		}
	} else if i, found := slices.BinarySearch(m.names, name); found && i < len(m.lines) {
		m.lines[i] = nil
	}
	if m.byNote != nil {
		if had {
			delete(m.byNote[old.Note], name)
		}
		m.notesOf(rec.Note)[name] = true
	}
}

func (m *manifest) remove(name string) {
	old, had := m.Files[name]
	if !had {
		return
	}
	delete(m.Files, name)
	if i, found := slices.BinarySearch(m.names, name); found {
		m.names = slices.Delete(m.names, i, i+1)
		if i < len(m.lines) {
			m.lines = slices.Delete(m.lines, i, i+1)
		}
	}
	if m.byNote != nil {
		delete(m.byNote[old.Note], name)
	}
}

// removeAll removes the files of set at once: one pass over the sorted
// names, where removing them one by one would shift the rest each time.
func (m *manifest) removeAll(set map[string]bool) {
	for name := range set {
		old, had := m.Files[name]
		if !had {
			delete(set, name)
			continue
		}
		delete(m.Files, name)
		if m.byNote != nil {
			delete(m.byNote[old.Note], name)
		}
	}
	if len(set) == 0 || m.names == nil {
		return
	}
	keepLines := len(m.lines) == len(m.names)
	j := 0
	for i, name := range m.names {
		if set[name] {
			continue
		}
		m.names[j] = name
		if keepLines {
			m.lines[j] = m.lines[i]
		}
		j++
	}
	clear(m.names[j:])
	m.names = m.names[:j]
	if keepLines {
		clear(m.lines[j:])
		m.lines = m.lines[:j]
	} else {
		m.lines = nil
	}
}

func (m *manifest) notesOf(note string) map[string]bool {
	set := m.byNote[note]
	if set == nil {
		set = map[string]bool{}
		m.byNote[note] = set
	}
	return set
}

// sorted returns the names of the files, sorted.
func (m *manifest) sorted() []string {
	if m.names == nil {
		m.names = sortedKeys(m.Files)
		m.lines = nil
	}
	return m.names
}

// indexNotes makes byNote, the files of each note, when it is not made:
// only a build that looks at some notes needs it.
func (m *manifest) indexNotes() {
	if m.byNote == nil {
		m.byNote = map[string]map[string]bool{}
		for name, rec := range m.Files {
			m.notesOf(rec.Note)[name] = true
		}
	}
}

// ofNotes returns the names of the files made from the notes in scope,
// sorted; every name when scope is nil.
func (m *manifest) ofNotes(scope []string) []string {
	if scope == nil {
		return slices.Clone(m.sorted())
	}
	m.indexNotes()
	var names []string
	for _, note := range scope {
		for name := range m.byNote[note] {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// An entry records one generated file: the hash of the bytes written, and
// the note it was made from ("" for the calendar).
type entry struct {
	Hash string `json:"hash"` // "sha256:…"
	Note string `json:"note,omitempty"`
}

// Open opens the outbox folder dir of the vault root, reading its
// manifest, and the journal of a build that was killed. The folder is
// created on the first write. The diagnostics say what of the manifest
// could not be used: an entry that names anything but a file of the
// outbox is dropped, never followed.
func Open(root *os.Root, dir string) (*Outbox, []vault.Diagnostic, error) {
	o := &Outbox{root: root, dir: dir, manifest: manifest{Version: 1, Files: map[string]entry{}}}
	if err := outboxIsLink(root, dir); err != nil {
		return nil, nil, err
	}
	if info, err := root.Stat(dir); err == nil && !info.IsDir() {
		return nil, nil, fmt.Errorf("the outbox %s is a file, not a folder: move it away or set outbox: in %s", dir, vault.ConfigFile)
	}
	var diags []vault.Diagnostic
	data, err := root.ReadFile(path.Join(dir, ManifestFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// A first build killed before it saved a manifest left a journal,
		// which says what is the tool's: nothing is missing then.
		if _, jerr := root.Lstat(path.Join(dir, JournalFile)); jerr != nil && o.holdsOutputs() {
			diags = append(diags, vault.Diagnostic{Path: o.Path(ManifestFile), Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeManifest,
				Message: "the manifest is missing: every file already in the outbox is taken for yours and left alone, unless it holds the draft about to be written; delete the drafts you want written again"})
		}
	case err != nil:
		return nil, nil, fmt.Errorf("outbox: cannot read the manifest: %w", err)
	default:
		// A damaged manifest only means that nothing is known to be ours:
		// the rules then leave every file alone.
		diags = o.readManifest(data)
	}
	o.recoverJournal()
	o.removeTemps()
	return o, diags, nil
}

// Path returns the vault-relative path of the outbox file name.
func (o *Outbox) Path(name string) string { return path.Join(o.dir, name) }

// Read returns the current bytes of the outbox file name.
func (o *Outbox) Read(name string) ([]byte, error) {
	if err := o.safe(name); err != nil {
		return nil, err
	}
	return o.root.ReadFile(o.Path(name))
}

// EditedByHand reports whether the outbox file name exists with bytes other
// than those the tool last wrote there.
func (o *Outbox) EditedByHand(name string) bool {
	data, err := o.Read(name)
	if err != nil {
		return false
	}
	return o.manifest.Files[name].Hash != hashOf(data)
}

// Write puts data into the outbox file name unless it already holds
// exactly that, and records it in the manifest. It reports whether it
// wrote. The file is replaced atomically: a temporary file in the same
// folder, synced, then renamed over it.
//
// The file's bytes may come in pieces, written one after the other.
func (o *Outbox) Write(name string, data ...[]byte) (bool, error) {
	return o.write(name, "", data)
}

func (o *Outbox) write(name, note string, data [][]byte) (bool, error) {
	if err := o.safe(name); err != nil {
		return false, fmt.Errorf("cannot write %w", err)
	}
	full := o.Path(name)
	rec := entry{Hash: hashOf(data...), Note: note}
	old, err := o.root.ReadFile(full)
	if err == nil && equalPieces(old, data) {
		o.record(name, rec)
		return false, nil
	}
	if err == nil && !o.Listed(name) {
		return false, fmt.Errorf("cannot write %s: %w", full, ErrNotOurs)
	}
	if err := o.journal([]File{{Name: name, Note: note}}, []string{rec.Hash}); err != nil {
		return false, err
	}
	if err := o.writeAtomic(name, data...); err != nil {
		return false, err
	}
	o.record(name, rec)
	return true, nil
}

// ErrNotOurs says that a file is in the way that the manifest does not
// list: followup did not write it, so it is never overwritten.
var ErrNotOurs = errors.New("a file that followup did not write is there: it is kept; move it away, or name another file")

// Adopt records the outbox file name, as it is now, as the tool's own:
// for a file known by its content to be the tool's output (a calendar
// with followup's PRODID) when the manifest does not list it.
func (o *Outbox) Adopt(name string) {
	if o.safe(name) != nil {
		return
	}
	if data, err := o.root.ReadFile(o.Path(name)); err == nil {
		o.record(name, entry{Hash: hashOf(data)})
	}
}

func (o *Outbox) record(name string, rec entry) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if cur, ok := o.manifest.Files[name]; !ok || cur != rec {
		o.manifest.set(name, rec)
		o.changed = true
	}
}

// A File is a generated file the outbox should hold.
type File struct {
	Name  string // relative to the outbox, slash-separated
	Note  string // the note it is made from
	Group string // the files of one draft (.eml, .html, .md) share a group
	Data  []byte
}

// SyncStats counts what Put and Prune did.
type SyncStats struct {
	Written, Unchanged, Removed, Kept int
}

// Put writes files: each folder on its own,
// folders in parallel (the files of a draft share a folder).
func (o *Outbox) Put(files []File) (SyncStats, []vault.Diagnostic, error) {
	var (
		st    SyncStats
		diags []vault.Diagnostic
		errs  []error
	)
	hashes := make([]string, len(files))
	vault.Parallel(len(files), func(i int) { hashes[i] = hashOf(files[i].Data) })
	if err := o.journal(files, hashes); err != nil {
		// Nothing is written that the next run could not tell from the
		// user's edits.
		return st, nil, err
	}
	byDir := map[string][]int{}
	for i, f := range files {
		byDir[path.Dir(f.Name)] = append(byDir[path.Dir(f.Name)], i)
	}
	dirs := slices.Sorted(maps.Keys(byDir))
	results := make([]dirResult, len(dirs))
	vault.Parallel(len(dirs), func(i int) { results[i] = o.writeDir(dirs[i], files, hashes, byDir[dirs[i]]) })
	for _, r := range results {
		st.Written += r.written
		st.Unchanged += r.unchanged
		st.Kept += len(r.kept)
		for _, name := range r.kept {
			diags = append(diags, o.edited(name, "edited by hand (or not written by followup): kept as it is, with the rest of its draft; delete it to get a fresh draft"))
		}
		errs = append(errs, r.errs...)
	}
	return st, diags, joinErrors(errs)
}

func (o *Outbox) edited(name, msg string) vault.Diagnostic {
	return vault.Diagnostic{Path: o.Path(name), Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeEditedOutput, Message: msg}
}

// Prune removes the generated files no longer wanted, after Put: of the
// notes in scope (nil: every note), but not of the notes in
// keep, and never a file edited since it was written.
func (o *Outbox) Prune(wanted func(name string) bool, scope []string, keep map[string]bool) (SyncStats, []vault.Diagnostic, error) {
	var (
		st    SyncStats
		diags []vault.Diagnostic
		errs  []error
	)
	warn := func(name, msg string) { diags = append(diags, o.edited(name, msg)) }
	gone := map[string]bool{}
	for _, name := range o.manifest.ofNotes(scope) {
		rec := o.manifest.Files[name]
		if rec.Note == "" || keep[rec.Note] || wanted(name) {
			continue
		}
		if err := o.safe(name); err != nil {
			st.Kept++
			warn(name, "no longer generated, but "+strings.TrimPrefix(err.Error(), o.Path(name)+": ")+"; it is kept")
			continue
		}
		cur, err := o.root.ReadFile(o.Path(name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			gone[name] = true
		case err != nil:
			errs = append(errs, fmt.Errorf("cannot read %s: %w", o.Path(name), err))
		case hashOf(cur) != rec.Hash:
			st.Kept++
			warn(name, "no longer generated, but edited by hand: kept; delete it when you are done with it")
		case looksLikeNote(name, cur):
			st.Kept++
			warn(name, "reads as an interview note (it has an interviewers key), so followup does not remove it")
		default:
			if err := o.root.Remove(o.Path(name)); err != nil {
				errs = append(errs, fmt.Errorf("cannot remove %s: %w", o.Path(name), err))
				continue
			}
			gone[name] = true
			st.Removed++
			// The note's folder goes with its last file, and the temporary
			// files a killed run left there; Remove fails, harmlessly, on a
			// folder that still holds anything else.
			if dir := path.Dir(name); dir != "." && o.root.Remove(o.Path(dir)) != nil {
				o.removeTempsIn(dir)
				_ = o.root.Remove(o.Path(dir))
			}
		}
	}
	if len(gone) > 0 {
		o.manifest.removeAll(gone)
		o.changed = true
	}
	return st, diags, joinErrors(errs)
}

// joinErrors joins errs, saying each once: files of one folder fail alike.
func joinErrors(errs []error) error {
	errs = slices.DeleteFunc(errs, func(e error) bool { return e == nil })
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	errs = slices.CompactFunc(errs, func(a, b error) bool { return a.Error() == b.Error() })
	return errors.Join(errs...)
}

// dirResult is what writeDir did in one folder.
type dirResult struct {
	written, unchanged int
	kept               []string
	errs               []error
}

// writeDir writes the files of one outbox folder (those at idx of all,
// whose hashes are known), with the rules of Put: a draft with a file
// edited by hand (or not the tool's) is left as it is, whole. The folder
// is opened once, read once, and synced once; a folder that is a
// symbolic link is never written through.
func (o *Outbox) writeDir(dir string, all []File, hashes []string, idx []int) dirResult {
	var r dirResult
	full := o.Path(dir)
	if err := o.noLinks(dir); err != nil {
		r.errs = append(r.errs, fmt.Errorf("cannot write the folder %w", err))
		return r
	}
	if err := o.root.MkdirAll(full, 0o755); err != nil {
		r.errs = append(r.errs, fmt.Errorf("cannot create the folder %s: %w", full, vault.Cause(err)))
		return r
	}
	d, err := o.root.OpenRoot(full)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("cannot open the folder %s: %w", full, vault.Cause(err)))
		return r
	}
	defer d.Close()
	// The folder opened must be the one at its name, no link: one swapped
	// for a link between the look and the open is refused too.
	opened, err := d.Stat(".")
	named, lerr := o.root.Lstat(full)
	if err != nil || lerr != nil || !named.IsDir() || !os.SameFile(opened, named) {
		r.errs = append(r.errs, fmt.Errorf("cannot write the folder %s: %w", full, errLink))
		return r
	}
	present := map[string]fs.FileMode{}
	if entries, err := fs.ReadDir(d.FS(), "."); err == nil {
		for _, e := range entries {
			present[e.Name()] = e.Type()
			// Left by a run that was killed: the lock says none is
			// running now.
			if strings.HasPrefix(e.Name(), TempPrefix) && e.Type().IsRegular() {
				_ = d.Remove(e.Name())
			}
		}
	}
	files := make([]File, len(idx))
	for k, i := range idx {
		files[k] = all[i]
	}
	current := make([][]byte, len(files))
	edited := map[string]bool{} // groups with a file edited by hand
	for i, f := range files {
		base := path.Base(f.Name)
		mode, ok := present[base]
		switch {
		case !ok:
			continue
		case !mode.IsRegular():
			// A link, a folder, a pipe: never the tool's, never followed.
			edited[cmp.Or(f.Group, f.Name)] = true
			r.kept = append(r.kept, f.Name)
			continue
		}
		cur, err := d.ReadFile(base)
		if err != nil {
			r.errs = append(r.errs, fmt.Errorf("cannot read %s: %w", o.Path(f.Name), vault.Cause(err)))
			edited[cmp.Or(f.Group, f.Name)] = true // unknown: leave the draft alone
			continue
		}
		current[i] = cur
		if bytes.Equal(cur, f.Data) {
			continue
		}
		o.mu.Lock()
		rec, ours := o.manifest.Files[f.Name]
		o.mu.Unlock()
		if !ours || rec.Hash != hashOf(cur) || looksLikeNote(f.Name, cur) {
			edited[cmp.Or(f.Group, f.Name)] = true
			r.kept = append(r.kept, f.Name)
		}
	}
	wrote := false
	for i, f := range files {
		if edited[cmp.Or(f.Group, f.Name)] {
			continue
		}
		rec := entry{Hash: hashes[idx[i]], Note: f.Note}
		if current[i] != nil && bytes.Equal(current[i], f.Data) {
			o.record(f.Name, rec)
			r.unchanged++
			continue
		}
		st, err := writeIn(d, path.Base(f.Name), [][]byte{f.Data}, o.fault)
		if err != nil {
			r.errs = append(r.errs, fmt.Errorf("cannot write %s: %w", o.Path(f.Name), vault.Cause(err)))
			continue
		}
		o.wroteStat(f.Name, st)
		o.record(f.Name, rec)
		r.written++
		wrote = true
	}
	if wrote {
		// Sync the folder once, so that the renames survive a crash.
		fsyncDir(d)
	}
	return r
}

// writeIn writes data to the file name of the folder d atomically: a
// temporary file, synced, then renamed over it. It returns the Stat of
// the file written. The bytes are the pieces of data, in order.
func writeIn(d *os.Root, name string, data [][]byte, fault func(step, name string) error) (vault.Stat, error) {
	tmp, st, err := prepareIn(d, name, data, fault)
	if err == nil {
		err = commitIn(d, tmp, name, fault)
	}
	return st, err
}

// prepareIn is the first half of writeIn: the temporary file, written,
// synced and closed. It returns its name and Stat.
func prepareIn(d *os.Root, name string, data [][]byte, fault func(step, name string) error) (string, vault.Stat, error) {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := TempPrefix + hex.EncodeToString(rnd[:])
	f, err := d.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", vault.Stat{}, err
	}
	var st vault.Stat
	if fault != nil {
		err = fault("write", name)
	}
	for _, piece := range data {
		if err != nil {
			break
		}
		_, err = f.Write(piece)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		// Renaming the file changes neither its size nor its time.
		var info fs.FileInfo
		if info, err = f.Stat(); err == nil {
			st = vault.StatOf(info)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil && !killed(err) {
		_ = d.Remove(tmp)
	}
	return tmp, st, err
}

// commitIn is the second half of writeIn: the temporary file tmp renamed
// over name.
func commitIn(d *os.Root, tmp, name string, fault func(step, name string) error) error {
	var err error
	if fault != nil {
		err = fault("rename", name)
	}
	if err == nil {
		err = d.Rename(tmp, name)
	}
	if err != nil && !killed(err) {
		_ = d.Remove(tmp)
	}
	return err
}

func (o *Outbox) wroteStat(name string, st vault.Stat) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.wrote == nil {
		o.wrote = map[string]vault.Stat{}
	}
	o.wrote[name] = st
}

// Written returns the Stat of the outbox file name just after this Outbox
// last wrote it, if it did.
func (o *Outbox) Written(name string) (vault.Stat, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	st, ok := o.wrote[name]
	return st, ok
}

// killed reports whether err, from a test's fault hook, stands for the
// process killed at that point: nothing more happens, not even cleaning
// up.
func killed(err error) bool {
	var k interface{ Killed() bool }
	return errors.As(err, &k) && k.Killed()
}

func sortedKeys(m map[string]entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Ours reports whether the outbox file name holds what the manifest says
// the tool wrote there.
func (o *Outbox) Ours(name string) bool {
	data, err := o.Read(name)
	return err == nil && o.manifest.Files[name].Hash == hashOf(data)
}

// Listed reports whether the manifest lists the file name: the tool wrote
// it.
func (o *Outbox) Listed(name string) bool {
	_, ok := o.manifest.Files[name]
	return ok
}

// FilesOf returns the outbox files the manifest lists for the note at
// the vault path note, sorted.
func (o *Outbox) FilesOf(note string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.manifest.indexNotes()
	return slices.Sorted(maps.Keys(o.manifest.byNote[note]))
}

// Names returns the names of the files the manifest lists.
func (o *Outbox) Names() []string { return slices.Clone(o.manifest.sorted()) }

// WriteState writes a file of the tool's own into the outbox, atomically,
// without listing it in the manifest: it is no output, and a later run
// may delete it.
func (o *Outbox) WriteState(name string, data []byte) error { return o.writeAtomic(name, data) }

// RemoveState removes such a file, if it is there.
func (o *Outbox) RemoveState(name string) { _ = o.root.Remove(o.Path(name)) }

// Warm makes the manifest's encoding and its index of files by note, as
// saving and pruning would, so that the next of them is quick.
func (o *Outbox) Warm() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.manifest.pieces()
	o.manifest.ofNotes([]string{})
}

// Close saves the manifest if anything changed.
func (o *Outbox) Close() error {
	if o.changed {
		if err := o.writeAtomic(ManifestFile, o.manifest.pieces()...); err != nil {
			return err
		}
		o.changed = false
	}
	// The manifest lists every file the journal named that was written.
	o.endJournal()
	return nil
}

// pieces encodes the manifest as JSON, one file a line, sorted, in
// pieces whose concatenation is the file. It is rewritten after every
// change, so it must be quick to write for tens of thousands of files,
// and it should stay readable.
func (m *manifest) pieces() [][]byte {
	names := m.sorted()
	if len(m.lines) != len(names) {
		m.lines = make([][]byte, len(names))
	}
	for i, name := range names {
		if m.lines[i] == nil {
			rec := m.Files[name]
			line := []byte("\n  ")
			line = appendJSONString(line, name)
			line = append(line, `: {"hash": `...)
			line = appendJSONString(line, rec.Hash)
			if rec.Note != "" {
				line = append(line, `, "note": `...)
				line = appendJSONString(line, rec.Note)
			}
			m.lines[i] = append(line, '}')
		}
	}
	n := (len(names) + chunkLines - 1) / chunkLines
	m.chunks = slices.Grow(m.chunks[:min(n, len(m.chunks))], n)[:n]
	pieces := make([][]byte, 0, n+2)
	pieces = append(pieces, fmt.Appendf(nil, "{\"version\": %d, \"files\": {", m.Version))
	for k := range m.chunks {
		c := &m.chunks[k]
		lines := m.lines[k*chunkLines : min((k+1)*chunkLines, len(names))]
		if !sameLines(c.lines, lines) {
			size := 0
			for _, line := range lines {
				size += len(line) + 1
			}
			data := make([]byte, 0, size)
			for i, line := range lines {
				if k > 0 || i > 0 {
					data = append(data, ',')
				}
				data = append(data, line...)
				// The line is kept as a part of the chunk, not twice.
				lines[i] = data[len(data)-len(line) : len(data) : len(data)]
			}
			c.lines, c.data = slices.Clone(lines), data
		}
		pieces = append(pieces, c.data)
	}
	if len(names) > 0 {
		return append(pieces, []byte("\n}}\n"))
	}
	return append(pieces, []byte("}}\n"))
}

// sameLines reports whether a and b hold the very same lines: a line is
// never changed, only replaced.
func sameLines(a, b [][]byte) bool {
	return slices.EqualFunc(a, b, func(x, y []byte) bool { return len(x) == len(y) && &x[0] == &y[0] })
}

// encode returns the manifest file.
func (m *manifest) encode() []byte { return bytes.Join(m.pieces(), nil) }

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(out []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// writeAtomic writes the outbox file name as writeIn does, then syncs its
// folder.
func (o *Outbox) writeAtomic(name string, data ...[]byte) error {
	d, err := o.openDir(name)
	if err != nil {
		return err
	}
	defer d.Close()
	st, err := writeIn(d, path.Base(name), data, o.fault)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", o.Path(name), vault.Cause(err))
	}
	o.wroteStat(name, st)
	fsyncDir(d)
	return nil
}

// openDir opens the folder of the outbox file name, creating it.
func (o *Outbox) openDir(name string) (*os.Root, error) {
	if err := o.safe(name); err != nil {
		return nil, fmt.Errorf("cannot write %w", err)
	}
	dir := path.Dir(o.Path(name))
	if err := o.root.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the folder %s: %w", dir, vault.Cause(err))
	}
	d, err := o.root.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the folder %s: %w", dir, vault.Cause(err))
	}
	return d, nil
}

// fsyncDir syncs the folder d, so that the renames in it survive a crash.
func fsyncDir(d *os.Root) {
	if f, err := d.Open("."); err == nil {
		_ = f.Sync()
		f.Close()
	}
}

// CloseWith is Replace(name, data...) and Close at once, for a file known
// to hold other bytes, whose hash sum returns (the calendar, which knows
// what changed): the file is written while the hash is taken and the
// manifest written, and the manifest is renamed into place after the
// file, so that it never lists bytes the file does not hold.
func (o *Outbox) CloseWith(name string, sum func() [sha256.Size]byte, data ...[]byte) error {
	old, had := o.manifest.Files[name]
	hash := formatHash(sum())
	if err := o.journal([]File{{Name: name}}, []string{hash}); err != nil {
		return o.closeAfter(name, old, had, err)
	}
	d, err := o.openDir(name)
	if err != nil {
		return o.closeAfter(name, old, had, err)
	}
	defer d.Close()
	var (
		tmp  string
		st   vault.Stat
		werr error
		wg   sync.WaitGroup
	)
	wg.Go(func() { tmp, st, werr = prepareIn(d, path.Base(name), data, o.fault) })
	o.record(name, entry{Hash: hash})
	manifest := o.manifest.pieces()
	var mtmp string
	md, merr := o.openDir(ManifestFile)
	if merr == nil {
		defer md.Close()
		mtmp, _, merr = prepareIn(md, ManifestFile, manifest, o.fault)
	}
	wg.Wait()
	if werr == nil {
		werr = commitIn(d, tmp, path.Base(name), o.fault)
	}
	if werr != nil {
		// The file keeps its old bytes: so must the manifest.
		if merr == nil {
			_ = md.Remove(mtmp)
		}
		return o.closeAfter(name, old, had, werr)
	}
	o.wroteStat(name, st)
	fsyncDir(d)
	if merr == nil {
		merr = commitIn(md, mtmp, ManifestFile, o.fault)
	}
	if merr != nil {
		return fmt.Errorf("cannot write %s: %w", o.Path(ManifestFile), vault.Cause(merr))
	}
	o.changed = false
	fsyncDir(md)
	o.endJournal()
	return nil
}

// closeAfter is Close after name could not be written: its manifest
// record is what it was.
func (o *Outbox) closeAfter(name string, old entry, had bool, err error) error {
	if had {
		o.record(name, old)
	} else {
		o.mu.Lock()
		o.manifest.remove(name)
		o.mu.Unlock()
	}
	return errors.Join(fmt.Errorf("cannot write %s: %w", o.Path(name), vault.Cause(err)), o.Close())
}

// hashOf returns the hash of the concatenation of data, as the manifest
// records it.
func hashOf(data ...[]byte) string {
	var sum [sha256.Size]byte
	if len(data) == 1 {
		sum = sha256.Sum256(data[0])
	} else {
		h := sha256.New()
		for _, piece := range data {
			h.Write(piece)
		}
		h.Sum(sum[:0])
	}
	return formatHash(sum)
}

// formatHash is how the manifest writes a hash.
func formatHash(sum [sha256.Size]byte) string { return "sha256:" + hex.EncodeToString(sum[:]) }

// equalPieces reports whether b is the concatenation of pieces.
func equalPieces(b []byte, pieces [][]byte) bool {
	for _, p := range pieces {
		if len(p) > len(b) || !bytes.Equal(b[:len(p)], p) {
			return false
		}
		b = b[len(p):]
	}
	return len(b) == 0
}
