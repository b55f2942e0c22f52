package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"followup/calendar"
	"followup/render"
	"followup/vault"
)

// An engine builds the outbox and the calendar of one vault and keeps
// what it made, note by note, so that the next build redoes only what
// changed: the notes whose files changed, the notes that link to a person
// note that changed or to a name that appeared or went, and every note
// when the templates change. A change of followup.yaml needs a new engine.
type engine struct {
	w   *workspace
	cfg *vault.Config
	ob  *vault.Outbox
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
	// chunk, when not 0, is how many notes are rendered before their
	// drafts are written, instead of renderChunk: tests make it small.
	chunk int
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

// A pass says what one build did.
type pass struct {
	Changed  []string // vault paths that changed, were added or went
	Parsed   int
	Rendered int
	Sync     vault.SyncStats
	Calendar string // what became of the calendar
	Diags    []vault.Diagnostic
	Touched  map[string]bool // the paths this pass read or rendered
	Started  time.Time       // before the vault was scanned
	Took     time.Duration
}

// newEngine opens the outbox of the workspace w, whose configuration is
// loaded.
func newEngine(w *workspace) (*engine, error) {
	ob, obDiags, err := vault.OpenOutbox(w.root, w.cfg.Outbox)
	if err != nil {
		return nil, err
	}
	e := &engine{
		w: w, cfg: w.cfg, ob: ob, obDiags: obDiags,
		entries: map[string]vault.Entry{}, links: map[string]string{}, usedBy: map[string]map[string]bool{},
		renders: map[string]*rendered{}, broken: map[string]bool{}, slugs: map[string]string{},
	}
	// Person notes are read through the entries as they are at the time.
	e.index = vault.NewIndex(nil, func(p string) ([]byte, error) { return vault.ReadEntry(w.fsys, e.entries[p], p) })
	e.asm = vault.NewAssembler(w.cfg, e.index)
	return e, nil
}

// linkUse starts the keys of usedBy that are link keys, not paths.
const linkUse = "\x00"

// setResult records r as the result of the vault path q; nil forgets it.
func (e *engine) setResult(q string, r *vault.FileResult) {
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
func (e *engine) liveIn(paths map[string]bool) []*vault.Note {
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
func (e *engine) setRender(q string, r *rendered) {
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
func (e *engine) under(root string) []string {
	var qs []string
	if _, ok := e.entries[root]; ok {
		qs = append(qs, root)
	}
	// "/" + 1 is "0": what starts with root+"/" sorts between the two.
	lo, _ := slices.BinarySearch(e.paths, root+"/")
	hi, _ := slices.BinarySearch(e.paths, root+"0")
	return append(qs, e.paths[lo:hi]...)
}

// build brings the outbox and the calendar up to date. With paths nil it
// scans the whole vault; otherwise it looks only at those vault paths
// (files or folders, present or gone), as a watcher reports them.
//
// A build stops soon after ctx is done (Ctrl-C): between notes as it reads
// and renders them, and between chunks as it writes. What it wrote is
// whole, and in the manifest; the calendar is left as it was. It then
// returns ctx's error, and the engine is not to be used again.
func (e *engine) build(ctx context.Context, paths []string, now time.Time) (*pass, error) {
	start := time.Now()
	p := &pass{Touched: map[string]bool{}, Started: start}
	first := !e.started
	e.started = true

	// What changed on disk: everything, or what is under the paths given.
	dirty := map[string]bool{}
	var gone []string
	linkKeys := map[string]bool{} // names that appeared or went
	update := func(q string, en vault.Entry) {
		was, ok := e.entries[q]
		switch {
		case !ok:
			e.index.Add(q)
			linkKeys[vault.LinkKey(q)] = true
			dirty[q] = true
			i, _ := slices.BinarySearch(e.paths, q)
			e.paths = slices.Insert(e.paths, i, q)
		case was != en:
			e.index.Forget(q)
			dirty[q] = true
		}
		e.entries[q] = en
		if en.Target != "" {
			e.links[q] = en.Target
		} else {
			delete(e.links, q)
		}
	}
	remove := func(q string) {
		gone = append(gone, q)
		e.index.Remove(q)
		linkKeys[vault.LinkKey(q)] = true
		delete(e.entries, q)
		delete(e.links, q)
		if i, found := slices.BinarySearch(e.paths, q); found {
			e.paths = slices.Delete(e.paths, i, i+1)
		}
	}
	if paths == nil {
		scanned := e.scanned
		if scanned == nil {
			scanned = vault.Scan(e.w.fsys, e.cfg)
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
			for _, en := range vault.ScanUnder(e.w.fsys, e.cfg, root) {
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
	slices.Sort(gone)
	p.Changed = slices.Concat(slices.Sorted(maps.Keys(dirty)), gone)
	changed := maps.Clone(dirty) // before the notes that link to it join
	for _, q := range gone {
		changed[q] = true
		e.setResult(q, nil)
	}
	// The notes that link to what changed.
	for q := range changed {
		for note := range e.usedBy[q] {
			dirty[note] = true
		}
	}
	for key := range linkKeys {
		for note := range e.usedBy[linkUse+key] {
			dirty[note] = true
		}
	}

	// Read what changed, on every core.
	toParse := slices.Sorted(maps.Keys(dirty))
	parsed := make([]*vault.FileResult, len(toParse))
	vault.Parallel(len(toParse), func(i int) {
		if ctx.Err() == nil {
			parsed[i] = vault.ParseFile(e.w.fsys, e.entries[toParse[i]], e.cfg, e.index)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err, nil)
	}
	// Outbox folders are named by the notes' paths: they change only when
	// a note appears, goes, or becomes or stops being an interview note.
	foldersStale := e.folders == nil || len(gone) > 0
	for _, r := range parsed {
		if old := e.asm.Result(r.Path); old == nil || old.Interview() != r.Interview() {
			foldersStale = true
		}
		e.setResult(r.Path, r)
		p.Touched[r.Path] = true
		for _, person := range r.People {
			p.Touched[person] = true
		}
	}
	p.Parsed = len(parsed)
	// A watcher's rebuild reports on what it read and rendered, and on the
	// notes that broke or mended because of it (an id taken, or freed),
	// which the Assembler adds; the first build reports everything.
	var shown map[string]bool
	if !first {
		shown = p.Touched
	}
	v := e.asm.Vault(shown)
	e.v = v
	// The notes whose drafts and events may change: those read, or that
	// broke or mended.
	fresh := v.Notes
	if !first {
		fresh = e.liveIn(p.Touched)
	}

	// Templates: when they change, every draft does.
	tmpls, tmplDiags := render.LoadTemplates(e.w.fsys, e.cfg.Templates)
	tmplChanged := !tmpls.Same(e.tmpls)
	if tmplChanged {
		if !first {
			p.Changed = append(p.Changed, e.cfg.Templates+"/")
		}
		e.tmpls, e.tmplDiags = tmpls, tmplDiags
		for _, d := range tmplDiags {
			p.Touched[d.Path] = true
		}
	}

	// Render the notes whose drafts may have changed.
	if foldersStale {
		e.folders = noteFolders(v, e.slugs)
	}
	folders := e.folders
	toRender := fresh
	if tmplChanged || foldersStale {
		toRender = nil
		for _, n := range v.Notes {
			r := e.renders[n.Path]
			if first || tmplChanged || p.Touched[n.Path] || r == nil || r.folder != folders[n.Path] {
				toRender = append(toRender, n)
			}
		}
	}
	// In chunks, so that the drafts in memory at once stay few: a
	// chunk is written before the next is rendered.
	scope := map[string]bool{}
	var (
		errs      []error
		syncDiags []vault.Diagnostic
	)
	size := cmp.Or(e.chunk, renderChunk)
	for start := 0; start < len(toRender); start += size {
		chunk := toRender[start:min(start+size, len(toRender))]
		out := make([][]vault.File, len(chunk))
		renders := make([]*rendered, len(chunk))
		vault.Parallel(len(chunk), func(i int) {
			if ctx.Err() == nil {
				n := chunk[i]
				renders[i], out[i] = renderNote(e.tmpls, e.cfg, n, folders[n.Path])
			}
		})
		if err := ctx.Err(); err != nil {
			// The chunks before are written: the manifest must say so.
			return nil, interrupted(err, e.ob.Close())
		}
		var files []vault.File
		for i, n := range chunk {
			e.setRender(n.Path, renders[i])
			files = append(files, out[i]...)
			scope[n.Path] = true
			p.Touched[n.Path] = true
		}
		st, ds, err := e.ob.Put(files)
		p.Sync.Written += st.Written
		p.Sync.Unchanged += st.Unchanged
		p.Sync.Kept += st.Kept
		syncDiags = append(syncDiags, ds...)
		errs = append(errs, err)
	}
	for _, q := range gone {
		scope[q] = true
		e.setRender(q, nil)
	}
	p.Rendered = len(toRender)
	keep := v.Keep()
	for q := range e.broken {
		keep[q] = true
	}
	wanted := map[string]bool{}
	for q := range scope {
		if r := e.renders[q]; r != nil {
			for _, name := range r.files {
				wanted[name] = true
			}
		}
	}
	if first {
		for _, r := range e.renders {
			for _, name := range r.files {
				wanted[name] = true
			}
		}
	}
	inScope := slices.AppendSeq(make([]string, 0, len(scope)), maps.Keys(scope)) // not nil: nil is every note
	if first {
		inScope = nil // every note: the outbox may hold drafts of notes deleted since
	}
	if err := ctx.Err(); err != nil {
		return nil, interrupted(err, e.ob.Close())
	}
	st, ds, err := e.ob.Prune(func(name string) bool { return wanted[name] }, inScope, keep)
	p.Sync.Removed += st.Removed
	p.Sync.Kept += st.Kept
	syncDiags = append(syncDiags, ds...)
	errs = append(errs, err)

	// The calendar: the events of the notes that changed.
	var calDiags []vault.Diagnostic
	if e.feed == nil {
		if calDiags, err = e.openFeed(); err != nil {
			// The drafts are written: the manifest must say so.
			return nil, errors.Join(append(errs, err, e.ob.Close())...)
		}
	}
	if err := e.feed.SetNotes(fresh, now); err != nil {
		errs = append(errs, err)
	}
	for _, q := range gone {
		e.feed.Drop(q)
	}
	if first {
		live := make([]string, 0, len(v.Notes)+len(keep))
		for _, n := range v.Notes {
			live = append(live, n.Path)
		}
		e.feed.Retain(append(live, slices.Collect(maps.Keys(keep))...))
	}
	// The manifest is saved whatever failed: it must know every file
	// that was written.
	p.Calendar, err = e.writeCalendar()
	errs = append(errs, err)

	reported := v.Notes
	if !first {
		reported = e.liveIn(p.Touched) // now with the notes rendered
	}
	ds = slices.Concat(v.Diagnostics, e.tmplDiags, syncDiags, calDiags, calendar.Overdue(calendar.DuesOf(reported, e.cfg), now, e.cfg))
	if first {
		ds = append(ds, e.obDiags...)
	}
	for _, n := range reported {
		ds = append(ds, e.renders[n.Path].diags...)
	}
	p.Diags = tidyDiagnostics(ds, e.cfg)
	p.Took = time.Since(start)
	return p, errors.Join(errs...)
}

// interrupted is the error of a build stopped by ctx's err, after the
// manifest was saved with saveErr.
func interrupted(err, saveErr error) error {
	return errors.Join(fmt.Errorf("interrupted: the files written so far are whole and recorded; build again to finish (%w)", err), saveErr)
}

// openFeed starts the calendar from the file last written, and says so
// when that file is not what the tool wrote.
func (e *engine) openFeed() ([]vault.Diagnostic, error) {
	name := e.cfg.Calendar.File
	prev, readErr := e.ob.Read(name)
	if vault.IsLink(readErr) {
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

// warm makes what a watcher's first rebuild needs and a build that wrote
// nothing did not make: the manifest's encoding and index, the
// calendar's hash.
func (e *engine) warm() {
	e.ob.Warm()
	if e.feed != nil {
		e.feed.Pieces()
		e.feed.Sum()
	}
}

// writeCalendar writes the calendar when its bytes changed, and then the
// manifest, and says what became of the calendar.
func (e *engine) writeCalendar() (string, error) {
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
	return fmt.Sprintf("%s %s (%s)", e.ob.Path(name), state, plural(e.feed.Len(), "event")), nil
}

// renderChunk is how many notes are rendered before their drafts are
// written.
const renderChunk = 512

// renderNote renders the drafts of n into the files of its outbox folder,
// in memory, with their problems.
func renderNote(tmpls *render.Templates, cfg *vault.Config, n *vault.Note, folder string) (*rendered, []vault.File) {
	r := &rendered{folder: folder}
	drafts, diags := tmpls.Drafts(n, cfg, calendar.PlanOf(n, cfg.Rules))
	if len(diags) > 0 {
		r.broken = true
		r.diags = append(r.diags, diags...)
	}
	r.diags = append(r.diags, tmpls.Proofread(n, drafts, cfg)...)
	var files []vault.File
	for _, d := range drafts {
		byExt, err := d.Files(cfg)
		if err != nil {
			r.broken = true
			r.diags = append(r.diags, vault.Diagnostic{Path: n.Path, Line: 1, Col: 1, Severity: vault.Error,
				Code: render.CodeTemplate, Message: fmt.Sprintf("cannot render the draft for %s: %v", d.To.Name, err)})
			continue
		}
		group := folder + "/" + d.Name
		for _, ext := range slices.Sorted(maps.Keys(byExt)) {
			files = append(files, vault.File{Name: group + ext, Note: n.Path, Group: group, Data: byExt[ext]})
			r.files = append(r.files, group+ext)
		}
	}
	return r, files
}

// noteFolders names the outbox folder of every interview note after its
// file name; when two notes in different folders share a name, the second
// by path gets NAME-2. Notes with errors count too, so that a note that
// breaks does not move another's folder.
func noteFolders(v *vault.Vault, slugs map[string]string) map[string]string {
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
