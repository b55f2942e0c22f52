package calendar

import (
	"errors"
	"maps"
	"slices"
	"time"

	"followup/vault"
)

// The calendar of a whole vault at once, as a pure function: what the
// tests compare the Feed's incremental work with.

// Options are what whole needs besides the notes.
type Options struct {
	Now      time.Time // DTSTAMP and LAST-MODIFIED of new and changed events
	Previous []byte    // the calendar file as last written, or nil
}

// A Result is a built calendar.
type Result struct {
	Data   []byte
	Events int
	// PreviousUnreadable says that Options.Previous could not be parsed, so
	// nothing was carried over from it.
	PreviousUnreadable bool
}

// whole encodes the calendar of v. Events of notes with errors, and of
// files that are not interview notes for now (v.Keep), are carried over
// from the previous file, and so are the DTSTAMP, LAST-MODIFIED and
// SEQUENCE of every event that did not change; a changed event gets
// opt.Now and SEQUENCE+1.
func whole(v *vault.Vault, opt Options) (Result, error) {
	var res Result
	f, err := NewFeed(v.Config, opt.Previous)
	if errors.Is(err, errPrevious) {
		res.PreviousUnreadable = true
	} else if err != nil {
		return res, err
	}
	live := slices.Collect(maps.Keys(v.Keep()))
	if err := f.SetNotes(v.Notes, opt.Now); err != nil {
		return res, err
	}
	for _, n := range v.Notes {
		live = append(live, n.Path)
	}
	f.Retain(live)
	res.Events = f.Len()
	res.Data = f.Bytes()
	return res, nil
}
