package mailbox

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// replies looks in the inbox, read-only (EXAMINE, and FETCH of the
// envelope only, so no message is marked \Seen), for mail from people
// since their interview and for answers to the drafts push made. Only
// replies not in the state already are returned.
func (s *session) replies(ctx context.Context, inbox string, people []Person, drafts map[string]*prepared, st *State) ([]Reply, error) {
	if inbox == "" {
		inbox = "INBOX"
	}
	if len(people) == 0 && len(drafts) == 0 && len(st.Drafts) == 0 {
		return nil, nil
	}
	if _, err := s.c.Select(inbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return nil, s.fail(ctx, "examine "+inbox+" on", err)
	}

	// Which notes each message answers, and, for mail found by its
	// sender, whom it must be from: the search matches a substring.
	type match struct {
		note  string
		email string // "" when found by In-Reply-To or References
	}
	found := map[imap.UID][]match{}
	search := func(c *imap.SearchCriteria, m match) error {
		res, err := s.c.UIDSearch(c, nil).Wait()
		if err != nil {
			return s.fail(ctx, "search "+inbox+" on", err)
		}
		for _, uid := range res.AllUIDs() {
			found[uid] = append(found[uid], m)
		}
		return nil
	}
	for _, p := range people {
		if p.Email == "" {
			continue
		}
		c := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: p.Email}}, Since: p.Since}
		if err := search(c, match{note: p.Note, email: p.Email}); err != nil {
			return nil, err
		}
	}
	for _, ref := range pushedIDs(drafts, st) {
		id := "<" + ref.messageID + ">"
		c := &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{
			{Header: []imap.SearchCriteriaHeaderField{{Key: "In-Reply-To", Value: id}}},
			{Header: []imap.SearchCriteriaHeaderField{{Key: "References", Value: id}}},
		}}}
		if err := search(c, match{note: ref.note}); err != nil {
			return nil, err
		}
	}
	if len(found) == 0 {
		return nil, nil
	}

	var set imap.UIDSet
	for uid := range found {
		set.AddNum(uid)
	}
	msgs, err := s.c.Fetch(set, &imap.FetchOptions{UID: true, Envelope: true, InternalDate: true}).Collect()
	if err != nil {
		return nil, s.fail(ctx, "fetch from "+inbox+" on", err)
	}
	seen := map[string]bool{}
	for _, r := range st.Replies {
		seen[replyKey(r)] = true
	}
	var out []Reply
	for _, m := range msgs {
		env := m.Envelope
		if env == nil {
			continue
		}
		var notes []string
		for _, mt := range found[m.UID] {
			if mt.email == "" || fromAddress(env, mt.email) {
				notes = append(notes, mt.note)
			}
		}
		slices.Sort(notes)
		for _, note := range slices.Compact(notes) {
			r := Reply{Note: note, Subject: env.Subject, Date: env.Date, MessageID: env.MessageID}
			if r.Date.IsZero() {
				r.Date = m.InternalDate
			}
			if len(env.From) > 0 {
				r.From = env.From[0].Name
				if r.From == "" {
					r.From = env.From[0].Addr()
				}
			}
			if k := replyKey(r); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].Note < out[j].Note
	})
	return out, nil
}

type pushedRef struct{ note, messageID string }

// pushedIDs are the Message-IDs of the drafts, pushed now or before.
func pushedIDs(drafts map[string]*prepared, st *State) []pushedRef {
	set := map[pushedRef]bool{}
	for _, d := range drafts {
		if d.messageID != "" {
			set[pushedRef{d.Note, d.messageID}] = true
		}
	}
	for _, p := range st.Drafts {
		if p.MessageID != "" {
			set[pushedRef{p.Note, p.MessageID}] = true
		}
	}
	out := make([]pushedRef, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].note != out[j].note {
			return out[i].note < out[j].note
		}
		return out[i].messageID < out[j].messageID
	})
	return out
}

func fromAddress(env *imap.Envelope, email string) bool {
	for _, a := range env.From {
		if strings.EqualFold(a.Addr(), email) {
			return true
		}
	}
	return false
}

// replyKey identifies a reply to a note, so that it is reported once.
func replyKey(r Reply) string {
	if r.MessageID != "" {
		return r.Note + "\x00" + r.MessageID
	}
	return r.Note + "\x00" + r.From + "\x00" + r.Subject + "\x00" + r.Date.UTC().String()
}
