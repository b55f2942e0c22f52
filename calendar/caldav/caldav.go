// Package caldav writes the calendar's events into the user's CalDAV
// calendar (RFC 4791), one calendar object per event, so that a phone
// shows a deadline within seconds of a save, alarm included. Only objects
// it created are ever changed or deleted.
package caldav

import (
	"context"
	"errors"
	"net/http"

	"followup/calendar"
	"followup/vault"
)

// Options are how to reach the calendar.
type Options struct {
	Config   vault.CalDAV
	Password string
	Name     string // the calendar's display name, calendar.name
	DryRun   bool
	// Client, when not nil, replaces the default HTTP client: tests give
	// one that trusts their server.
	Client *http.Client
}

// State is what push remembers between runs, kept in the outbox by the
// caller and saved through save after every change on the server.
type State struct {
	Calendar string            `json:"calendar"` // the collection's URL
	Objects  map[string]Stored `json:"objects"`  // by event UID
}

// Stored is one object push created.
type Stored struct {
	Href string `json:"href"`
	ETag string `json:"etag"`
	Hash string `json:"hash"` // sha256 of the object's bytes
}

// A Report says what one push did, or would do.
type Report struct {
	Created, Updated, Deleted []string // UIDs
	Unchanged                 int
	Kept                      []string // lines: objects changed on the server, left alone
	Requests                  int      // HTTP requests made
}

// ErrNotBuilt stands in until the CalDAV client is written.
var ErrNotBuilt = errors.New("caldav: not built yet")

// Push brings the calendar in line with objects, the events of the feed.
func Push(ctx context.Context, opts Options, objects []calendar.Object, state *State, save func(*State) error) (Report, error) {
	return Report{}, ErrNotBuilt
}
