package vault

import (
	"maps"
	"slices"
	"strings"
)

// An Assembler makes the Vault of a set of file results, adding the checks
// that look across notes, and keeps it: after a few results change, the
// checks are redone for those alone. A watcher's rebuild of one note of
// 10,000 then costs a few lookups instead of a pass over every note.
type Assembler struct {
	cfg      *Config
	x        *Index
	results  map[string]*FileResult
	paths    []string            // of results, sorted
	byID     map[string][]string // note id → the paths of the notes with it, sorted
	persons  map[string]int      // person note → how many results link to it
	contacts map[string]*Person  // of ordinary notes, by path
	state    map[string]state    // of each result
	notes    []*Note             // the notes without errors, sorted by path
	failed   []string
	ordinary []string
	changed  map[string]bool // paths set or removed since the last Vault
	ids      map[string]bool // ids of the notes set or removed since then
	made     bool            // a Vault was made
}

// state is what a result is in the vault.
type state uint8

const (
	absent   state = iota
	isNote         // an interview note without errors
	isFailed       // an interview note with errors
	isOrdinary
)

// NewAssembler returns an Assembler of no results. x resolves the links
// to person notes.
func NewAssembler(cfg *Config, x *Index) *Assembler {
	return &Assembler{cfg: cfg, x: x, results: map[string]*FileResult{}, byID: map[string][]string{},
		persons: map[string]int{}, contacts: map[string]*Person{}, state: map[string]state{},
		changed: map[string]bool{}, ids: map[string]bool{}}
}

// Set makes r the result of its path.
func (a *Assembler) Set(r *FileResult) {
	a.forget(r.Path)
	a.results[r.Path] = r
	if n := r.Note; n != nil {
		a.byID[n.ID] = insertSorted(a.byID[n.ID], r.Path)
		a.ids[n.ID] = true
	}
	for _, p := range r.People {
		a.persons[p]++
	}
	if r.Contact != nil {
		a.contacts[r.Path] = r.Contact
	}
	a.changed[r.Path] = true
}

// Remove forgets the result of path p.
func (a *Assembler) Remove(p string) {
	a.forget(p)
	a.changed[p] = true
}

func (a *Assembler) forget(p string) {
	old := a.results[p]
	if old == nil {
		return
	}
	delete(a.results, p)
	if n := old.Note; n != nil {
		if paths := deleteSorted(a.byID[n.ID], p); len(paths) > 0 {
			a.byID[n.ID] = paths
		} else {
			delete(a.byID, n.ID)
		}
		a.ids[n.ID] = true
	}
	for _, q := range old.People {
		if a.persons[q]--; a.persons[q] <= 0 {
			delete(a.persons, q)
		}
	}
	delete(a.contacts, p)
}

// Result returns the result set for path p, nil for none.
func (a *Assembler) Result(p string) *FileResult { return a.results[p] }

// Live returns the note at path p if it is an interview note without
// errors, as of the last Vault.
func (a *Assembler) Live(p string) *Note {
	if a.state[p] != isNote {
		return nil
	}
	return a.results[p].Note
}

