package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// The points where a test can cut a push off, as a killed process would.
const (
	atAppended = "appended"      // the APPEND is done, its UID not saved
	atRemove   = "before-remove" // the new copy is saved, the old one still there
	atSave     = "before-save"   // the old copy is removed, the state not saved
)

// A hook is called at each of those points; its error ends the push at
// once, leaving server and state as they are.
type hook func(point string) error

func push(ctx context.Context, opts Options, drafts []Draft, people []Person, st *State, save func(*State) error, cut hook) (rep Report, err error) {
	defer func() { err = scrub(err, opts.Password) }()
	byID, err := prepare(drafts)
	if err != nil {
		return Report{}, err
	}
	if st.Drafts == nil {
		st.Drafts = map[string]Pushed{}
	}
	if cut == nil {
		cut = func(string) error { return nil }
	}

	s, err := dial(ctx, opts)
	if err != nil {
		return Report{}, err
	}
	defer s.close()

	folder, err := s.draftsFolder(ctx, opts.Config.Drafts)
	if err != nil {
		return Report{}, err
	}
	rep.Mailbox = folder
	sel, err := s.c.Select(folder, &imap.SelectOptions{ReadOnly: opts.DryRun}).Wait()
	if err != nil {
		return rep, s.fail(ctx, "select "+folder+" on", err)
	}
	copies, err := s.copies(ctx, "")
	if err != nil {
		return rep, err
	}
	// A copy push recorded and the search did not find is looked at by
	// its UID: a server whose header search lags or skips X- headers must
	// not make push take the copy for sent, and give the draft up.
	found := map[uint32]bool{}
	for _, c := range copies {
		found[c.UID] = true
	}
	var unseen []imap.UID
	for _, p := range st.Drafts {
		if p.Done != "" || p.Mailbox != folder || p.UIDValidity != sel.UIDValidity {
			continue
		}
		for _, uid := range append([]uint32{p.UID}, p.Stale...) {
			if uid != 0 && !found[uid] {
				found[uid] = true
				unseen = append(unseen, imap.UID(uid))
			}
		}
	}
	slices.Sort(unseen)
	more, err := s.fetchCopies(ctx, unseen, "")
	if err != nil {
		return rep, err
	}
	copies = append(copies, more...)

	steps := plan(folder, sel.UIDValidity, copies, byID, st)
	for _, stp := range steps {
		if !opts.DryRun && stp.changes(st) {
			if err := s.carry(ctx, folder, stp, st, save, cut); err != nil {
				return rep, err
			}
		}
		rep.add(stp)
	}
	rep.sort()

	replies, err := s.replies(ctx, opts.Config.Inbox, people, byID, st)
	if err != nil {
		return rep, err
	}
	rep.Replies = replies
	if len(replies) > 0 && !opts.DryRun {
		st.Replies = append(st.Replies, replies...)
		if err := save(st); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// carry does one step, saving the state around each change on the
// server so that a push cut off anywhere converges on the next run:
// before an APPEND the state names the bytes being appended and the
// copies to remove, after it the new UID, after the removal neither.
func (s *session) carry(ctx context.Context, folder string, stp step, st *State, save func(*State) error, cut hook) error {
	before, had := st.Drafts[stp.id]
	next := stp.next
	next.Stale = stp.stale
	if stp.append {
		pending := next
		pending.UID, pending.Hash = 0, ""
		if had && before.Mailbox == folder && before.UIDValidity == next.UIDValidity {
			pending.UID, pending.Hash = before.UID, before.Hash
		}
		pending.Appending = stp.draft.hash
		st.Drafts[stp.id] = pending
		if err := save(st); err != nil {
			return err
		}
		uid, err := s.append(ctx, folder, next.UIDValidity, stp.draft)
		if err != nil {
			// The server said no: nothing was appended, so the state
			// is put back as it was.
			var no *refusal
			if errors.As(err, &no) {
				if had {
					st.Drafts[stp.id] = before
				} else {
					delete(st.Drafts, stp.id)
				}
				if serr := save(st); serr != nil {
					return errors.Join(err, serr)
				}
			}
			return err
		}
		if err := cut(atAppended); err != nil {
			return err
		}
		next.UID = uid
	}
	if stp.drop && len(stp.stale) == 0 {
		delete(st.Drafts, stp.id)
		return save(st)
	}
	st.Drafts[stp.id] = next
	if err := save(st); err != nil {
		return err
	}
	if len(stp.stale) == 0 {
		return nil
	}
	if err := cut(atRemove); err != nil {
		return err
	}
	if err := s.remove(ctx, stp.stale); err != nil {
		return err
	}
	if err := cut(atSave); err != nil {
		return err
	}
	if stp.drop {
		delete(st.Drafts, stp.id)
	} else {
		next.Stale = nil
		st.Drafts[stp.id] = next
	}
	return save(st)
}

func (r *Report) add(s step) {
	switch s.kind {
	case kindAppended:
		r.Appended = append(r.Appended, s.id)
	case kindReplaced:
		r.Replaced = append(r.Replaced, s.id)
	case kindRemoved:
		r.Removed = append(r.Removed, s.id)
	case kindUnchanged:
		r.Unchanged++
	case kindKept:
		r.Kept = append(r.Kept, keptLine(s.next))
	}
}

// keptLine says why push lets a draft go.
func keptLine(p Pushed) string {
	name := p.File
	if name == "" {
		name = p.Note
	}
	if p.Done == doneEdited {
		return name + ": edited in Drafts, left alone"
	}
	return name + ": no longer in Drafts (sent or deleted), not pushed again"
}

func (r *Report) sort() {
	sort.Strings(r.Appended)
	sort.Strings(r.Replaced)
	sort.Strings(r.Removed)
	sort.Strings(r.Kept)
}

// scrub takes the password out of an error, whatever said it: a server
// may echo a command back.
func scrub(err error, password string) error {
	if err == nil || password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), password, "********"))
}
