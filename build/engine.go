// Package build turns a vault into its outbox and calendar, redoing only
// what changed. An Engine keeps, note by note, what it read and made, so
// that a watcher's rebuild reads the notes a save touched, renders the
// notes that depend on them, writes the drafts whose bytes changed and
// the calendar when its events did. The cache lets a build in a new
// process find that nothing changed without reading a note.
//
// One build is these steps, each a method below: scan what changed on
// disk (scan), find the notes that depend on it (dependents), read them
// (parse), load the templates (templates), choose the notes whose drafts
// may change (toRender), render their drafts and write them (render),
// remove the drafts no longer wanted (prune), and bring the calendar up
// to date (calendar).
// Libraries never print: a build returns a Pass that says what it did.
package build

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"followup/calendar"
	"followup/outbox"
	"followup/render"
	"followup/vault"
)

// A Vault is the vault an Engine reads, and where it writes.
type Vault struct {
	Dir    string   // on disk, for the cache's quick look at the outputs
	Root   *os.Root // Dir, through which the outbox is written
	FS     fs.FS    // Dir, through which notes are read
	Config *vault.Config
}

// Options are what tests change of an Engine; the zero value is what the
// program uses.
type Options struct {
	// Chunk, when not 0, is how many notes are rendered before their
	// drafts are written, instead of 512: tests make it small.
	Chunk int
	// RacyWindow, when not 0, replaces racyWindow: tests make it
	// negative to see what a cache trusted.
	RacyWindow time.Duration
}

// An Engine builds the outbox and the calendar of one vault and keeps
// what it made, note by note, so that the next build redoes only what
// changed: the notes whose files changed, the notes that link to a person
// note that changed or to a name that appeared or went, and every note
// when the templates change. A change of followup.yaml needs a new Engine.
type Engine struct {
	vlt  Vault
	opts Options
	cfg  *vault.Config
	ob   *outbox.Outbox
	// obDiags are the outbox's problems found on opening it, reported by
	// the first build.
	obDiags []vault.Diagnostic
	feed    *calendar.Feed
	index   *vault.Index

	tmpls     *render.Templates
	tmplDiags []vault.Diagnostic

	entries map[string]vault.Entry
	links   map[string]string // the target of each entry that is a symbolic link
	// usedBy holds, for each person note and (after linkUse) each link
	// key a note's links looked up, the notes that did.
	usedBy  map[string]map[string]bool
	paths   []string             // of entries, sorted
	renders map[string]*rendered // by note path
	broken  map[string]bool      // the notes whose drafts could not be made
	asm     *vault.Assembler     // the result of every file read, and the checks across them
	v       *vault.Vault         // as last assembled
	// calKnown: the calendar file holds the feed's last pieces.
	calKnown bool
	// calWrites counts the times the calendar changed, for serve.
	calWrites int
	started   bool
	scanned   []vault.Entry     // the vault as scanned already, for the next full build
	slugs     map[string]string // the folder name of each note path
	folders   map[string]string // the outbox folder of each interview note
}

// rendered is what became of a note's drafts.
type rendered struct {
	files  []string // the outbox files made
	folder string
	diags  []vault.Diagnostic
	broken bool // a draft could not be made: the note keeps its outputs
}

// A Pass says what one build did.
type Pass struct {
	Changed  []string // vault paths that changed, were added or went
	Parsed   int
	Rendered int
	Notes    int // interview notes in the vault, with errors or not
	Sync     outbox.SyncStats
	Calendar string // what became of the calendar
	Diags    []vault.Diagnostic
	Touched  map[string]bool // the paths this pass read or rendered
	Started  time.Time       // before the vault was scanned
	Took     time.Duration
}

// Open opens the outbox of v, whose configuration is loaded, for an
// Engine. The caller holds the outbox's lock.
func Open(v Vault, opts Options) (*Engine, error) {
	ob, obDiags, err := outbox.Open(v.Root, v.Config.Outbox)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		vlt: v, opts: opts, cfg: v.Config, ob: ob, obDiags: obDiags,
		entries: map[string]vault.Entry{}, links: map[string]string{}, usedBy: map[string]map[string]bool{},
		renders: map[string]*rendered{}, broken: map[string]bool{}, slugs: map[string]string{},
	}
	// Person notes are read through the entries as they are at the time.
	e.index = vault.NewIndex(nil, func(p string) ([]byte, error) { return vault.ReadEntry(v.FS, e.entries[p], p) })
	e.asm = vault.NewAssembler(v.Config, e.index)
	return e, nil
}

