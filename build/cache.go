package build

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync/atomic"
	"time"

	"followup/calendar"
	"followup/outbox"
	"followup/render"
	"followup/vault"
)

// CacheFile is where build keeps, in the outbox, what it needs to find
// next time that nothing changed: the version of every note (size and
// modification time), of every file it wrote, and the problems it
// reported. When everything is as it was, a build reads no note and
// writes nothing. It is no output: it is not in the manifest, and any run
// may delete it.
const CacheFile = ".followup-cache"

// racyWindow is more than the granularity of file systems' clocks.
const racyWindow = 50 * time.Millisecond

// cacheVersion changes whenever what the cache holds changes meaning.
const cacheVersion = 1

// A Cache is what the last build recorded, found still true.
type Cache struct {
	Version int
	Key     string // the tool, followup.yaml, the templates, the local zone
	Entries []vault.Entry
	Outputs map[string]vault.Stat // outbox-relative: the manifest and every file it lists
	Diags   []vault.Diagnostic    // what the build reported, but overdue and manifest warnings
	Dues    []calendar.Due
	Notes   int // interview notes
	Drafts  int // draft files
	Events  int
}

// CacheKey identifies what, besides the notes, decides a build's outputs:
// the program itself, followup.yaml, the templates, and the local time
// zone (the default zone).
func CacheKey(fsys fs.FS, cfg *vault.Config) string {
	h := sha256.New()
	h.Write([]byte{cacheVersion})
	// The program: how it was built, and its file's version. Reading all
	// of it took a tenth of a no-op build.
	if info, ok := debug.ReadBuildInfo(); ok {
		h.Write([]byte(info.String()))
	}
	if exe, err := os.Executable(); err == nil {
		if info, err := os.Stat(exe); err == nil {
			fmt.Fprintf(h, "\x00%s\x00%d\x00%d\x00", exe, info.Size(), info.ModTime().UnixNano())
		}
	}
	data, _ := fs.ReadFile(fsys, vault.ConfigFile)
	h.Write(data)
	h.Write([]byte{0})
	h.Write([]byte(time.Local.String() + "\x00" + os.Getenv("TZ") + "\x00"))
	tmpls, _ := render.LoadTemplates(fsys, cfg.Templates)
	h.Write([]byte(tmpls.Key()))
	return hex.EncodeToString(h.Sum(nil))
}

// LoadCache returns the cache of the last build of v when nothing it
// records changed since: the same key, the same notes (entries returns
// them, as scanned meanwhile), and every output as it was written.
// Otherwise it returns nil.
func LoadCache(v Vault, key string, entries func() []vault.Entry) *Cache {
	data, err := v.Root.ReadFile(path.Join(v.Config.Outbox, CacheFile))
	if err != nil {
		return nil
	}
	var c Cache
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&c) != nil || c.Version != cacheVersion || c.Key != key {
		return nil
	}
	names := make([]string, 0, len(c.Outputs))
	for name := range c.Outputs {
		// The cache comes from disk: a name that is no output is not
		// looked at, and the cache not trusted.
		if name != outbox.ManifestFile && !outbox.OutputName(name) {
			return nil
		}
		names = append(names, name)
	}
	stats := statOutputs(v, names)
	for i, name := range names {
		if stats[i] == nil || *stats[i] != c.Outputs[name] {
			return nil
		}
	}
	if !slices.EqualFunc(c.Entries, entries(), vault.Entry.Same) {
		return nil
	}
	return &c
}

// statOutputs returns the Stat of each outbox file named, nil for one that
// cannot be read, on every core: there are tens of thousands of them.
func statOutputs(v Vault, names []string) []*vault.Stat {
	stats := make([]*vault.Stat, len(names))
	dir := filepath.Join(v.Dir, filepath.FromSlash(v.Config.Outbox))
	vault.Parallel(len(names), func(i int) {
		if info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(names[i]))); err == nil && info.Mode().IsRegular() {
			st := vault.StatOf(info)
			stats[i] = &st
		}
	})
	return stats
}

// SaveCache records the build p for the next one. A build that kept a
// file edited by hand, or failed to write, records nothing: the next
// build must look again, and say so again.
func (e *Engine) SaveCache(key string, p *Pass, failed bool) {
	if failed || p.Sync.Kept > 0 || slices.ContainsFunc(p.Diags, func(d vault.Diagnostic) bool { return d.Code == vault.CodeEditedOutput }) {
		e.ob.RemoveState(CacheFile)
		return
	}
	c := Cache{Version: cacheVersion, Key: key, Outputs: map[string]vault.Stat{}, Notes: len(e.v.Notes) + len(e.v.Failed), Events: e.feed.Len()}
	for _, q := range slices.Sorted(maps.Keys(e.entries)) {
		c.Entries = append(c.Entries, e.entries[q])
	}
	// A file changed within the granularity of its file system's clock
	// may change again without its size or time changing. Such a note
	// makes the cache useless: it may have been saved while the build
	// read it.
	window := cmp.Or(e.opts.RacyWindow, racyWindow)
	racy := func(st vault.Stat, since time.Time) bool { return st.ModTime >= since.Add(-window).UnixNano() }
	for _, en := range c.Entries {
		if racy(en.Stat, p.Started) {
			e.ob.RemoveState(CacheFile)
			return
		}
	}
	// An output is recorded by its Stat only when that tells it is the
	// tool's. One this build wrote: as it was just after, and not so
	// recent that it could change again unseen (git's "racily clean"
	// rule). One it found as it should be: not changed since the build
	// began, as before. Otherwise it is read to be sure. A cold build
	// reads back none of the files it wrote.
	names := append(e.ob.Names(), outbox.ManifestFile)
	statted := time.Now()
	stats := statOutputs(e.vlt, names)
	var verify []string
	for i, name := range names {
		if stats[i] == nil {
			e.ob.RemoveState(CacheFile)
			return
		}
		st := *stats[i]
		c.Outputs[name] = st
		if name == outbox.ManifestFile {
			continue
		}
		wrote, ok := e.ob.Written(name)
		if ok && (wrote != st || racy(st, statted)) || !ok && racy(st, p.Started) {
			verify = append(verify, name)
		}
	}
	var foreign atomic.Bool
	vault.Parallel(len(verify), func(i int) {
		if !e.ob.Ours(verify[i]) {
			foreign.Store(true)
		}
	})
	if foreign.Load() {
		e.ob.RemoveState(CacheFile)
		return
	}
	c.Drafts = p.Sync.Written + p.Sync.Unchanged // what a build says it wrote or found unchanged
	// Overdue warnings depend on the time; the manifest's are said once,
	// as the build that found them saved it mended.
	c.Diags = slices.DeleteFunc(slices.Clone(p.Diags), func(d vault.Diagnostic) bool {
		return d.Code == vault.CodeOverdue || d.Code == vault.CodeManifest
	})
	c.Dues = calendar.DuesOf(e.v.Notes, e.v.Config)
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(&c) != nil || e.ob.WriteState(CacheFile, buf.Bytes()) != nil {
		e.ob.RemoveState(CacheFile)
	}
}
