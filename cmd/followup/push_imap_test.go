package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"followup/mailbox/mailtest"
)

// TestPushDrafts pushes the example vault's drafts into a real IMAP
// server, Dovecot, as a user would: one copy of each due e-mail draft,
// flagged as a draft, the bytes of the outbox; a second push appends
// nothing; editing a note replaces its copies only; a hand-made draft
// and a copy the user edited survive; a reply in the inbox is reported,
// and status shows it.
func TestPushDrafts(t *testing.T) {
	dc := mailtest.StartDovecot(t)
	dir := copyExample(t)
	appendConfig(t, dir, fmt.Sprintf("mailbox:\n  imap: %s\n  security: none\n  username: %s\n", dc.Addr, dc.User))
	t.Setenv("FOLLOWUP_IMAP_PASSWORD", dc.Password)
	const now = "2026-11-20T17:00:00-05:00"
	push := func(args ...string) string {
		t.Helper()
		var stderr bytes.Buffer
		err := run(context.Background(), append([]string{"--vault", dir, "--now", now, "push"}, args...), nil, io.Discard, &stderr)
		if err != nil && err != errProblems {
			t.Fatalf("push: %v\n%s", err, stderr.String())
		}
		if strings.Contains(stderr.String(), dc.Password) {
			t.Fatalf("push printed the password:\n%s", stderr.String())
		}
		return stderr.String()
	}
	// The outbox's e-mail drafts of ready notes, by their identity.
	outboxDrafts := func() map[string][]byte {
		want := map[string][]byte{}
		for _, folder := range []string{"2026-11-19-acme-corp", "2026-11-20-brightwater-energy", "2026-11-20-fernhill-bank"} {
			emls, _ := filepath.Glob(filepath.Join(dir, "outbox", folder, "*.eml"))
			for _, p := range emls {
				if strings.HasPrefix(filepath.Base(p), "follow-up") {
					continue // not due on 20 Nov
				}
				data, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				want[draftID(data)] = data
			}
		}
		return want
	}
	// The drafts in Drafts, by identity; each must be flagged a draft.
	inDrafts := func() map[string][][]byte {
		got := map[string][][]byte{}
		for _, m := range dc.Messages(t, dc.Drafts) {
			if !strings.Contains(m.Flags, "D") || !strings.Contains(m.Flags, "S") {
				t.Errorf("%s is flagged %q, not a seen draft", m.Name, m.Flags)
			}
			got[draftID(m.Data)] = append(got[draftID(m.Data)], m.Data)
		}
		return got
	}
	lf := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }
	same := func(why string) {
		t.Helper()
		want, got := outboxDrafts(), inDrafts()
		for id, data := range want {
			if len(got[id]) != 1 || !bytes.Equal(lf(got[id][0]), lf(data)) {
				t.Errorf("%s: %d copies of draft %s, or not its bytes", why, len(got[id]), id)
			}
		}
		for id := range got {
			if _, ok := want[id]; !ok && id != "" {
				t.Errorf("%s: draft %s is in Drafts but not due", why, id)
			}
		}
	}

	// The user keeps a draft of their own in Drafts.
	mine := []byte("From: alex@example.com\r\nTo: friend@example.com\r\nSubject: lunch?\r\n\r\nThursday?\r\n")
	dc.Put(t, dc.Drafts, mine, "DS")

	out := push("--dry-run")
	if !strings.Contains(out, "would append outbox/2026-11-19-acme-corp/helen-moreau.eml (to Helen Moreau)") || len(inDrafts()) != 1 {
		t.Errorf("a dry run says:\n%s\nand Drafts holds %d messages", out, len(inDrafts()))
	}
	out = push()
	if n := len(outboxDrafts()); n != 5 || !strings.Contains(out, "5 appended, 0 replaced, 0 removed, 0 unchanged") {
		t.Errorf("the first push of %d drafts says:\n%s", n, out)
	}
	same("the first push")
	if out := push(); !strings.Contains(out, "0 appended, 0 replaced, 0 removed, 5 unchanged") {
		t.Errorf("a second push says:\n%s", out)
	}
	same("a second push")

	// Brightwater's note changes: its two copies are replaced, no other.
	before := inDrafts()
	note := filepath.Join(dir, "interviews/2026/2026-11-20-brightwater-energy.md")
	text, _ := os.ReadFile(note)
	edited := bytes.Replace(text, []byte("role: "), []byte("role: Principal "), 1)
	if bytes.Equal(edited, text) {
		t.Fatal("the Brightwater note has no role to change")
	}
	if err := os.WriteFile(note, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := push(); !strings.Contains(out, "0 appended, 2 replaced, 0 removed, 3 unchanged") {
		t.Errorf("after editing one note:\n%s", out)
	}
	same("after editing one note")
	after := inDrafts()
	changed := 0
	for id, copies := range after {
		if !bytes.Equal(copies[0], before[id][0]) {
			changed++
		}
	}
	if changed != 2 {
		t.Errorf("%d copies changed, want Brightwater's 2", changed)
	}

	// The user edits Helen's copy in their mail client: the client saves
	// a new message and removes ours.
	data, err := os.ReadFile(filepath.Join(dir, "outbox/2026-11-19-acme-corp/helen-moreau.eml"))
	if err != nil {
		t.Fatal(err)
	}
	helen, took := draftID(data), 0
	for _, m := range dc.Messages(t, dc.Drafts) {
		if draftID(m.Data) == helen {
			took++
			dc.Remove(t, dc.Drafts, m.Name)
			dc.Put(t, dc.Drafts, bytes.Replace(m.Data, []byte("Dear Helen"), []byte("Hi Helen"), 1), "DS")
		}
	}
	if took != 1 {
		t.Fatalf("%d copies of Helen's draft to edit", took)
	}
	// Acme's note changes too, and Helen replies.
	note = filepath.Join(dir, "interviews/2026/2026-11-19-acme-corp.md")
	text, _ = os.ReadFile(note)
	if err := os.WriteFile(note, bytes.Replace(text, []byte("role: "), []byte("role: Lead "), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	dc.Put(t, "INBOX", []byte("From: Helen Moreau <helen.moreau@acme.example>\r\nTo: alex.rivera@example.com\r\nSubject: Re: thank you\r\nDate: Sat, 21 Nov 2026 09:00:00 -0500\r\nMessage-ID: <r1@acme.example>\r\n\r\nThanks Alex, we will be in touch.\r\n"), "")
	out = push()
	if !strings.Contains(out, "edited in Drafts, left alone") || !strings.Contains(out, "1 replaced") {
		t.Errorf("after the user edited Helen's copy and Acme changed:\n%s", out)
	}
	if !strings.Contains(out, "interviews/2026/2026-11-19-acme-corp.md: Helen Moreau replied on Sat 21 Nov: record heard_back or the outcome") {
		t.Errorf("the reply is not reported:\n%s", out)
	}
	copies := inDrafts()
	if len(copies[helen]) != 1 || !bytes.Contains(copies[helen][0], []byte("Hi Helen")) {
		t.Errorf("Helen's edited copy: %d copies", len(copies[helen]))
	}
	if !slices.ContainsFunc(dc.Messages(t, dc.Drafts), func(m mailtest.Message) bool { return bytes.Equal(lf(m.Data), lf(mine)) }) {
		t.Error("the user's own draft is gone")
	}
	for _, m := range dc.Messages(t, "INBOX") {
		if strings.Contains(m.Flags, "S") {
			t.Errorf("push marked %s in the inbox as read", m.Name)
		}
	}
	// A third push says nothing of the edit again, nor of the reply.
	if out := push(); strings.Contains(out, "left alone") || strings.Contains(out, "replied") {
		t.Errorf("a third push repeats itself:\n%s", out)
	}

	// status shows the reply beside Acme's items.
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"--vault", dir, "--now", now, "status"}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "Helen Moreau replied Sat 21 Nov: record heard_back or the outcome") {
		t.Errorf("status:\n%s", stdout.String())
	}
	// Once the note records the answer, status no longer asks for it.
	note = filepath.Join(dir, "interviews/2026/2026-11-19-acme-corp.md")
	text, _ = os.ReadFile(note)
	if err := os.WriteFile(note, bytes.Replace(text, []byte("status: ready\n"), []byte("status: ready\nheard_back: 2026-11-21\n"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"--vault", dir, "--now", now, "status"}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "replied") {
		t.Errorf("status after heard_back was recorded:\n%s", stdout.String())
	}

	// Brightwater is sent: its copies, unedited, go.
	note = filepath.Join(dir, "interviews/2026/2026-11-20-brightwater-energy.md")
	text, _ = os.ReadFile(note)
	if err := os.WriteFile(note, bytes.Replace(text, []byte("status: ready"), []byte("status: sent"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := push(); !strings.Contains(out, "2 removed") {
		t.Errorf("after Brightwater was sent:\n%s", out)
	}
	if n := len(inDrafts()); n != 4 { // Acme's two, Fernhill's, the user's own
		t.Errorf("Drafts holds %d messages, want 4", n)
	}
}

// TestPushFailsCleanly: a first push the server refuses (a full mailbox)
// is one line, exit 2, and leaves no push state; a damaged push state is
// refused, not taken for none (push would forget what was sent).
func TestPushFailsCleanly(t *testing.T) {
	dc := mailtest.StartDovecotWith(t, mailtest.Options{QuotaKB: 1})
	dir := copyExample(t)
	appendConfig(t, dir, fmt.Sprintf("mailbox:\n  imap: %s\n  security: none\n  username: %s\n", dc.Addr, dc.User))
	t.Setenv("FOLLOWUP_IMAP_PASSWORD", dc.Password)
	push := func() (int, string) {
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"--vault", dir, "--now", "2026-11-20T17:00:00-05:00", "push"}, nil, io.Discard, &stderr)
		return exitCode(err, &stderr), stderr.String()
	}
	code, out := push()
	last := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	if code != 2 || !strings.HasPrefix(last, "followup: error: push: mailbox: append ") || !strings.Contains(last, "OVERQUOTA") {
		t.Errorf("a push into a full mailbox: exit %d\n%s", code, out)
	}
	state := filepath.Join(dir, "outbox", pushStateFile)
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the failed first push left %s: %v", state, err)
	}
	if err := os.WriteFile(state, []byte(`{"version": 1, "mailbox": {"drafts": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := push(); code != 2 || !strings.Contains(out, "outbox/.followup-push.json is damaged") {
		t.Errorf("a damaged push state: exit %d\n%s", code, out)
	}
}
