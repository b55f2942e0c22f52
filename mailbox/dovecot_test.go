package mailbox

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"followup/mailbox/mailtest"
	"followup/render"
	"followup/vault"
)

func dovecot(t *testing.T, o mailtest.Options) (server, *mailtest.Server) {
	t.Helper()
	dc := mailtest.StartDovecotWith(t, o)
	return server{
		opts: Options{Config: dc.Config(vault.SecurityTLS), Password: dc.Password, tls: dc.TLS},
		user: dc.User,
		pass: dc.Password,
	}, dc
}

// lf is how Dovecot's Maildir stores a message: lines end in LF.
func lf(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

func names(msgs []mailtest.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Name)
	}
	return out
}

func filesOf(msgs []mailtest.Message, id string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range msgs {
		if bytes.Contains(m.Data, []byte("\n"+render.HeaderID+": "+id+"\n")) {
			out = append(out, m)
		}
	}
	return out
}

// The story of one job search against a real server, asserted on what
// lands in the Maildir.
func TestDovecot(t *testing.T) {
	srv, dc := dovecot(t, mailtest.Options{})
	var d disk
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
	interview := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	people := []Person{{Note: a.Note, Name: "Helen Moreau", Email: "helen@acme.example", Since: interview}}
	push := func(drafts ...Draft) Report {
		t.Helper()
		rep, err := srv.pushTo(t, &d, drafts, people, nil)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}

	rep := push(a, b)
	if !slices.Equal(rep.Appended, []string{a.ID, b.ID}) || rep.Mailbox != "Drafts" {
		t.Fatalf("first push: %+v", rep)
	}
	files := dc.Messages(t, "Drafts")
	if len(files) != 2 {
		t.Fatalf("Drafts holds %d files, want 2: %v", len(files), names(files))
	}
	for _, want := range []Draft{a, b} {
		got := filesOf(files, want.ID)
		if len(got) != 1 {
			t.Fatalf("%d files for %s", len(got), want.ID)
		}
		if got[0].Flags != "DS" {
			t.Errorf("%s: flags %q, want DS", got[0].Name, got[0].Flags)
		}
		if !bytes.Equal(got[0].Data, lf(want.Data)) {
			t.Errorf("%s: stored\n%q\nwant the draft's bytes with LF line ends\n%q", got[0].Name, got[0].Data, lf(want.Data))
		}
	}

	// The user's own draft is never touched; a second push changes nothing.
	mine := []byte("From: alex@example.com\nSubject: my own draft\n\nhello\n")
	dc.Put(t, "Drafts", mine, "DS")
	before := names(dc.Messages(t, "Drafts"))
	if rep := push(a, b); rep.Unchanged != 2 || len(rep.Appended)+len(rep.Replaced) != 0 {
		t.Errorf("second push: %+v", rep)
	}
	if after := names(dc.Messages(t, "Drafts")); !slices.Equal(after, before) {
		t.Errorf("second push changed Drafts: %v, was %v", after, before)
	}

	// A changed note replaces exactly its copy.
	a2 := draft(a.ID, "Thank you, Helen, for the tour of the lab.")
	if rep := push(a2, b); !slices.Equal(rep.Replaced, []string{a.ID}) {
		t.Errorf("replace: %+v", rep)
	}
	files = dc.Messages(t, "Drafts")
	if got := filesOf(files, a.ID); len(got) != 1 || !bytes.Equal(got[0].Data, lf(a2.Data)) {
		t.Errorf("copies of the changed draft: %v", names(got))
	}
	if got := filesOf(files, b.ID); len(got) != 1 || !slices.Contains(before, got[0].Name) {
		t.Errorf("the unchanged draft's file changed: %v", names(got))
	}

	// The user edits b's copy: their program writes its own message with
	// our header, and expunges ours. It is kept, reported once, and
	// never pushed again, even when the note changes.
	edited := eml(b.ID, "Thank you, Sam! (my own words)")
	dc.Remove(t, "Drafts", filesOf(files, b.ID)[0].Name)
	editedName := dc.Put(t, "Drafts", edited, "DS")
	b2 := draft(b.ID, "Thank you, Sam, changed in the note.")
	if rep := push(a2, b2); !slices.Equal(rep.Kept, []string{b.File + ": edited in Drafts, left alone"}) {
		t.Errorf("edited: %+v", rep)
	}
	if rep := push(a2, b2); len(rep.Kept)+len(rep.Appended)+len(rep.Replaced) != 0 || rep.Unchanged != 1 {
		t.Errorf("after edited: %+v", rep)
	}

	// a is no longer due: its unedited copy goes; the rest stays.
	if rep := push(b2); !slices.Equal(rep.Removed, []string{a.ID}) {
		t.Errorf("removed: %+v", rep)
	}
	files = dc.Messages(t, "Drafts")
	if len(files) != 2 || len(filesOf(files, a.ID)) != 0 || !slices.Contains(names(files), editedName) ||
		!slices.ContainsFunc(files, func(m mailtest.Message) bool { return bytes.Equal(m.Data, mine) }) {
		t.Errorf("Drafts after the removal: %v", names(files))
	}

	// Replies: from the interviewer, and in reply to a pushed draft.
	dc.Put(t, "INBOX", []byte("From: Helen Moreau <helen@acme.example>\nTo: alex@example.com\nSubject: Next steps\n"+
		"Date: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <next@acme.example>\n\nShall we talk on Friday?\n"), "")
	dc.Put(t, "INBOX", []byte("From: Sam Lee <sam@globex.example>\nTo: alex@example.com\nSubject: Re: Thank you\n"+
		"Date: Wed, 25 Nov 2026 10:00:00 +0000\nMessage-ID: <re@globex.example>\nIn-Reply-To: <"+b.ID+"@followup.invalid>\n\nThanks!\n"), "")
	rep = push(b2)
	var got []string
	for _, r := range rep.Replies {
		got = append(got, r.Note+": "+r.From+": "+r.Subject)
	}
	want := []string{a.Note + ": Helen Moreau: Next steps", b.Note + ": Sam Lee: Re: Thank you"}
	if !slices.Equal(got, want) {
		t.Errorf("replies %q, want %q", got, want)
	}
	for _, m := range dc.Messages(t, "INBOX") {
		if strings.Contains(m.Flags, "S") {
			t.Errorf("%s was marked seen", m.Name)
		}
	}
	if rep := push(b2); len(rep.Replies) != 0 {
		t.Errorf("replies reported twice: %v", rep.Replies)
	}
}