// Started reports whether the Engine built once already.
func (e *Engine) Started() bool { return e.started }

// Scanned gives the Engine the vault as scanned already, so that its
// first build does not scan it again.
func (e *Engine) Scanned(entries []vault.Entry) { e.scanned = entries }

// Vault returns the vault as the last build read it: its notes without
// errors, the paths of those with errors, and the configuration.
func (e *Engine) Vault() *vault.Vault { return e.v }

// Outbox returns the outbox the Engine writes, for what reads it after a
// build (push).
func (e *Engine) Outbox() *outbox.Outbox { return e.ob }

// Calendar returns the calendar's bytes as last built, nil before the
// first build, and a number that changes each time they change.
func (e *Engine) Calendar() ([]byte, int) {
	if e.feed == nil {
		return nil, e.calWrites
	}
	return e.feed.Bytes(), e.calWrites
}

// linkUse starts the keys of usedBy that are link keys, not paths.
const linkUse = "\x00"

// setResult records r as the result of the vault path q; nil forgets it.
func (e *Engine) setResult(q string, r *vault.FileResult) {
	use := func(old *vault.FileResult, add bool) {
		if old == nil {
			return
		}
		for i, keys := range [][]string{old.People, old.Links} {
			for _, k := range keys {
				if i == 1 {
					k = linkUse + k
				}
				switch {
				case add && e.usedBy[k] == nil:
					e.usedBy[k] = map[string]bool{q: true}
				case add:
					e.usedBy[k][q] = true
				default:
					delete(e.usedBy[k], q)
					if len(e.usedBy[k]) == 0 {
						delete(e.usedBy, k)
					}
				}
			}
		}
	}
	use(e.asm.Result(q), false)
	use(r, true)
	if r == nil {
		e.asm.Remove(q)
	} else {
		e.asm.Set(r)
	}
}

// liveIn returns the notes without errors among paths, sorted by path.
func (e *Engine) liveIn(paths map[string]bool) []*vault.Note {
	var notes []*vault.Note
	for _, q := range slices.Sorted(maps.Keys(paths)) {
		if n := e.asm.Live(q); n != nil {
			notes = append(notes, n)
		}
	}
	return notes
}

// setRender records r as what became of the drafts of the note at q; nil
// forgets it.
func (e *Engine) setRender(q string, r *rendered) {
	if r == nil {
		delete(e.renders, q)
	} else {
		e.renders[q] = r
	}
	if r != nil && r.broken {
		e.broken[q] = true
	} else {
		delete(e.broken, q)
	}
}

// under returns the paths of the entries that are root or under it, as
// a new slice.
func (e *Engine) under(root string) []string {
	var qs []string
	if _, ok := e.entries[root]; ok {
		qs = append(qs, root)
	}
	// "/" + 1 is "0": what starts with root+"/" sorts between the two.
	lo, _ := slices.BinarySearch(e.paths, root+"/")
	hi, _ := slices.BinarySearch(e.paths, root+"0")
	return append(qs, e.paths[lo:hi]...)
}

