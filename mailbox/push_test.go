package mailbox

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

func TestPushAppendsOnce(t *testing.T) {
	srv, _ := startMem(t, memOptions{})
	var d disk
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")

	rep := srv.mustPush(t, &d, a, b)
	if want := []string{a.ID, b.ID}; !slices.Equal(rep.Appended, want) || rep.Mailbox != "Drafts" {
		t.Fatalf("first push: appended %v in %q, want %v in Drafts", rep.Appended, rep.Mailbox, want)
	}
	msgs := srv.look(t, "Drafts")
	if len(msgs) != 2 {
		t.Fatalf("Drafts holds %d messages, want 2:\n%s", len(msgs), describe(msgs))
	}
	for i, want := range []Draft{a, b} {
		m := msgs[i]
		if !bytes.Equal(m.Data, want.Data) {
			t.Errorf("copy of %s: bytes differ:\n%q\nwant\n%q", want.ID, m.Data, want.Data)
		}
		if !hasFlag(m.Flags, imap.FlagDraft) || !hasFlag(m.Flags, imap.FlagSeen) {
			t.Errorf("copy of %s: flags %v, want \\Draft and \\Seen", want.ID, m.Flags)
		}
	}

	saves := d.saves
	rep = srv.mustPush(t, &d, a, b)
	if rep.Unchanged != 2 || len(rep.Appended)+len(rep.Replaced)+len(rep.Removed)+len(rep.Kept) != 0 {
		t.Errorf("second push: %+v, want 2 unchanged and nothing else", rep)
	}
	if d.saves != saves {
		t.Errorf("second push saved the state %d times, want none", d.saves-saves)
	}
	if again := srv.look(t, "Drafts"); len(again) != 2 || again[0].UID != msgs[0].UID || again[1].UID != msgs[1].UID {
		t.Errorf("second push changed Drafts:\n%s", describe(again))
	}
}

func TestPushReplacesOnlyTheChangedDraft(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    memOptions
	}{
		{"UIDPLUS", memOptions{}},
		{"IMAP4rev1 only", memOptions{caps: imap.CapSet{imap.CapIMAP4rev1: {}}, noUIDPlus: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := startMem(t, tc.o)
			var d disk
			a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
			mine := []byte("Subject: my own draft\r\n\r\nhello\r\n")
			srv.put(t, "Drafts", mine, time.Time{}, imap.FlagDraft)
			srv.mustPush(t, &d, a, b)
			before := srv.look(t, "Drafts")

			a2 := draft("acme-thanks", "Thank you, Helen, for the tour.")
			rep := srv.mustPush(t, &d, a2, b)
			if !slices.Equal(rep.Replaced, []string{a.ID}) || rep.Unchanged != 1 {
				t.Fatalf("report %+v, want %s replaced and 1 unchanged", rep, a.ID)
			}
			after := srv.look(t, "Drafts")
			if got := copiesOf(after, a.ID); len(got) != 1 || !bytes.Equal(got[0].Data, a2.Data) {
				t.Errorf("copies of the changed draft:\n%s", describe(got))
			}
			if got, was := copiesOf(after, b.ID), copiesOf(before, b.ID); len(got) != 1 || got[0].UID != was[0].UID {
				t.Errorf("the unchanged draft's copy moved: %s", describe(got))
			}
			if len(after) != 3 || !bytes.Equal(after[0].Data, mine) {
				t.Errorf("Drafts after the replacement:\n%s", describe(after))
			}
			if rep := srv.mustPush(t, &d, a2, b); rep.Unchanged != 2 {
				t.Errorf("push after the replacement: %+v", rep)
			}
		})
	}
}

// Without UIDPLUS, EXPUNGE would take every \Deleted message: push
// leaves its old copy flagged rather than expunge one of the user's.
func TestPushNeverExpungesTheUsersDeletedMessages(t *testing.T) {
	srv, _ := startMem(t, memOptions{caps: imap.CapSet{imap.CapIMAP4rev1: {}}})
	var d disk
	a := draft("acme-thanks", "Thank you, Helen.")
	srv.mustPush(t, &d, a)
	theirs := srv.put(t, "Drafts", []byte("Subject: deleted, not expunged\r\n\r\nx\r\n"), time.Time{}, imap.FlagDeleted)

	srv.mustPush(t, &d, draft("acme-thanks", "Thank you again."))
	after := srv.look(t, "Drafts")
	if !slices.ContainsFunc(after, func(h held) bool { return h.UID == theirs }) {
		t.Fatalf("the user's \\Deleted message was expunged:\n%s", describe(after))
	}
	var live int
	for _, h := range copiesOf(after, a.ID) {
		if !hasFlag(h.Flags, imap.FlagDeleted) {
			live++
		}
	}
	if live != 1 {
		t.Errorf("%d live copies, want 1:\n%s", live, describe(after))
	}
	if rep := srv.mustPush(t, &d, draft("acme-thanks", "Thank you again.")); rep.Unchanged != 1 || len(rep.Kept) != 0 {
		t.Errorf("push after: %+v", rep)
	}
}

