package vault

import (
	"cmp"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sync"
)

// This file splits Open into steps a long-running process can redo one
// file at a time: Scan lists the Markdown files with what identifies their
// version, ParseFile reads one, and Assemble makes a Vault of the results,
// with the checks that look across notes.

// A Stat identifies a version of a file without reading it: when neither
// its size nor its modification time changed, neither did the file.
type Stat struct {
	Size    int64
	ModTime int64 // nanoseconds since 1970
}

// StatOf returns the Stat of info.
func StatOf(info fs.FileInfo) Stat {
	return Stat{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
}

// An Entry is a Markdown file of the vault that may be a note.
type Entry struct {
	Path   string      // relative to the vault, slash-separated
	Target string      // for a symbolic link, the vault path it leads to
	Err    *Diagnostic // a file that is reported rather than read
	Stat   Stat        // of the file read: a link's target
}

// Same reports whether e and o are the same version of the same file: the
// one rule by which a build and the cache decide that a file changed. A
// file reported rather than read is the same while its problem is.
func (e Entry) Same(o Entry) bool {
	if e.Path != o.Path || e.Target != o.Target || e.Stat != o.Stat || (e.Err == nil) != (o.Err == nil) {
		return false
	}
	return e.Err == nil || *e.Err == *o.Err
}

func (e Entry) file() file { return file{path: e.Path, target: e.Target, err: e.Err} }

// Scan lists the Markdown files of the vault that may be notes, as Open
// reads them, sorted by path.
func Scan(fsys fs.FS, cfg *Config) []Entry { return ScanUnder(fsys, cfg, ".") }

// ScanUnder lists the Markdown files that may be notes at or under the
// vault path root, a file or a folder, as Scan lists them there: none
// when root is skipped, gone, or reached through a link to a folder.
func ScanUnder(fsys fs.FS, cfg *Config, root string) []Entry {
	if cfg.Skip(root) {
		return nil
	}
	v := &Vault{Config: cfg}
	files := v.walk(fsys, root)
	entries := make([]Entry, len(files))
	for i, f := range files {
		entries[i] = Entry{Path: f.path, Target: f.target, Err: f.err, Stat: f.stat}
		if f.err == nil && f.target != "" {
			if info, err := fs.Stat(fsys, cmp.Or(f.target, f.path)); err == nil {
				entries[i].Stat = StatOf(info)
			}
		}
	}
	return entries
}

// Skip reports whether the vault path p is never read as a note, nor
// anything under it, because it or a folder it is in is hidden, the
// outbox, the templates, or ignored.
func (c *Config) Skip(p string) bool {
	v := &Vault{Config: c}
	for p != "." && p != "/" && p != "" {
		if v.skip(p) {
			return true
		}
		p = path.Dir(p)
	}
	return false
}

// EntryPaths returns the paths of entries.
func EntryPaths(entries []Entry) []string {
	paths := make([]string, len(entries))
	for i, e := range entries {
		paths[i] = e.Path
	}
	return paths
}

// ReadVia returns a function that reads the note at a path of entries,
// through its target for a symbolic link, for NewIndex.
func ReadVia(fsys fs.FS, entries []Entry) func(string) ([]byte, error) {
	byPath := make(map[string]Entry, len(entries))
	for _, e := range entries {
		byPath[e.Path] = e
	}
	return func(p string) ([]byte, error) { return ReadEntry(fsys, byPath[p], p) }
}

// ReadEntry reads the note at vault path p, whose entry is e (the zero
// Entry when it has none), through its target for a symbolic link.
func ReadEntry(fsys fs.FS, e Entry, p string) ([]byte, error) {
	return readNote(fsys, cmp.Or(e.Target, p))
}

// A FileResult is what ParseFile made of one file.
type FileResult struct {
	Path  string
	Note  *Note        // an interview note, decoded; nil for any other file
	Diags []Diagnostic // the file's own problems
	// Contact is what an ordinary note's front matter gives of a person
	// at a company, for guessing the company's address pattern.
	Contact *Person
	// People are the person notes the note's links led to, and Links the
	// keys (LinkKey) of every link it has, found or not.
	People []string
	Links  []string
}

// Interview reports whether the file is an interview note, with or
// without errors.
func (r *FileResult) Interview() bool { return r.Note != nil || HasErrors(r.Diags) }

// ParseFile reads the file of e. It is safe to call for several files at
// once with one Index.
func ParseFile(fsys fs.FS, e Entry, cfg *Config, x *Index) *FileResult {
	d := &diags{path: e.Path}
	ps := &people{Index: x}
	note, contact := readInterview(d, fsys, e.file(), cfg, ps)
	slices.Sort(ps.used)
	slices.Sort(ps.links)
	return &FileResult{Path: e.Path, Note: note, Diags: d.list, Contact: contact,
		People: slices.Compact(ps.used), Links: slices.Compact(ps.links)}
}

// Assemble makes the Vault of results (sorted by path), adding the checks
// that look across notes: ids given twice, missing addresses with the
// company's pattern, and the problems of the person notes linked to.
func Assemble(cfg *Config, results []*FileResult, x *Index) *Vault {
	a := NewAssembler(cfg, x)
	for _, r := range results {
		a.Set(r)
	}
	return a.Vault(nil)
}

// Parallel calls f(0) … f(n-1) on as many goroutines as there are cores.
func Parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}