func TestDovecotCutOffConverges(t *testing.T) {
	testCutOff(t, func(t *testing.T) server {
		srv, _ := dovecot(t, mailtest.Options{})
		return srv
	})
}

// A Drafts folder of another name is found by its \Drafts attribute,
// whatever the security.
func TestDovecotFindsDraftsByAttribute(t *testing.T) {
	srv, dc := dovecot(t, mailtest.Options{Drafts: "Brouillons"})
	for _, security := range []string{vault.SecurityTLS, vault.SecuritySTARTTLS, vault.SecurityNone} {
		o := srv.opts
		o.Config = dc.Config(security)
		s := server{opts: o, user: srv.user, pass: srv.pass}
		var d disk
		a := draft("acme-thanks", "Thank you, Helen.")
		if rep := s.mustPush(t, &d, a); rep.Mailbox != "Brouillons" {
			t.Errorf("%s: pushed to %q, want Brouillons", security, rep.Mailbox)
		}
	}
	if files := dc.Messages(t, "Brouillons"); len(files) != 1 {
		t.Errorf("Brouillons holds %d files, want 1 (the second push adopts the first's copy)", len(files))
	}
}

// Over quota, APPEND fails with the server's words, and the state is as
// it was.
func TestDovecotQuota(t *testing.T) {
	srv, dc := dovecot(t, mailtest.Options{QuotaKB: 1})
	var d disk
	big := draft("acme-thanks", strings.Repeat("Thank you, Helen. ", 200))
	_, err := srv.pushTo(t, &d, []Draft{big}, nil, nil)
	if err == nil {
		t.Fatal("push over quota succeeded")
	}
	msg := err.Error()
	if !strings.Contains(msg, "OVERQUOTA") || !strings.Contains(msg, dc.TLSAddr) || strings.Contains(msg, "\n") {
		t.Errorf("error %q: want one line with the address and the server's [OVERQUOTA]", msg)
	}
	if st := d.load(t); len(st.Drafts) != 0 {
		t.Errorf("state after a refused APPEND: %+v", st.Drafts)
	}
	if files := dc.Messages(t, "Drafts"); len(files) != 0 {
		t.Errorf("Drafts holds %v", names(files))
	}
}

func TestDovecotLoginRefused(t *testing.T) {
	srv, dc := dovecot(t, mailtest.Options{})
	srv.opts.Password = "wrong horse"
	var d disk
	_, err := srv.pushTo(t, &d, []Draft{draft("a", "b")}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "login to "+dc.TLSAddr+" as "+dc.User+" refused") ||
		strings.Contains(err.Error(), "wrong horse") {
		t.Errorf("error %v", err)
	}
}
