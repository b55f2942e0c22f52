// Package mailbox puts followup's e-mail drafts into the user's Drafts
// folder over IMAP (RFC 9051, RFC 3501), where they review and send them
// from any device, and looks, read-only, for replies. It never sends
// mail, and never touches a message it did not append.
package mailbox

import (
	"context"
	"crypto/tls"
	"time"

	"followup/vault"
)

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
	// tls, when not nil, gives in RootCAs the roots that verify the
	// server instead of the system's: tests give their server's
	// certificate. Nothing else of it is used, so that certificates and
	// the server's name are always checked.
	tls *tls.Config
	// wait, when not 0, replaces how long a server may take to answer
	// (answerWithin): tests make it short.
	wait time.Duration
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
	Note        string `json:"note"`         // for replies and reports once the draft has left the outbox
	File        string `json:"file"`         // for reports, likewise
	Hash        string `json:"hash"`         // sha256 of the bytes appended
	MessageID   string `json:"message_id"`   // of the bytes appended, for replies
	Mailbox     string `json:"mailbox"`      // the Drafts folder's name
	UIDValidity uint32 `json:"uid_validity"` // of that folder
	UID         uint32 `json:"uid"`          // 0 until an APPEND succeeded
	// Appending is the hash of bytes being appended, recorded before the
	// APPEND so that a push cut off before it learns the UID still
	// knows the copy for its own.
	Appending string `json:"appending,omitempty"`
	// Stale are UIDs of copies of ours that are to be removed: an older
	// version, or a duplicate left by a push cut off midway.
	Stale []uint32 `json:"stale,omitempty"`
	// Done says the copy was edited, sent or deleted by the user: it is
	// never pushed again.
	Done string `json:"done,omitempty"` // "", doneEdited or doneGone
}

// The values of Pushed.Done.
const (
	doneEdited = "edited" // another message carries the draft's header: the user's version
	doneGone   = "gone"   // no copy is left: sent, or deleted
)

// A Reply is a message in the inbox from a person of a note, or in
// reply to a pushed draft.
type Reply struct {
	Note      string    `json:"note"`
	From      string    `json:"from"` // the name, or the address
	Subject   string    `json:"subject"`
	Date      time.Time `json:"date"`
	MessageID string    `json:"message_id,omitempty"` // of the reply, so it is reported once
}

// A Report says what one push did, or would do. Drafts are named by
// their ID.
type Report struct {
	Mailbox   string   // the Drafts folder, as configured or found
	Appended  []string // appended for the first time (or by a push cut off before it saved)
	Replaced  []string // their changed text replaced their copy
	Removed   []string // no longer due, their unedited copy removed
	Unchanged int
	// Kept are lines, one per draft let go this time (its copy edited,
	// sent or deleted by the user), naming its file.
	Kept    []string
	Replies []Reply // new since the last push
}

// Push brings the Drafts folder in line with drafts, and looks for
// replies from people. state is read and updated in place; save is
// called after every change on the server (never in a dry run) and its
// error stops the push. With an error, the Report says what was done
// before it.
func Push(ctx context.Context, opts Options, drafts []Draft, people []Person, state *State, save func(*State) error) (Report, error) {
	return push(ctx, opts, drafts, people, state, save, nil)
}
