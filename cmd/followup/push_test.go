package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"followup/calendar"
	"followup/mailbox"
	"followup/vault"
)

// TestPassword: the password comes from the first line password_cmd
// prints, else the environment; a failing command's output, which may
// hold it, is never repeated.
func TestPassword(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Setenv("FOLLOWUP_TEST_PW", "from-env")
	for _, tt := range []struct {
		cmd, env, want, err string
	}{
		{"printf 'hunter2\\nsecond line\\n'", "", "hunter2", ""},
		{"printf 'crlf\\r\\n'", "", "crlf", ""},
		{"", "FOLLOWUP_TEST_PW", "from-env", ""},
		{"", "FOLLOWUP_TEST_UNSET", "", "no password for mailbox: set mailbox.password_cmd in followup.yaml"},
		{"echo s3cret-leak; exit 3", "", "", "mailbox.password_cmd failed (exit status 3)"},
		{"true", "", "", "printed nothing"},
	} {
		var stderr bytes.Buffer
		got, err := password(ctx, "mailbox", tt.cmd, tt.env, dir, &stderr)
		if got != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("password(%q, %s) = %q, %v; want %q, %q", tt.cmd, tt.env, got, err, tt.want, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error repeats the command's output: %v", err)
		}
	}
}

// TestPushNotConfigured: without mailbox: and caldav:, push says what to
// add, exits 2, and writes nothing.
func TestPushNotConfigured(t *testing.T) {
	dir := copyExample(t)
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"--vault", dir, "push"}, nil, io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "nowhere to push to: add mailbox:") {
		t.Errorf("exit %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "outbox")); !os.IsNotExist(err) {
		t.Errorf("push without a server made the outbox: %v", err)
	}
}

