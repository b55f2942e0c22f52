package mailbox

import (
	"bytes"
	"context"
	"fmt"
	"followup/render"
	"net/mail"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// commonDrafts are the names Drafts goes by where no folder is marked
// \Drafts, in the order they are tried.
var commonDrafts = []string{"Drafts", "INBOX.Drafts", "[Gmail]/Drafts", "Draft"}

// draftsFolder finds the Drafts folder: the configured one, else the one
// marked \Drafts (RFC 6154), else one of the common names. RETURN
// (SPECIAL-USE) is asked only of servers that advertise it, since others
// may refuse the whole LIST; many of those still send the attribute.
func (s *session) draftsFolder(ctx context.Context, configured string) (string, error) {
	if configured != "" {
		return configured, nil
	}
	if s.caps.Has(imap.CapSpecialUse) {
		list, err := s.c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
		if err != nil {
			return "", s.fail(ctx, "list folders on", err)
		}
		if name := marked(list); name != "" {
			return name, nil
		}
	}
	list, err := s.c.List("", "*", nil).Collect()
	if err != nil {
		return "", s.fail(ctx, "list folders on", err)
	}
	if name := marked(list); name != "" {
		return name, nil
	}
	for _, want := range commonDrafts {
		for _, l := range list {
			if strings.EqualFold(l.Mailbox, want) && selectable(l) {
				return l.Mailbox, nil
			}
		}
	}
	return "", fmt.Errorf("mailbox: %s: no Drafts folder: none is marked \\Drafts or named %s", s.addr, strings.Join(commonDrafts, ", "))
}

func marked(list []*imap.ListData) string {
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrDrafts) && selectable(l) {
			return l.Mailbox
		}
	}
	return ""
}

// hasFlag compares as IMAP does, without case: servers differ.
func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	return slices.ContainsFunc(flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}

// hasAttr is hasFlag for the attributes of a folder.
func hasAttr(attrs []imap.MailboxAttr, a imap.MailboxAttr) bool {
	return slices.ContainsFunc(attrs, func(b imap.MailboxAttr) bool { return strings.EqualFold(string(b), string(a)) })
}

func selectable(l *imap.ListData) bool {
	return !hasAttr(l.Attrs, imap.MailboxAttrNoSelect) && !hasAttr(l.Attrs, imap.MailboxAttrNonExistent)
}

// copies are the messages of the selected folder that carry render.HeaderID
// (or, unless id is "", that value of it), with the hash of their bytes.
// Fetching whole messages is fine: there are a few, and they are small.
func (s *session) copies(ctx context.Context, id string) ([]draftCopy, error) {
	found, err := s.c.UIDSearch(&imap.SearchCriteria{
		Header: []imap.SearchCriteriaHeaderField{{Key: render.HeaderID, Value: id}},
	}, nil).Wait()
	if err != nil {
		return nil, s.fail(ctx, "search Drafts on", err)
	}
	return s.fetchCopies(ctx, found.AllUIDs(), id)
}

// fetchCopies fetches the messages uids of the selected folder and
// returns those that carry render.HeaderID (id's value, unless id is "").
func (s *session) fetchCopies(ctx context.Context, uids []imap.UID, id string) ([]draftCopy, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	whole := &imap.FetchItemBodySection{Peek: true}
	msgs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:         true,
		Flags:       true,
		BodySection: []*imap.FetchItemBodySection{whole},
	}).Collect()
	if err != nil {
		return nil, s.fail(ctx, "fetch from Drafts on", err)
	}
	var out []draftCopy
	for _, m := range msgs {
		data := m.FindBodySection(whole)
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			continue // not a message push could have made
		}
		got := strings.TrimSpace(msg.Header.Get(render.HeaderID))
		if got == "" || (id != "" && got != id) {
			continue // the search matches a substring
		}
		out = append(out, draftCopy{
			UID:     uint32(m.UID),
			ID:      got,
			Hash:    hashOf(data),
			Deleted: hasFlag(m.Flags, imap.FlagDeleted),
		})
	}
	return out, nil
}

// append puts a draft into the folder and returns its UID: from the
// APPENDUID of UIDPLUS, else found again by its header and bytes.
func (s *session) append(ctx context.Context, folder string, validity uint32, d *prepared) (uint32, error) {
	cmd := s.c.Append(folder, int64(len(d.data)), &imap.AppendOptions{
		Flags: []imap.Flag{imap.FlagDraft, imap.FlagSeen},
	})
	_, werr := cmd.Write(d.data)
	cerr := cmd.Close()
	res, err := cmd.Wait()
	if err == nil {
		err = werr
	}
	if err == nil {
		err = cerr
	}
	if err != nil {
		return 0, s.fail(ctx, "append "+d.File+" to "+folder+" on", err)
	}
	if res != nil && res.UID != 0 && (res.UIDValidity == 0 || res.UIDValidity == validity) {
		return uint32(res.UID), nil
	}
	found, err := s.copies(ctx, d.ID)
	if err != nil {
		return 0, err
	}
	var uid uint32
	for _, c := range found {
		if c.Hash == d.hash && !c.Deleted && c.UID > uid {
			uid = c.UID
		}
	}
	if uid == 0 {
		return 0, fmt.Errorf("mailbox: append %s to %s on %s: the copy cannot be found after it was appended", d.File, folder, s.addr)
	}
	return uid, nil
}

// remove deletes copies of ours. With UIDPLUS, UID EXPUNGE removes
// exactly them. Without it, EXPUNGE would remove every message flagged
// \Deleted, some perhaps by the user, so it is sent only when ours are
// the only ones; else they stay flagged, which mail programs hide.
func (s *session) remove(ctx context.Context, uids []uint32) error {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	err := s.c.Store(set, &imap.StoreFlags{
		Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted},
	}, nil).Close()
	if err != nil {
		return s.fail(ctx, "flag an old copy \\Deleted on", err)
	}
	if s.caps.Has(imap.CapUIDPlus) {
		if _, err := s.c.UIDExpunge(set).Collect(); err != nil {
			return s.fail(ctx, "expunge an old copy on", err)
		}
		return nil
	}
	flagged, err := s.c.UIDSearch(&imap.SearchCriteria{Flag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return s.fail(ctx, "search Drafts on", err)
	}
	for _, u := range flagged.AllUIDs() {
		if !set.Contains(u) {
			return nil
		}
	}
	if _, err := s.c.Expunge().Collect(); err != nil {
		return s.fail(ctx, "expunge an old copy on", err)
	}
	return nil
}
