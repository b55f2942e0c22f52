package mailbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"followup/render"
	"net/mail"
	"slices"
	"sort"
	"strings"
)

// A prepared draft is a Draft with the bytes that go to the server and
// what push knows them by.
type prepared struct {
	Draft
	data      []byte // CRLF line ends, as IMAP wants and servers give back
	hash      string
	messageID string
}

// prepare checks that each draft names itself, since a copy push cannot
// find again would be appended on every run.
func prepare(drafts []Draft) (map[string]*prepared, error) {
	out := make(map[string]*prepared, len(drafts))
	for _, d := range drafts {
		data := crlf(d.Data)
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("mailbox: %s: not a message: %v", d.File, err)
		}
		if got := strings.TrimSpace(msg.Header.Get(render.HeaderID)); d.ID == "" || got != d.ID {
			return nil, fmt.Errorf("mailbox: %s: its %s header is %q, not its ID %q", d.File, render.HeaderID, got, d.ID)
		}
		if _, dup := out[d.ID]; dup {
			return nil, fmt.Errorf("mailbox: %s: two drafts have the ID %q", d.File, d.ID)
		}
		out[d.ID] = &prepared{
			Draft:     d,
			data:      data,
			hash:      hashOf(data),
			messageID: strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>"),
		}
	}
	return out, nil
}

// crlf ends every line with CRLF: a message literal is CRLF text
// (RFC 9051 section 4.3), and the bytes a server gives back, which push
// hashes, are CRLF whatever it stores.
func crlf(b []byte) []byte {
	if !bytes.Contains(b, []byte("\n")) || bytes.Count(b, []byte("\n")) == bytes.Count(b, []byte("\r\n")) {
		return b
	}
	var out bytes.Buffer
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out.WriteByte('\r')
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A draftCopy is a message in Drafts that carries render.HeaderID.
type draftCopy struct {
	UID     uint32
	ID      string // the header's value
	Hash    string // of its bytes
	Deleted bool   // flagged \Deleted: on its way out, by us or the user
}

// What a step reports.
const (
	kindNone      = ""
	kindAppended  = "appended"
	kindReplaced  = "replaced"
	kindRemoved   = "removed"
	kindUnchanged = "unchanged"
	kindKept      = "kept"
)

// A step is what push does for one draft ID.
type step struct {
	id     string
	draft  *prepared // nil: the draft is no longer due
	append bool      // append draft's bytes
	stale  []uint32  // copies of ours to remove, after any append
	next   Pushed    // the entry once done; next.UID is 0 when appending
	drop   bool      // the entry leaves the state once done
	kind   string
}

// changes says whether the step does anything at all, on the server or
// in the state.
func (s step) changes(st *State) bool {
	if s.append || len(s.stale) > 0 {
		return true
	}
	p, ok := st.Drafts[s.id]
	if s.drop {
		return ok
	}
	return !ok || !samePushed(p, s.next)
}

func samePushed(a, b Pushed) bool {
	return a.Note == b.Note && a.File == b.File && a.Hash == b.Hash && a.MessageID == b.MessageID &&
		a.Mailbox == b.Mailbox && a.UIDValidity == b.UIDValidity && a.UID == b.UID &&
		a.Appending == b.Appending && slices.Equal(a.Stale, b.Stale) && a.Done == b.Done
}

// plan decides, from what Drafts holds and what the state remembers,
// what to do for each draft. It is the whole of push's judgement; the
// rest carries it out.
//
// A copy is ours when its UID is one we recorded in this folder under
// the same UIDVALIDITY (messages are immutable, so it is unedited), or
// when its bytes are bytes we appended or were appending. Any other
// message with a draft's header is the user's: from then on the draft
// is theirs.
func plan(folder string, validity uint32, copies []draftCopy, drafts map[string]*prepared, st *State) []step {
	byID := map[string][]draftCopy{}
	for _, c := range copies {
		byID[c.ID] = append(byID[c.ID], c)
	}
	ids := make([]string, 0, len(drafts)+len(st.Drafts))
	for id := range drafts {
		ids = append(ids, id)
	}
	for id := range st.Drafts {
		if drafts[id] == nil {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)

	var steps []step
	for _, id := range ids {
		d := drafts[id]
		p, inState := st.Drafts[id]
		if inState && p.Done != "" {
			continue
		}
		known := inState && validity != 0 && p.Mailbox == folder && p.UIDValidity == validity
		ours := func(c draftCopy) bool {
			switch {
			case known && c.UID != 0 && (c.UID == p.UID || slices.Contains(p.Stale, c.UID)):
				return true
			case inState && ((p.Hash != "" && c.Hash == p.Hash) || (p.Appending != "" && c.Hash == p.Appending)):
				return true
			}
			return d != nil && c.Hash == d.hash
		}
		var mine, live []draftCopy
		others := 0
		for _, c := range byID[id] {
			switch {
			case ours(c):
				mine = append(mine, c)
				if !c.Deleted {
					live = append(live, c)
				}
			case !c.Deleted:
				others++
			}
		}

		note, file := p.Note, p.File
		if d != nil {
			note, file = d.Note, d.File
		}
		letGo := func(why string) step {
			next := p
			next.Note, next.File, next.Done = note, file, why
			next.Appending, next.Stale = "", nil
			return step{id: id, draft: d, next: next, kind: kindKept}
		}

		switch {
		case others > 0:
			// The user's version is there: theirs to send or delete.
			steps = append(steps, letGo(doneEdited))
			continue
		case len(live) == 0 && inState && p.UID != 0 && p.Mailbox == folder:
			// It was there and is not: sent, or deleted.
			steps = append(steps, letGo(doneGone))
			continue
		}

		if d == nil {
			s := step{id: id, drop: true, next: p}
			if len(mine) > 0 {
				s.stale, s.kind = uids(mine), kindRemoved
				s.next.Mailbox, s.next.UIDValidity = folder, validity
			}
			steps = append(steps, s)
			continue
		}

		var keep *draftCopy
		for i, c := range live {
			if c.Hash != d.hash {
				continue
			}
			if keep == nil || known && c.UID == p.UID {
				keep = &live[i]
			}
		}
		var stale []draftCopy
		for _, c := range mine {
			if keep == nil || c.UID != keep.UID {
				stale = append(stale, c)
			}
		}
		s := step{
			id:    id,
			draft: d,
			stale: uids(stale),
			next: Pushed{
				Note: d.Note, File: d.File, Hash: d.hash, MessageID: d.messageID,
				Mailbox: folder, UIDValidity: validity,
			},
		}
		wasThere := inState && known && p.UID != 0
		switch {
		case keep == nil:
			s.append = true
			s.kind = kindAppended
			if len(live) > 0 {
				s.kind = kindReplaced
			}
		case !wasThere:
			// Appended by a push cut off before it could say so.
			s.next.UID, s.kind = keep.UID, kindAppended
		case keep.UID != p.UID || len(stale) > 0:
			s.next.UID, s.kind = keep.UID, kindReplaced
		default:
			s.next.UID, s.kind = keep.UID, kindUnchanged
		}
		steps = append(steps, s)
	}
	return steps
}

func uids(cs []draftCopy) []uint32 {
	out := make([]uint32, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.UID)
	}
	slices.Sort(out)
	return out
}