// Build brings the outbox and the calendar up to date. With paths nil it
// scans the whole vault; otherwise it looks only at those vault paths
// (files or folders, present or gone), as a watcher reports them.
//
// A build stops soon after ctx is done (Ctrl-C): between notes as it reads
// and renders them, and between chunks as it writes. What it wrote is
// whole, and in the manifest; the calendar is left as it was. It then
// returns ctx's error, and the Engine is not to be used again.
func (e *Engine) Build(ctx context.Context, paths []string, now time.Time) (*Pass, error) {
	start := time.Now()
	p := &Pass{Touched: map[string]bool{}, Started: start}
	first := !e.started
	e.started = true

	ch := e.scan(paths)
	p.Changed = slices.Concat(slices.Sorted(maps.Keys(ch.dirty)), ch.gone)
	dirty := e.dependents(ch)
	foldersStale, err := e.parse(ctx, dirty, ch.gone, p)
	if err != nil {
		return nil, interrupted(err, nil)
	}
	// A watcher's rebuild reports on what it read and rendered, and on the
	// notes that broke or mended because of it (an id taken, or freed),
	// which the Assembler adds; the first build reports everything.
	var shown map[string]bool
	if !first {
		shown = p.Touched
	}
	v := e.asm.Vault(shown)
	e.v = v
	p.Notes = len(v.Notes) + len(v.Failed)
	// The notes whose drafts and events may change: those read, or that
	// broke or mended.
	fresh := v.Notes
	if !first {
		fresh = e.liveIn(p.Touched)
	}
	tmplChanged := e.templates(first, p)
	if foldersStale {
		e.folders = Folders(v, e.slugs)
	}

	var errs []error
	toRender := e.toRender(first, tmplChanged, foldersStale, fresh, p)
	written, syncDiags, err := e.render(ctx, toRender, p)
	if err != nil {
		// The chunks before are written: the manifest must say so.
		return nil, interrupted(err, e.ob.Close())
	}
	errs = append(errs, written...)
	// A note that went keeps nothing, even if its drafts were broken.
	for _, q := range ch.gone {
		e.setRender(q, nil)
	}
	keep := v.Keep()
	for q := range e.broken {
		keep[q] = true
	}
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err, e.ob.Close())
	}
	ds, err := e.prune(first, toRender, ch.gone, keep, p)
	syncDiags = append(syncDiags, ds...)
	errs = append(errs, err)

	calDiags, err := e.calendar(first, fresh, ch.gone, keep, now, p)
	if e.feed == nil {
		// The drafts are written: the manifest must say so.
		return nil, errors.Join(append(errs, err, e.ob.Close())...)
	}
	errs = append(errs, err)

	reported := v.Notes
	if !first {
		reported = e.liveIn(p.Touched) // now with the notes rendered
	}
	all := slices.Concat(v.Diagnostics, e.tmplDiags, syncDiags, calDiags, calendar.Overdue(calendar.DuesOf(reported, e.cfg), now, e.cfg))
	if first {
		all = append(all, e.obDiags...)
	}
	for _, n := range reported {
		all = append(all, e.renders[n.Path].diags...)
	}
	p.Diags = vault.Tidy(all, e.cfg)
	p.Took = time.Since(start)
	return p, errors.Join(errs...)
}

// changes are what a scan found changed on disk.
type changes struct {
	dirty    map[string]bool // vault paths added or changed
	gone     []string        // vault paths that went, sorted
	linkKeys map[string]bool // names that appeared or went
}

// scan brings the entries up to date: everything, or what is under the
// paths given.
func (e *Engine) scan(paths []string) changes {
	ch := changes{dirty: map[string]bool{}, linkKeys: map[string]bool{}}
	update := func(q string, en vault.Entry) {
		was, ok := e.entries[q]
		switch {
		case !ok:
			e.index.Add(q)
			ch.linkKeys[vault.LinkKey(q)] = true
			ch.dirty[q] = true
			i, _ := slices.BinarySearch(e.paths, q)
			e.paths = slices.Insert(e.paths, i, q)
		case !was.Same(en):
			e.index.Forget(q)
			ch.dirty[q] = true
		}
		e.entries[q] = en
		if en.Target != "" {
			e.links[q] = en.Target
		} else {
			delete(e.links, q)
		}
	}
	remove := func(q string) {
		ch.gone = append(ch.gone, q)
		e.index.Remove(q)
		ch.linkKeys[vault.LinkKey(q)] = true
		delete(e.entries, q)
		delete(e.links, q)
		if i, found := slices.BinarySearch(e.paths, q); found {
			e.paths = slices.Delete(e.paths, i, i+1)
		}
	}
	if paths == nil {
		scanned := e.scanned
		if scanned == nil {
			scanned = vault.Scan(e.vlt.FS, e.cfg)
		}
		e.scanned = nil
		fresh := make(map[string]bool, len(scanned))
		for _, en := range scanned {
			fresh[en.Path] = true
		}
		for q := range e.entries {
			if !fresh[q] {
				remove(q)
			}
		}
		for _, en := range scanned {
			update(en.Path, en)
		}
	} else {
		// A symbolic link is an entry of its own path, with its target's
		// version: a change to the target is a change to the link.
		for _, root := range slices.Clone(paths) {
			for q, target := range e.links {
				if target == root || strings.HasPrefix(target, root+"/") {
					paths = append(paths, q)
				}
			}
		}
		for _, root := range paths {
			fresh := map[string]vault.Entry{}
			for _, en := range vault.ScanUnder(e.vlt.FS, e.cfg, root) {
				fresh[en.Path] = en
			}
			for _, q := range e.under(root) {
				if _, ok := fresh[q]; !ok {
					remove(q)
				}
			}
			for q, en := range fresh {
				update(q, en)
			}
		}
	}
	slices.Sort(ch.gone)
	return ch
}

