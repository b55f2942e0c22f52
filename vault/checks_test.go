package vault

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestGuessAddress(t *testing.T) {
	tests := []struct {
		name  string
		known []known
		want  string // the address, or the start of the reason
	}{
		{"Raj Patel", []known{{"Jane Doe", "jane.doe@acme.com"}}, "raj.patel@acme.com"},
		{"Raj Patel", []known{{"Jane Doe", "jdoe@acme.com"}, {"Wei Zhang", "wzhang@acme.com"}}, "rpatel@acme.com"},
		{"Zoë Müller", []known{{"José García", "jose_garcia@acme.com"}}, "zoe_muller@acme.com"},
		{"Raj Patel", []known{{"Jane Doe", "jane@acme.com"}}, "raj@acme.com"},
		{"Raj Patel", []known{{"Jane Doe", "j.doe@acme.com"}}, "r.patel@acme.com"},
		{"Raj Patel", []known{{"Jane Doe", "janedoe@acme.com"}}, "rajpatel@acme.com"},
		// hiring@ fits no pattern and tells nothing.
		{"Raj Patel", []known{{"Jane Doe", "jane.doe@acme.com"}, {"Recruiting Team", "hiring@acme.com"}}, "raj.patel@acme.com"},
		{"Raj Patel", []known{{"Jane Doe", "jane.doe@acme.com"}, {"Wei Zhang", "wzhang@acme.com"}}, "the addresses known at the company follow different patterns"},
		{"Raj Patel", []known{{"Jane Doe", "jane.doe@acme.com"}, {"Wei Zhang", "wei.zhang@acme.co.uk"}}, "the addresses known at the company use more than one domain"},
		{"Raj", []known{{"Jane Doe", "jane.doe@acme.com"}}, ""}, // one name: nothing to go by
		{"Raj Patel", nil, ""},
	}
	for _, tt := range tests {
		addr, why := guessAddress(tt.name, tt.known)
		got := addr
		if got == "" {
			got = why
		}
		if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
			t.Errorf("guessAddress(%q, %v) = %q, %q; want %q", tt.name, tt.known, addr, why, tt.want)
		}
	}
}

func TestMissingEmailFromPersonNotes(t *testing.T) {
	fsys := fstest.MapFS{
		"people/Jane Doe.md": {Data: []byte("---\ncompany: Acme Corp\nemail: jdoe@acme.com\n---\n")},
		"n.md":               {Data: []byte("---\ncompany: Acme Corp\ndate: 2026-11-18\nstatus: ready\ninterviewers:\n  - Raj Patel\n---\n## Raj\nThanks.\n")},
	}
	cfg := DefaultConfig(time.UTC)
	cfg.Candidate.Name, cfg.Candidate.Email = "Alex Rivera", "alex@example.com"
	v := Open(fsys, cfg)
	if len(v.Diagnostics) != 1 || v.Diagnostics[0].Suggestion != "rpatel@acme.com" || v.Diagnostics[0].Line != 6 {
		t.Errorf("diagnostics %v, want one missing-email at 6:5 suggesting rpatel@acme.com, from a person note nobody links to", v.Diagnostics)
	}
}

func TestEarlyFollowUp(t *testing.T) {
	fsys := fstest.MapFS{"n.md": {Data: []byte("---\ncompany: Acme\ndate: 2026-11-18\ndecision_date: 2026-11-25\nsent: 2026-11-18\nfollowups:\n  - 2026-11-24\n  - 2026-11-26\ninterviewers: [Jane <j@acme.com>]\n---\n")}}
	v := Open(fsys, DefaultConfig(time.UTC))
	if len(v.Diagnostics) != 1 || v.Diagnostics[0].Code != CodeEarlyFollowUp || v.Diagnostics[0].Line != 7 || v.Diagnostics[0].Col != 5 {
		t.Errorf("diagnostics %v, want early-follow-up at 7:5 only (the one on the 26th is after the decision)", v.Diagnostics)
	}
}

// TestCandidate: one warning for the vault when a ready note's drafts
// would be unsigned or, by e-mail, have no From; none for drafts, or for
// letters without the candidate's address.
func TestCandidate(t *testing.T) {
	ready := "---\ncompany: Acme\ndate: 2026-11-18\nstatus: ready\nchannel: %s\ninterviewers: [Jane Doe <jane@acme.example>, Raj Patel <raj@acme.example>]\n---\n"
	tests := []struct {
		name, email, channel, status string
		want                         string
	}{
		{"", "", "email", "ready", "candidate.name and candidate.email are not set, so the drafts are unsigned and the e-mails have no From"},
		{"Alex", "", "email", "ready", "candidate.email is not set, so the e-mails have no From"},
		{"", "alex@example.com", "email", "ready", "candidate.name is not set, so the drafts are unsigned"},
		{"Alex", "", "letter", "ready", ""},
		{"", "", "email", "draft", ""},
		{"Alex", "alex@example.com", "email", "ready", ""},
	}
	for _, tt := range tests {
		cfg := DefaultConfig(time.UTC)
		cfg.Candidate.Name, cfg.Candidate.Email = tt.name, tt.email
		note := strings.Replace(fmt.Sprintf(ready, tt.channel), "status: ready", "status: "+tt.status, 1)
		v := Open(fstest.MapFS{"a.md": {Data: []byte(note)}, "b.md": {Data: []byte(note)}}, cfg)
		var got []string
		for _, d := range v.Diagnostics {
			if d.Code == CodeCandidate {
				got = append(got, d.String())
			}
		}
		want := []string{}
		if tt.want != "" {
			want = []string{"followup.yaml:1:1: warning: " + tt.want + ": fill in candidate: in followup.yaml [candidate]"}
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%+v: %q, want %q", tt, got, want)
		}
	}
}

// TestWarningCodes: the list checks.disable is checked against is sorted,
// each code once, and every code in it is a warning's, not an error's.
func TestWarningCodes(t *testing.T) {
	if !slices.IsSorted(WarningCodes) || len(slices.Compact(slices.Clone(WarningCodes))) != len(WarningCodes) {
		t.Errorf("WarningCodes is not sorted or repeats a code: %v", WarningCodes)
	}
	for _, c := range []Code{CodeSyntax, CodeUnclosed, CodeEncoding, CodeMissing, CodeType, CodeValue, CodeDate, CodeTimezone,
		CodeDuration, CodeNoName, CodeDecision, CodeUnreadable, CodeTooLarge, CodeConfig, CodeTemplate} {
		if slices.Contains(WarningCodes, c) {
			t.Errorf("%s, the code of an error, can be disabled", c)
		}
	}
}