// Vault returns the vault of the results set. Its diagnostics are those of
// the files in shown, or of every file when shown is nil. The notes that
// broke or mended since the last Vault without being set themselves (an
// id another note took or freed) join shown: what happened to them is news
// too.
func (a *Assembler) Vault(shown map[string]bool) *Vault {
	affected := a.changed
	for id := range a.ids {
		for _, q := range a.byID[id] {
			affected[q] = true
		}
	}
	a.changed, a.ids = map[string]bool{}, map[string]bool{}
	flip := func(q string, old, now state) {
		if shown != nil && (old == isNote) != (now == isNote) && a.results[q] != nil {
			shown[q] = true
		}
	}
	if !a.made || len(affected) > len(a.results)/8 {
		// Many changes: everything again, in one pass.
		a.paths = slices.Sorted(maps.Keys(a.results))
		a.notes, a.failed, a.ordinary = make([]*Note, 0, len(a.paths)), nil, nil
		old := a.state
		a.state = make(map[string]state, len(a.paths))
		for _, q := range a.paths {
			now := a.classify(q)
			a.state[q] = now
			a.list(q, now, true)
			flip(q, old[q], now)
		}
		for q := range old {
			if a.results[q] == nil {
				flip(q, old[q], absent)
			}
		}
	} else {
		for _, q := range slices.Sorted(maps.Keys(affected)) {
			old, now := a.state[q], a.classify(q)
			a.list(q, old, false)
			a.list(q, now, true)
			if now == absent {
				delete(a.state, q)
			} else {
				a.state[q] = now
			}
			i, found := slices.BinarySearch(a.paths, q)
			switch {
			case now == absent && found:
				a.paths = slices.Delete(a.paths, i, i+1)
			case now != absent && !found:
				a.paths = slices.Insert(a.paths, i, q)
			}
			flip(q, old, now)
		}
	}
	a.made = true

	v := &Vault{Config: a.cfg, Notes: slices.Clone(a.notes), Failed: slices.Clone(a.failed), Ordinary: slices.Clone(a.ordinary)}
	files, check := a.paths, v.Notes
	if shown != nil {
		files, check = slices.Sorted(maps.Keys(shown)), nil
		for _, q := range files {
			if n := a.Live(q); n != nil {
				check = append(check, n)
			}
		}
	}
	for _, q := range files {
		if r := a.results[q]; r != nil {
			v.Diagnostics = append(v.Diagnostics, r.Diags...)
			if d := a.idTaken(q); d != nil {
				v.Diagnostics = append(v.Diagnostics, *d)
			}
		}
	}
	persons := files
	if shown == nil {
		persons = slices.Sorted(maps.Keys(a.persons))
	}
	for _, p := range persons {
		if a.persons[p] > 0 {
			if person, ds := a.x.Person(p); person != nil {
				v.Diagnostics = append(v.Diagnostics, ds...)
			}
		}
	}
	v.checkAddresses(check, a.linked, a.contactList)
	if shown == nil {
		v.checkCandidate()
	}
	v.Diagnostics = slices.DeleteFunc(v.Diagnostics, func(d Diagnostic) bool {
		return d.Severity == Warning && a.cfg.Disabled(d.Code)
	})
	SortDiagnostics(v.Diagnostics)
	// An alias repeats a value, and its problem with it.
	v.Diagnostics = slices.Compact(v.Diagnostics)
	return v
}

// classify says what the result at path q is now.
func (a *Assembler) classify(q string) state {
	r := a.results[q]
	switch {
	case r == nil:
		return absent
	case HasErrors(r.Diags) || a.idTaken(q) != nil:
		return isFailed
	case r.Note != nil:
		return isNote
	}
	return isOrdinary
}

// idTaken returns the error of the note at q when a note before it, by
// path, has its id: calendar events are known by their note's id, and two
// notes with one id would overwrite each other's events.
func (a *Assembler) idTaken(q string) *Diagnostic {
	n := a.results[q].Note
	if n == nil {
		return nil
	}
	first := a.byID[n.ID][0]
	if first == q {
		return nil
	}
	d := &diags{path: q}
	d.errorf(n.Keys["id"], CodeValue, "id %q is already the id of %s: give this note an id of its own", n.ID, first)
	return &d.list[0]
}

// list adds q to the list of state s, or removes it.
func (a *Assembler) list(q string, s state, add bool) {
	var paths *[]string
	switch s {
	case isNote:
		i, found := slices.BinarySearchFunc(a.notes, q, func(n *Note, q string) int { return strings.Compare(n.Path, q) })
		switch {
		case add && found:
			a.notes[i] = a.results[q].Note
		case add:
			a.notes = slices.Insert(a.notes, i, a.results[q].Note)
		case found:
			a.notes = slices.Delete(a.notes, i, i+1)
		}
		return
	case isFailed:
		paths = &a.failed
	case isOrdinary:
		paths = &a.ordinary
	default:
		return
	}
	if add {
		*paths = insertSorted(*paths, q)
	} else {
		*paths = deleteSorted(*paths, q)
	}
}

// linked returns the person notes the results link to, by path.
func (a *Assembler) linked() map[string]*Person {
	linked := map[string]*Person{}
	for p := range a.persons {
		if person, _ := a.x.Person(p); person != nil {
			linked[p] = person
		}
	}
	return linked
}

// contactList returns the people the ordinary notes describe, by path.
func (a *Assembler) contactList() []*Person {
	var contacts []*Person
	for _, p := range slices.Sorted(maps.Keys(a.contacts)) {
		contacts = append(contacts, a.contacts[p])
	}
	return contacts
}

func insertSorted(s []string, q string) []string {
	if i, found := slices.BinarySearch(s, q); !found {
		return slices.Insert(s, i, q)
	}
	return s
}

func deleteSorted(s []string, q string) []string {
	if i, found := slices.BinarySearch(s, q); found {
		return slices.Delete(s, i, i+1)
	}
	return s
}