// dependents returns the paths to read again: those that changed, and the
// notes that link to what changed or to a name that appeared or went. It
// forgets what went.
func (e *Engine) dependents(ch changes) map[string]bool {
	dirty := maps.Clone(ch.dirty)
	changed := maps.Clone(ch.dirty) // before the notes that link to it join
	for _, q := range ch.gone {
		changed[q] = true
		e.setResult(q, nil)
	}
	for q := range changed {
		for note := range e.usedBy[q] {
			dirty[note] = true
		}
	}
	for key := range ch.linkKeys {
		for note := range e.usedBy[linkUse+key] {
			dirty[note] = true
		}
	}
	return dirty
}

// parse reads the paths dirty on every core and records what they say.
// It reports whether the outbox folders must be named again: they are
// named by the notes' paths, so they change only when a note appears,
// goes, or becomes or stops being an interview note.
func (e *Engine) parse(ctx context.Context, dirty map[string]bool, gone []string, p *Pass) (bool, error) {
	toParse := slices.Sorted(maps.Keys(dirty))
	parsed := make([]*vault.FileResult, len(toParse))
	vault.Parallel(len(toParse), func(i int) {
		if ctx.Err() == nil {
			parsed[i] = vault.ParseFile(e.vlt.FS, e.entries[toParse[i]], e.cfg, e.index)
		}
	})
	if err := ctx.Err(); err != nil {
		return false, err
	}
	stale := e.folders == nil || len(gone) > 0
	for _, r := range parsed {
		if old := e.asm.Result(r.Path); old == nil || old.Interview() != r.Interview() {
			stale = true
		}
		e.setResult(r.Path, r)
		p.Touched[r.Path] = true
		for _, person := range r.People {
			p.Touched[person] = true
		}
	}
	p.Parsed = len(parsed)
	return stale, nil
}

// templates loads the templates and reports whether they changed, when
// every draft does.
func (e *Engine) templates(first bool, p *Pass) bool {
	tmpls, tmplDiags := render.LoadTemplates(e.vlt.FS, e.cfg.Templates)
	if tmpls.Same(e.tmpls) {
		return false
	}
	if !first {
		p.Changed = append(p.Changed, e.cfg.Templates+"/")
	}
	e.tmpls, e.tmplDiags = tmpls, tmplDiags
	for _, d := range tmplDiags {
		p.Touched[d.Path] = true
	}
	return true
}

// toRender returns the notes whose drafts may have changed: fresh, or
// when the templates or the folders changed, every note the first build
// or after a template changed, and otherwise each note read, never
// rendered, or whose folder moved.
func (e *Engine) toRender(first, tmplChanged, foldersStale bool, fresh []*vault.Note, p *Pass) []*vault.Note {
	if !tmplChanged && !foldersStale {
		return fresh
	}
	var notes []*vault.Note
	for _, n := range e.v.Notes {
		r := e.renders[n.Path]
		if first || tmplChanged || p.Touched[n.Path] || r == nil || r.folder != e.folders[n.Path] {
			notes = append(notes, n)
		}
	}
	return notes
}

// render renders the drafts of notes and writes them, in chunks, so
// that the drafts in memory at once stay few: a chunk is written before
// the next is rendered. It returns the errors of writing, and ctx's
// error when it stopped.
func (e *Engine) render(ctx context.Context, notes []*vault.Note, p *Pass) ([]error, []vault.Diagnostic, error) {
	var (
		errs  []error
		diags []vault.Diagnostic
	)
	size := cmp.Or(e.opts.Chunk, renderChunk)
	for start := 0; start < len(notes); start += size {
		chunk := notes[start:min(start+size, len(notes))]
		out := make([][]outbox.File, len(chunk))
		renders := make([]*rendered, len(chunk))
		vault.Parallel(len(chunk), func(i int) {
			if ctx.Err() == nil {
				n := chunk[i]
				renders[i], out[i] = renderNote(e.tmpls, e.cfg, n, e.folders[n.Path])
			}
		})
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		var files []outbox.File
		for i, n := range chunk {
			e.setRender(n.Path, renders[i])
			files = append(files, out[i]...)
			p.Touched[n.Path] = true
		}
		st, ds, err := e.ob.Put(files)
		p.Sync.Written += st.Written
		p.Sync.Unchanged += st.Unchanged
		p.Sync.Kept += st.Kept
		diags = append(diags, ds...)
		errs = append(errs, err)
	}
	p.Rendered = len(notes)
	return errs, diags, nil
}

