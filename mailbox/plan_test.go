package mailbox

import (
	"fmt"
	"testing"
)

// plan in the cases the servers make hard to reach.
func TestPlan(t *testing.T) {
	byID, err := prepare([]Draft{draft("a", "new text")})
	if err != nil {
		t.Fatal(err)
	}
	a := byID["a"]
	old := hashOf(eml("a", "old text"))
	pushed := Pushed{Note: a.Note, File: a.File, Hash: old, Mailbox: "Drafts", UIDValidity: 7, UID: 3}

	for _, tc := range []struct {
		name     string
		folder   string
		validity uint32
		copies   []draftCopy
		state    Pushed
		want     string
	}{
		{
			// UIDs mean nothing under a new UIDVALIDITY: the copy is
			// known for ours by its bytes.
			name: "new UIDVALIDITY, our bytes", folder: "Drafts", validity: 8,
			copies: []draftCopy{{UID: 1, ID: "a", Hash: old}},
			state:  pushed,
			want:   "replaced append=true stale=[1] uid=0",
		},
		{
			name: "new UIDVALIDITY, someone else's bytes", folder: "Drafts", validity: 8,
			copies: []draftCopy{{UID: 3, ID: "a", Hash: "edited"}},
			state:  pushed,
			want:   "kept append=false stale=[] uid=3 done=edited",
		},
		{
			// Pushed to another folder before: its copy there is out of
			// sight, and this folder gets one.
			name: "another folder", folder: "Brouillons", validity: 7,
			state: pushed,
			want:  "appended append=true stale=[] uid=0",
		},
		{
			name: "our copy deleted by the user's program, not expunged", folder: "Drafts", validity: 7,
			copies: []draftCopy{{UID: 3, ID: "a", Hash: old, Deleted: true}},
			state:  pushed,
			want:   "kept append=false stale=[] uid=3 done=gone",
		},
		{
			name: "never appended, an APPEND refused", folder: "Drafts", validity: 7,
			state: Pushed{Note: a.Note, File: a.File, Mailbox: "Drafts", UIDValidity: 7, Appending: a.hash},
			want:  "appended append=true stale=[] uid=0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &State{Drafts: map[string]Pushed{"a": tc.state}}
			steps := plan(tc.folder, tc.validity, tc.copies, byID, st)
			if len(steps) != 1 {
				t.Fatalf("%d steps", len(steps))
			}
			s := steps[0]
			got := fmt.Sprintf("%s append=%v stale=%v uid=%d", s.kind, s.append, s.stale, s.next.UID)
			if s.next.Done != "" {
				got += " done=" + s.next.Done
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
