// Package mailbox puts followup's e-mail drafts into the user's Drafts
// folder over IMAP (RFC 9051, RFC 3501), where they review and send them
// from any device, and looks, read-only, for replies. It never sends
// mail, and never touches a message it did not append.
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"time"

	"followup/vault"
)

// HeaderID is the header that gives each draft its identity: the same
// draft, in any version, carries the same value.
const HeaderID = "X-Followup-Draft"

// A Draft is one e-mail draft of the outbox that is due.
type Draft struct {
	ID   string // the value of its X-Followup-Draft header
	Note string // the vault path of its note, for reports
	File string // its .eml, relative to the vault, for reports
	To   string // who it is to, for reports
	Data []byte // the .eml, as in the outbox
}

// A Person is someone whose mail is a reply: an interviewer or the
// contact of a note, from the day of its interview on.
type Person struct {
	Note  string // vault path
	Name  string
	Email string
	Since time.Time
}

// Options are how to reach the mailbox.
type Options struct {
	Config   vault.Mailbox
	Password string
	DryRun   bool // say what would be done, and change nothing
	// TLS, when not nil, replaces the system's roots and server name
	// checks: tests give their server's certificate.
	TLS *tls.Config
}

// State is what push remembers between runs, kept in the outbox by the
// caller and saved through the save function Push is given after every
// change on the server, so that a push cut off midway converges.
type State struct {
	Drafts  map[string]Pushed `json:"drafts"` // by draft ID
	Replies []Reply           `json:"replies,omitempty"`
}

// Pushed is one draft as push left it on the server.
type Pushed struct {
	Hash        string `json:"hash"`         // sha256 of the bytes appended
	MessageID   string `json:"message_id"`   // of the bytes appended
	Mailbox     string `json:"mailbox"`      // the Drafts folder's name
	UIDValidity uint32 `json:"uid_validity"` // of that folder
	UID         uint32 `json:"uid"`
	// Done says the copy was edited, sent or deleted by the user: it is
	// never pushed again.
	Done string `json:"done,omitempty"` // "", "edited" or "gone"
}

// A Reply is a message in the inbox from a person of a note, or in
// reply to a pushed draft.
type Reply struct {
	Note    string    `json:"note"`
	From    string    `json:"from"` // the name, or the address
	Subject string    `json:"subject"`
	Date    time.Time `json:"date"`
}

// A Report says what one push did, or would do.
type Report struct {
	Appended  []string // draft IDs appended for the first time
	Replaced  []string // draft IDs whose changed text replaced their copy
	Removed   []string // draft IDs no longer due, removed unedited
	Unchanged int
	Kept      []string // lines: copies left alone (edited, sent or deleted by the user)
	Replies   []Reply  // new since the last push
}

// ErrNotBuilt stands in until the IMAP client is written.
var ErrNotBuilt = errors.New("mailbox: not built yet")

// Push brings the Drafts folder in line with drafts, and looks for
// replies from people.
func Push(ctx context.Context, opts Options, drafts []Draft, people []Person, state *State, save func(*State) error) (Report, error) {
	return Report{}, ErrNotBuilt
}