// prune removes the drafts no longer wanted: of the notes rendered or
// gone (every note, the first build, as the outbox may hold drafts of
// notes deleted since), but those of notes in keep.
func (e *Engine) prune(first bool, rendered []*vault.Note, gone []string, keep map[string]bool, p *Pass) ([]vault.Diagnostic, error) {
	scope := make([]string, 0, len(rendered)+len(gone)) // not nil: nil is every note
	for _, n := range rendered {
		scope = append(scope, n.Path)
	}
	scope = append(scope, gone...)
	wanted := map[string]bool{}
	for _, q := range scope {
		if r := e.renders[q]; r != nil {
			for _, name := range r.files {
				wanted[name] = true
			}
		}
	}
	if first {
		scope = nil
		for _, r := range e.renders {
			for _, name := range r.files {
				wanted[name] = true
			}
		}
	}
	st, ds, err := e.ob.Prune(func(name string) bool { return wanted[name] }, scope, keep)
	p.Sync.Removed += st.Removed
	p.Sync.Kept += st.Kept
	return ds, err
}

// calendar brings the calendar's events of the notes fresh and gone up
// to date (every note's, the first build), writes it when its bytes
// changed, and then the manifest, whatever failed before: it must know
// every file that was written.
func (e *Engine) calendar(first bool, fresh []*vault.Note, gone []string, keep map[string]bool, now time.Time, p *Pass) ([]vault.Diagnostic, error) {
	var diags []vault.Diagnostic
	if e.feed == nil {
		var err error
		if diags, err = e.openFeed(); err != nil {
			return nil, err
		}
	}
	var errs []error
	if err := e.feed.SetNotes(fresh, now); err != nil {
		errs = append(errs, err)
	}
	for _, q := range gone {
		e.feed.Drop(q)
	}
	if first {
		live := make([]string, 0, len(e.v.Notes)+len(keep))
		for _, n := range e.v.Notes {
			live = append(live, n.Path)
		}
		e.feed.Retain(append(live, slices.Collect(maps.Keys(keep))...))
	}
	var err error
	p.Calendar, err = e.writeCalendar()
	return diags, errors.Join(append(errs, err)...)
}

// interrupted is the error of a build stopped by ctx's err, after the
// manifest was saved with saveErr.
func interrupted(err, saveErr error) error {
	return errors.Join(fmt.Errorf("interrupted: the files written so far are whole and recorded; build again to finish (%w)", err), saveErr)
}

// openFeed starts the calendar from the file last written, and says so
// when that file is not what the tool wrote.
func (e *Engine) openFeed() ([]vault.Diagnostic, error) {
	name := e.cfg.Calendar.File
	prev, readErr := e.ob.Read(name)
	if outbox.IsLink(readErr) {
		return nil, fmt.Errorf("cannot write %w", readErr)
	}
	// A file the manifest does not list is the user's, and neither read
	// nor overwritten (writing it fails, and says so), unless it is a
	// calendar followup wrote, as after the manifest was lost.
	foreign := readErr == nil && !e.ob.Listed(name)
	if foreign && calendar.Ours(prev) {
		e.ob.Adopt(name)
		foreign = false
	}
	if foreign {
		prev = nil
	}
	feed, err := calendar.NewFeed(e.cfg, prev)
	if feed == nil {
		return nil, err
	}
	e.feed, e.calKnown = feed, false
	warn := func(what string) ([]vault.Diagnostic, error) {
		return []vault.Diagnostic{{Path: e.ob.Path(name), Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeEditedOutput,
			Message: name + " " + what}}, nil
	}
	switch {
	case foreign:
	case errors.Is(readErr, fs.ErrNotExist) && e.ob.Listed(name):
		return warn("was deleted: it is generated, so it was written again")
	case err != nil || e.ob.EditedByHand(name):
		return warn("differs from what followup last wrote: it is generated, so it was rewritten")
	}
	return nil, nil
}

// Warm makes what a watcher's first rebuild needs and a build that wrote
// nothing did not make: the manifest's encoding and index, the
// calendar's hash.
func (e *Engine) Warm() {
	e.ob.Warm()
	if e.feed != nil {
		e.feed.Pieces()
		e.feed.Sum()
	}
}

