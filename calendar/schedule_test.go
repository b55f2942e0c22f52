package calendar

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"followup/vault"
)

func date(s string) Date {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return DateOf(t)
}

func rules() Rules {
	r := vault.DefaultConfig(time.UTC).Rules
	r.Holidays = []vault.Moment{{Time: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}}
	return r
}

func TestBusinessDays(t *testing.T) {
	r := rules()
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-11-20", 0, "2026-11-20"}, // a Friday is a business day
		{"2026-11-21", 0, "2026-11-23"}, // a Saturday is not
		{"2026-11-20", 1, "2026-11-23"},
		{"2026-11-20", 2, "2026-11-24"},
		{"2026-11-24", 2, "2026-11-27"}, // skips the holiday on the 26th
		{"2026-11-20", 7, "2026-12-02"},
		{"2026-12-31", 1, "2027-01-01"},
	}
	for _, tt := range tests {
		if got := businessDays(date(tt.from), tt.n, r); got != date(tt.want) {
			t.Errorf("businessDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
	r.Workdays = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}
	if got := businessDays(date("2026-11-19"), 1, r); got != date("2026-11-22") {
		t.Errorf("with a Sunday-to-Thursday week, the day after Thursday = %s, want Sunday 2026-11-22", got)
	}
}

// note decodes one interview note for the schedule tests.
func note(t *testing.T, frontMatter string) (*vault.Note, *vault.Config) {
	t.Helper()
	fsys := fstest.MapFS{
		"followup.yaml": {Data: []byte("timezone: America/New_York\nrules:\n  holidays: [2026-11-26]\n")},
		"n.md":          {Data: []byte("---\ncompany: Acme Corp\ninterviewers: [Jane Doe]\n" + frontMatter + "---\n")},
	}
	cfg, ds := vault.LoadConfig(fsys, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	v := vault.Open(fsys, cfg)
	if len(v.Notes) != 1 {
		t.Fatalf("note did not decode: %v", v.Diagnostics)
	}
	return v.Notes[0], cfg
}

func TestThankYouDeadline(t *testing.T) {
	tests := []struct {
		fm   string
		want string // UTC
	}{
		// 14:00 in New York is 19:00 UTC; the interview lasts an hour.
		{"date: 2026-11-18T14:00\n", "2026-11-19T20:00:00Z"},
		{"date: 2026-11-18T14:00\nduration: 45m\n", "2026-11-19T19:45:00Z"},
		{"date: 2026-11-18T14:00\ntimezone: Europe/Berlin\n", "2026-11-19T14:00:00Z"},
		{"date: 2026-11-18T14:00:00+01:00\n", "2026-11-19T14:00:00Z"},
		// Daylight saving starts on 8 March 2026: 24 hours are 24 hours of
		// elapsed time, so the deadline is 16:00 EDT, not 15:00.
		{"date: 2026-03-07T14:00\n", "2026-03-08T20:00:00Z"},
		// ...and ends on 1 November.
		{"date: 2026-10-31T14:00\n", "2026-11-01T19:00:00Z"}, // 18:00Z + 1h + 24h
	}
	for _, tt := range tests {
		n, cfg := note(t, tt.fm)
		if got := PlanOf(n, cfg.Rules).ThankYou.UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("thank-you deadline of %q = %s, want %s", tt.fm, got, tt.want)
		}
	}
}

func TestNextFollowUp(t *testing.T) {
	tests := []struct {
		name string
		fm   string
		num  int
		day  string // "" when none is due
	}{
		{"after the decision", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\n", 1, "2026-11-24"},
		{"over the holiday", "date: 2026-11-18T10:00\ndecision_date: 2026-11-24\n", 1, "2026-11-27"},
		{"without a decision date", "date: 2026-11-18T10:00\n", 1, "2026-11-30"},
		{"after a logged one", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nfollowups: [2026-11-24]\n", 2, "2026-12-02"},
		{"logged out of order", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nfollowups: [2026-12-02, 2026-11-24]\n", 0, "2026-12-09"},
		{"status check", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nfollowups: [2026-11-24, 2026-12-01]\n", 0, "2026-12-08"},
		{"after the status check", "date: 2026-11-18T10:00\nfollowups: [2026-11-30, 2026-12-07, 2026-12-14]\n", 0, ""},
		{"never before the decision", "date: 2026-11-18T10:00\ndecision_date: 2026-12-10\nfollowups: [2026-11-19]\n", 2, "2026-12-14"},
		{"heard back", "date: 2026-11-18T10:00\nheard_back: 2026-11-20\n", 0, ""},
		{"heard back before the decision", "date: 2026-11-18T10:00\ndecision_date: 2026-11-25\nheard_back: 2026-11-19\n", 1, "2026-11-30"},
		{"heard back after the decision", "date: 2026-11-18T10:00\ndecision_date: 2026-11-25\nheard_back: 2026-11-26\n", 0, ""},
		{"rejected", "date: 2026-11-18T10:00\noutcome: rejected\n", 0, ""},
		{"next round", "date: 2026-11-18T10:00\noutcome: next-round\n", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, cfg := note(t, tt.fm)
			s := PlanOf(n, cfg.Rules).Next
			if tt.day == "" {
				if s != nil {
					t.Errorf("got follow-up %d on %s, want none", s.N, s.Day)
				}
				return
			}
			if s == nil || s.N != tt.num || s.Day != date(tt.day) {
				t.Errorf("got %+v, want %d on %s", s, tt.num, tt.day)
			}
		})
	}
}

func TestScheduleKinds(t *testing.T) {
	tests := []struct {
		name string
		fm   string
		want []string // UIDs
	}{
		{"draft", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\n",
			[]string{"n/interview@followup", "n/thank-you@followup", "n/decision@followup", "n/follow-up-1@followup"}},
		{"sent", "date: 2026-11-18T10:00\nsent: 2026-11-18\n",
			[]string{"n/interview@followup", "n/follow-up-1@followup"}},
		{"offer", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nsent: 2026-11-18\noutcome: offer\n",
			[]string{"n/interview@followup"}},
		// A reply to the thank-you, before the decision date: the decision
		// and the follow-ups are still to come.
		{"heard back before the decision", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nsent: 2026-11-18\nheard_back: 2026-11-19\n",
			[]string{"n/interview@followup", "n/decision@followup", "n/follow-up-1@followup"}},
		{"heard back on the decision date", "date: 2026-11-18T10:00\ndecision_date: 2026-11-20\nsent: 2026-11-18\nheard_back: 2026-11-20\n",
			[]string{"n/interview@followup", "n/decision@followup"}},
		{"own id", "date: 2026-11-18T10:00\nid: acme-1\nstatus: sent\nfollowups: [2026-11-30, 2026-12-07]\n",
			[]string{"acme-1/interview@followup", "acme-1/status-check@followup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, cfg := note(t, tt.fm)
			var got []string
			for _, e := range Schedule(n, cfg) {
				got = append(got, e.UID)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestScheduleAllDayInterview(t *testing.T) {
	n, cfg := note(t, "date: 2026-11-18\n")
	evs := Schedule(n, cfg)
	if !evs[0].AllDay || evs[0].Day != date("2026-11-18") {
		t.Errorf("interview = %+v, want all-day on 2026-11-18", evs[0])
	}
	if evs[1].Kind != ThankYou || !evs[1].AllDay || evs[1].Day != date("2026-11-19") {
		t.Errorf("thank-you = %+v, want all-day on the next day", evs[1])
	}
}

func TestDescribePrivacy(t *testing.T) {
	fm := "date: 2026-11-18T10:00\nrole: SRE\ntopics: [on-call]\ninterviewers:\n  - Raj Patel <raj@acme.example>\n"
	fsys := fstest.MapFS{"n.md": {Data: []byte("---\ncompany: Acme Corp\n" + fm + "---\nPrivate: salary 150k\n## Raj\nSecret personal part\n")}}
	for _, details := range []string{vault.DetailsNone, vault.DetailsNames, vault.DetailsFull} {
		cfg := vault.DefaultConfig(time.UTC)
		cfg.Calendar.Details = details
		v := vault.Open(fsys, cfg)
		for _, e := range Schedule(v.Notes[0], cfg) {
			text := e.Summary + "\n" + e.Description
			has := func(s string) bool { return strings.Contains(text, s) }
			if has("salary") || has("Secret") {
				t.Errorf("%s: note text leaked into %q", details, text)
			}
			switch details {
			case vault.DetailsNone:
				if has("Raj") || has("SRE") || e.Description != "" {
					t.Errorf("none: %q reveals more than the company", text)
				}
			case vault.DetailsNames:
				if e.Kind == ThankYou && !has("Raj Patel") || has("raj@acme.example") || has("on-call") || has("n.md") {
					t.Errorf("names: %q", text)
				}
			case vault.DetailsFull:
				if !has("raj@acme.example") || !has("on-call") || !has("Note: n.md") {
					t.Errorf("full: %q lacks addresses, topics or the path", text)
				}
			}
		}
	}
}

// TestLatestEvents puts notes on the last day the vault accepts (year 9998)
// under rules at the bounds followup.yaml accepts, in the zone furthest
// behind UTC: every event, converted to UTC and with the exclusive end of
// an all-day event, keeps a four-digit year, as RFC 5545 requires. Should
// the vault's bounds (latestYear, maxDuration, maxThankYouWithin,
// maxBusinessDays) be raised, this is the test to run.
func TestLatestEvents(t *testing.T) {
	fsys := fstest.MapFS{
		"followup.yaml": {Data: []byte("timezone: Etc/GMT+12\nrules:\n  thank_you_within: 30d\n" +
			"  follow_up_after_decision: 50\n  follow_up_without_decision: 50\n  follow_up_every: 50\n" +
			"  max_follow_ups: 1\n  workdays: [Mon]\n  holidays: [9998-12-25]\n")},
		"timed.md":    {Data: []byte("---\ncompany: A\ninterviewers: [Jane]\ndate: 9998-12-31T23:59:59\nduration: 7d\n---\n")},
		"day.md":      {Data: []byte("---\ncompany: B\ninterviewers: [Jane]\ndate: 9998-12-31\ndecision_date: 9998-12-31\n---\n")},
		"followed.md": {Data: []byte("---\ncompany: C\ninterviewers: [Jane]\ndate: 9998-12-01\nfollowups: [9998-12-31]\n---\n")},
	}
	res := build(t, fsys, now, nil)
	if res.Events != 10 {
		t.Errorf("%d events, want 10:\n%s", res.Events, res.Data)
	}
	latest := ""
	for line := range strings.SplitSeq(string(res.Data), "\r\n") {
		name, value, _ := strings.Cut(line, ":")
		if !strings.HasPrefix(name, "DTSTART") && !strings.HasPrefix(name, "DTEND") {
			continue
		}
		if len(value) != len("20060102") && len(value) != len("20060102T150405Z") {
			t.Errorf("%s: the year has more than four digits", line)
		}
		latest = max(latest, value)
	}
	if !strings.HasPrefix(latest, "9999") {
		t.Errorf("the latest event ends on %s: the test no longer reaches year 9999", latest)
	}
}
