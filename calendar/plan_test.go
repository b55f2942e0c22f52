package calendar

import (
	"testing"
)

// TestPlan: whether the thank-you is still on the calendar and still
// worth a reminder, the decision day, and the draft each step names.
func TestPlan(t *testing.T) {
	tests := []struct {
		name            string
		fm              string
		unsent, waiting bool
		decision        string // "" for none
		draft           string // the next step's draft, "" for none made
	}{
		{"draft", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\ncontact: Jane Doe\n", true, true, "2026-11-20", ""},
		{"ready", "date: 2026-11-18T10:00\nstatus: ready\ncontact: Jane Doe\n", true, true, "", "follow-up-1"},
		{"sent", "date: 2026-11-18T10:00\nsent: 2026-11-19\ncontact: Jane Doe\nfollowups: [2026-11-30]\n", false, false, "", "follow-up-2"},
		{"status check", "date: 2026-11-18T10:00\nsent: 2026-11-19\ncontact: Jane Doe\nfollowups: [2026-11-30, 2026-12-07]\n", false, false, "", "status-check"},
		{"heard back", "date: 2026-11-18T10:00\ndecision_date: 2026-11-25\nheard_back: 2026-11-19\n", true, false, "2026-11-25", ""},
		{"rejected", "date: 2026-11-18T10:00\ndecision_date: 2026-11-25\noutcome: rejected\n", true, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, cfg := note(t, tt.fm)
			p := PlanOf(n, cfg.Rules)
			if p.Unsent != tt.unsent || p.Waiting != tt.waiting {
				t.Errorf("unsent %t, waiting %t; want %t, %t", p.Unsent, p.Waiting, tt.unsent, tt.waiting)
			}
			if want := (Date{}); tt.decision != "" {
				want = date(tt.decision)
				if p.Decision != want {
					t.Errorf("decision %s, want %s", p.Decision, want)
				}
			} else if !p.Decision.IsZero() {
				t.Errorf("decision %s, want none", p.Decision)
			}
			draft := ""
			if p.Next != nil && p.Next.Drafted {
				draft = p.Next.Name()
			}
			if draft != tt.draft {
				t.Errorf("draft %q, want %q", draft, tt.draft)
			}
		})
	}
}