// writeCalendar writes the calendar when its bytes changed, and then the
// manifest, and says what became of the calendar.
func (e *Engine) writeCalendar() (string, error) {
	name := e.cfg.Calendar.File
	pieces, changed := e.feed.Pieces()
	state := "unchanged"
	var err error
	switch {
	case !e.calKnown:
		// The file is read, and written only if it differs.
		var wrote bool
		wrote, err = e.ob.Write(name, pieces...)
		e.calKnown = err == nil
		if wrote {
			state = "written"
			e.calWrites++
		}
		err = errors.Join(err, e.ob.Close())
	case changed:
		// The file holds the last pieces, and these differ: no need to
		// read it, and its hash is known from what changed.
		// Counted as written either way: serve publishes what the feed
		// holds, and the file may be written even if the manifest failed.
		e.calWrites++
		if err = e.ob.CloseWith(name, e.feed.Sum, pieces...); err != nil {
			e.calKnown = false // read the file before the next write
		} else {
			state = "written"
		}
	default:
		err = e.ob.Close()
	}
	if err != nil {
		return e.ob.Path(name) + " not written", err
	}
	return fmt.Sprintf("%s %s (%s)", e.ob.Path(name), state, events(e.feed.Len())), nil
}

// renderChunk is how many notes are rendered before their drafts are
// written.
const renderChunk = 512

// renderNote renders the drafts of n into the files of its outbox folder,
// in memory, with their problems.
func renderNote(tmpls *render.Templates, cfg *vault.Config, n *vault.Note, folder string) (*rendered, []outbox.File) {
	r := &rendered{folder: folder}
	drafts, diags := tmpls.Drafts(n, cfg, calendar.PlanOf(n, cfg.Rules))
	if len(diags) > 0 {
		r.broken = true
		r.diags = append(r.diags, diags...)
	}
	r.diags = append(r.diags, tmpls.Proofread(n, drafts, cfg)...)
	var files []outbox.File
	for _, d := range drafts {
		byExt, err := d.Files(cfg)
		if err != nil {
			r.broken = true
			r.diags = append(r.diags, vault.Diagnostic{Path: n.Path, Line: 1, Col: 1, Severity: vault.Error,
				Code: vault.CodeTemplate, Message: fmt.Sprintf("cannot render the draft for %s: %v", d.To.Name, err)})
			continue
		}
		group := folder + "/" + d.Name
		for _, ext := range slices.Sorted(maps.Keys(byExt)) {
			files = append(files, outbox.File{Name: group + ext, Note: n.Path, Group: group, Data: byExt[ext]})
			r.files = append(r.files, group+ext)
		}
	}
	return r, files
}

// Folders names the outbox folder of every interview note after its
// file name; when two notes in different folders share a name, the second
// by path gets NAME-2. Notes with errors count too, so that a note that
// breaks does not move another's folder.
func Folders(v *vault.Vault, slugs map[string]string) map[string]string {
	paths := slices.Clone(v.Failed)
	for _, n := range v.Notes {
		paths = append(paths, n.Path)
	}
	slices.Sort(paths)
	taken := map[string]bool{}
	folders := map[string]string{}
	for _, p := range paths {
		base, ok := slugs[p]
		if !ok {
			base = render.Slug(strings.TrimSuffix(path.Base(p), path.Ext(p)))
			if slugs != nil {
				slugs[p] = base
			}
		}
		name := base
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		taken[name] = true
		folders[p] = name
	}
	return folders
}

func events(n int) string {
	if n == 1 {
		return "1 event"
	}
	return fmt.Sprintf("%d events", n)
}

// Proofread renders the drafts of every note of v in memory, on every
// core, adding their problems to v's diagnostics: what check reports
// without writing anything.
func Proofread(fsys fs.FS, v *vault.Vault) {
	tmpls, diags := render.LoadTemplates(fsys, v.Config.Templates)
	v.Diagnostics = append(v.Diagnostics, diags...)
	folders := Folders(v, nil)
	renders := make([]*rendered, len(v.Notes))
	vault.Parallel(len(v.Notes), func(i int) {
		n := v.Notes[i]
		renders[i], _ = renderNote(tmpls, v.Config, n, folders[n.Path])
	})
	for _, r := range renders {
		v.Diagnostics = append(v.Diagnostics, r.diags...)
	}
}