// TestDueDrafts: on the example vault, the thank-you drafts of ready
// notes are due, and a follow-up exactly from its day on, as the plan
// says; a note that breaks keeps what was pushed of it.
func TestDueDrafts(t *testing.T) {
	dir := copyExample(t)
	e := newTestEngine(t, dir)
	now := time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)
	if _, err := e.Build(context.Background(), nil, now); err != nil {
		t.Fatal(err)
	}
	files := func(ds []mailbox.Draft) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.File)
		}
		return out
	}
	thanks := []string{
		"outbox/2026-11-19-acme-corp/helen-moreau.eml", "outbox/2026-11-19-acme-corp/raj-patel.eml",
		"outbox/2026-11-20-brightwater-energy/daniel-osei.eml", "outbox/2026-11-20-brightwater-energy/sofia-herrera.eml",
		"outbox/2026-11-20-fernhill-bank/amara-mensah.eml",
	}
	followed := 0
	for _, at := range []time.Time{time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC), now, now.AddDate(0, 0, 5), now.AddDate(0, 0, 14)} {
		var follow []string
		for _, n := range e.Vault().Notes {
			if next := calendar.PlanOf(n, e.Vault().Config.Rules).Next; next != nil && next.Drafted && !calendar.DateOf(at.In(n.Zone)).Before(next.Day) && n.Contact.Email != "" {
				follow = append(follow, "outbox/"+strings.TrimSuffix(filepath.Base(n.Path), ".md")+"/"+next.Name()+".eml")
			}
		}
		followed += len(follow)
		drafts, _, _ := dueDrafts(e.Vault(), e.Outbox(), at, nil)
		got, want := files(drafts), slices.Concat(thanks, follow)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("due at %s:\n got %q\nwant %q", at, got, want)
		}
	}
	if followed != 5 {
		t.Errorf("%d follow-ups due over the four times, want 5 (Northwind's second from 25 Nov; Kestrel's, Acme's and Brightwater's first by 4 Dec)", followed)
	}
	drafts, people, _ := dueDrafts(e.Vault(), e.Outbox(), now, nil)
	for _, d := range drafts {
		if len(d.ID) != 32 || !bytes.Contains(d.Data, []byte("X-Followup-Draft: "+d.ID+"\r\n")) || d.Note == "" || d.To == "" {
			t.Errorf("%s: id %q, note %q, to %q", d.File, d.ID, d.Note, d.To)
		}
	}
	if len(people) == 0 {
		t.Error("no one to look for replies from")
	}

	// A draft whose file lost its identity is not pushed, and said.
	fern := filepath.Join(dir, "outbox/2026-11-20-fernhill-bank/amara-mensah.eml")
	data, _ := os.ReadFile(fern)
	if err := os.WriteFile(fern, bytes.Replace(data, []byte("X-Followup-Draft:"), []byte("X-Note:"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if ds, _, unnamed := dueDrafts(e.Vault(), e.Outbox(), now, nil); len(ds) != len(drafts)-1 || !slices.Equal(unnamed, []string{"outbox/2026-11-20-fernhill-bank/amara-mensah.eml"}) {
		t.Errorf("with Amara's draft unnamed: %d drafts, unnamed %q", len(ds), unnamed)
	}
	if err := os.WriteFile(fern, data, 0o644); err != nil {
		t.Fatal(err)
	}

	// Acme breaks: its drafts pushed already stay as they are; those not
	// pushed are not pushed now.
	acme := filepath.Join(dir, "interviews/2026/2026-11-19-acme-corp.md")
	text, _ := os.ReadFile(acme)
	if err := os.WriteFile(acme, append([]byte("---\ncompany: [\n"), text[4:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Build(context.Background(), []string{"interviews/2026/2026-11-19-acme-corp.md"}, now); err != nil {
		t.Fatal(err)
	}
	pushed := map[string]mailbox.Pushed{drafts[0].ID: {}}
	broken, _, _ := dueDrafts(e.Vault(), e.Outbox(), now, pushed)
	if got := files(broken); !slices.Contains(got, drafts[0].File) || slices.Contains(got, drafts[1].File) {
		t.Errorf("with Acme broken: %q, want %s kept and %s not pushed", got, drafts[0].File, drafts[1].File)
	}
}

// TestUntilMorning: watch --push pushes again at five past midnight, the
// start of the day a follow-up is due, in the vault's zone.
func TestUntilMorning(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		now  time.Time
		want time.Duration
	}{
		{time.Date(2026, 11, 20, 17, 0, 0, 0, ny), 7*time.Hour + 5*time.Minute},
		{time.Date(2026, 11, 20, 0, 4, 0, 0, ny), 24*time.Hour + time.Minute},
		{time.Date(2026, 11, 20, 23, 59, 0, 0, ny), 6 * time.Minute},
		{time.Date(2026, 3, 7, 23, 0, 0, 0, ny), time.Hour + 5*time.Minute}, // the night before the clocks go forward
		{time.Date(2026, 10, 31, 12, 0, 0, 0, ny), 12*time.Hour + 5*time.Minute},
	} {
		if got := untilMorning(tt.now); got != tt.want {
			t.Errorf("untilMorning(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
}

// TestInitPushExample: the push sections init's followup.yaml shows, once
// uncommented, are a valid configuration.
func TestInitPushExample(t *testing.T) {
	var lines []string
	on := false
	for _, l := range strings.Split(initConfig, "\n") {
		on = on || strings.HasPrefix(l, "# mailbox:")
		if on {
			lines = append(lines, strings.TrimPrefix(l, "# "))
		}
	}
	cfg, ds := vault.LoadConfig(fstest.MapFS{vault.ConfigFile: {Data: []byte(strings.Join(lines, "\n"))}}, time.UTC)
	if len(ds) > 0 || cfg.Mailbox == nil || cfg.CalDAV == nil || cfg.Mailbox.PasswordCmd == "" {
		t.Errorf("the example: %v, %+v, %+v\n%s", ds, cfg.Mailbox, cfg.CalDAV, strings.Join(lines, "\n"))
	}
}
