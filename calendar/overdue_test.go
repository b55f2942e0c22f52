package calendar

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"followup/vault"
)

func TestOverdue(t *testing.T) {
	fsys := fstest.MapFS{
		"ready.md": {Data: []byte("---\ncompany: Acme\ndate: 2026-11-18T14:00\nstatus: ready\ninterviewers: [Jane Doe <j@acme.com>]\n---\n")},
		"draft.md": {Data: []byte("---\ncompany: Globex\ndate: 2026-11-19T14:00\ninterviewers: [Hank <h@globex.com>]\n---\n")},
		"sent.md":  {Data: []byte("---\ncompany: Initech\ndate: 2026-11-18T09:00\nsent: 2026-11-18\ninterviewers: [Bill <b@initech.com>]\n---\n")},
	}
	cfg := vault.DefaultConfig(time.UTC)
	v := vault.Open(fsys, cfg)
	overdue := func(now time.Time) []vault.Diagnostic { return Overdue(DuesOf(v.Notes, cfg), now, cfg) }
	// Acme's deadline is 19 Nov 15:00 UTC; Globex's 20 Nov 15:00.
	got := overdue(time.Date(2026, 11, 19, 15, 30, 0, 0, time.UTC))
	if len(got) != 1 || got[0].Path != "ready.md" || got[0].Line != 4 || got[0].Code != vault.CodeOverdue {
		t.Fatalf("Overdue = %v, want ready.md at its status line", got)
	}
	if !strings.Contains(got[0].Message, "were due Thu 19 Nov 15:00, less than an hour ago") {
		t.Errorf("message %q", got[0].Message)
	}
	if got := overdue(time.Date(2026, 11, 19, 14, 59, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("before the deadline: %v", got)
	}
	if got := overdue(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)); len(got) != 2 || got[0].Path != "draft.md" || got[0].Line != 3 {
		t.Errorf("days later: %v, want both unsent notes, the draft at its date line", got)
	}
	cfg.Checks.Disable = []vault.Code{vault.CodeOverdue}
	if got := overdue(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("disabled: %v", got)
	}
}