func TestPushLetsGoOfEditedAndGoneCopies(t *testing.T) {
	srv, _ := startMem(t, memOptions{})
	var d disk
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
	srv.mustPush(t, &d, a, b)
	msgs := srv.look(t, "Drafts")

	// The user edits a's copy (their program saves a new message that
	// keeps our header, and expunges ours) and sends b's.
	edited := srv.put(t, "Drafts", eml(a.ID, "Thank you, Helen! (edited by hand)"), time.Time{}, imap.FlagDraft, imap.FlagSeen)
	srv.expunge(t, "Drafts", copiesOf(msgs, a.ID)[0].UID)
	srv.expunge(t, "Drafts", copiesOf(msgs, b.ID)[0].UID)

	a2, b2 := draft(a.ID, "Thank you, Helen, changed in the note."), draft(b.ID, "Changed too.")
	rep := srv.mustPush(t, &d, a2, b2)
	want := []string{a.File + ": edited in Drafts, left alone", b.File + ": no longer in Drafts (sent or deleted), not pushed again"}
	if !slices.Equal(rep.Kept, want) || len(rep.Appended)+len(rep.Replaced) != 0 {
		t.Fatalf("report %+v, want kept %v", rep, want)
	}
	after := srv.look(t, "Drafts")
	if len(after) != 1 || after[0].UID != edited {
		t.Fatalf("Drafts:\n%s", describe(after))
	}
	// Never pushed again, and reported once.
	rep = srv.mustPush(t, &d, a2, b2)
	if len(rep.Kept)+len(rep.Appended)+len(rep.Replaced)+rep.Unchanged != 0 {
		t.Errorf("push after: %+v, want nothing", rep)
	}
	if got := srv.look(t, "Drafts"); len(got) != 1 {
		t.Errorf("Drafts:\n%s", describe(got))
	}
}

func TestPushRemovesDraftsNoLongerDue(t *testing.T) {
	srv, _ := startMem(t, memOptions{})
	var d disk
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
	mine := srv.put(t, "Drafts", []byte("Subject: mine\r\n\r\nx\r\n"), time.Time{})
	srv.mustPush(t, &d, a, b)

	rep := srv.mustPush(t, &d, b)
	if !slices.Equal(rep.Removed, []string{a.ID}) {
		t.Fatalf("report %+v, want %s removed", rep, a.ID)
	}
	after := srv.look(t, "Drafts")
	if len(after) != 2 || after[0].UID != mine || after[1].id() != b.ID {
		t.Fatalf("Drafts:\n%s", describe(after))
	}
	if st := d.load(t); len(st.Drafts) != 1 {
		t.Errorf("state still holds %d drafts", len(st.Drafts))
	}
	// Due again, it is pushed again: push had removed it, not the user.
	if rep := srv.mustPush(t, &d, a, b); !slices.Equal(rep.Appended, []string{a.ID}) {
		t.Errorf("due again: %+v", rep)
	}
}

func TestPushDryRunChangesNothing(t *testing.T) {
	srv, _ := startMem(t, memOptions{})
	var d disk
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
	srv.mustPush(t, &d, a)
	before, saved := srv.look(t, "Drafts"), string(d.saved)

	srv.opts.DryRun = true
	rep := srv.mustPush(t, &d, draft(a.ID, "changed"), b)
	if !slices.Equal(rep.Replaced, []string{a.ID}) || !slices.Equal(rep.Appended, []string{b.ID}) {
		t.Errorf("dry run reports %+v", rep)
	}
	if after := srv.look(t, "Drafts"); len(after) != len(before) || after[0].UID != before[0].UID {
		t.Errorf("dry run changed Drafts:\n%s", describe(after))
	}
	if string(d.saved) != saved {
		t.Error("dry run saved the state")
	}
}

func TestPushFindsReplies(t *testing.T) {
	srv, _ := startMem(t, memOptions{})
	var d disk
	a := draft("acme-thanks", "Thank you, Helen.")
	interview := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	people := []Person{{Note: a.Note, Name: "Helen Moreau", Email: "helen@acme.example", Since: interview}}
	if _, err := srv.pushTo(t, &d, []Draft{a}, people, nil); err != nil {
		t.Fatal(err)
	}

	msg := func(from, subject, extra string) []byte {
		return []byte("From: " + from + "\r\nTo: alex@example.com\r\nSubject: " + subject +
			"\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject + "@mail.example>\r\n" + extra + "\r\nhello\r\n")
	}
	after := interview.Add(72 * time.Hour)
	srv.put(t, "INBOX", msg("Helen Moreau <HELEN@acme.example>", "next-steps", ""), after)
	srv.put(t, "INBOX", msg("Helen Moreau <helen@acme.example>", "before", ""), interview.Add(-72*time.Hour))
	srv.put(t, "INBOX", msg("Someone <someone@helen@acme.example.net>", "lookalike", ""), after)
	srv.put(t, "INBOX", msg("Sam Lee <sam@acme.example>", "re-thanks", "In-Reply-To: <acme-thanks@followup.invalid>\r\n"), after)

	rep, err := srv.pushTo(t, &d, []Draft{a}, people, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Replies {
		got = append(got, r.Note+" "+r.From+" "+r.Subject)
	}
	want := []string{a.Note + " Helen Moreau next-steps", a.Note + " Sam Lee re-thanks"}
	if !slices.Equal(got, want) {
		t.Fatalf("replies %q, want %q", got, want)
	}
	for _, m := range srv.look(t, "INBOX") {
		if hasFlag(m.Flags, imap.FlagSeen) {
			t.Errorf("push marked %s \\Seen", m.Data[:20])
		}
	}
	rep, err = srv.pushTo(t, &d, []Draft{a}, people, nil)
	if err != nil || len(rep.Replies) != 0 {
		t.Errorf("second look: %v, %v; want no new reply", rep.Replies, err)
	}
}
