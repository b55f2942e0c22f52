package vault

import (
	"strings"
	"testing"
	"time"
)

func TestParseMoment(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		in      string
		want    string // RFC 3339 in New York
		hasTime bool
	}{
		{"2026-11-18", "2026-11-18T00:00:00-05:00", false},
		{"2026-11-18T14:00", "2026-11-18T14:00:00-05:00", true},
		{"2026-11-18T14:00:00", "2026-11-18T14:00:00-05:00", true},
		{"2026-11-18 14:00", "2026-11-18T14:00:00-05:00", true},
		{"2026-11-18T14:00Z", "2026-11-18T09:00:00-05:00", true},
		{"2026-11-18T14:00:00+01:00", "2026-11-18T08:00:00-05:00", true},
		{"2026-11-18 14:00 -08:00", "2026-11-18T17:00:00-05:00", true},
		{"2026-11-18t14:00:00.5z", "2026-11-18T09:00:00.5-05:00", true},
		{"2026-11-18 14:00:00 +0530", "2026-11-18T03:30:00-05:00", true},
		{"2026-11-18T14:00-05", "2026-11-18T14:00:00-05:00", true},
		{"2026-1-8", "2026-01-08T00:00:00-05:00", false},
		{" 2026-11-18 ", "2026-11-18T00:00:00-05:00", false},
		{"2028-02-29", "2028-02-29T00:00:00-05:00", false},
		{"9998-12-31T23:59", "9998-12-31T23:59:00-05:00", true},
	}
	for _, tt := range tests {
		m, err := ParseMoment(tt.in, ny)
		if err != nil {
			t.Errorf("ParseMoment(%q): %v", tt.in, err)
			continue
		}
		if got := m.Time.Format(time.RFC3339Nano); got != tt.want || m.HasTime != tt.hasTime {
			t.Errorf("ParseMoment(%q) = %s, %v; want %s, %v", tt.in, got, m.HasTime, tt.want, tt.hasTime)
		}
	}
}

func TestParseMomentErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-02-30", "February 2026 has 28 days"},
		{"2026-13-01", "no month 13"},
		{"2026-11-31", "November 2026 has 30 days"},
		{"18/11/2026", "YYYY-MM-DD"},
		{"next tuesday", "YYYY-MM-DD"},
		{"", "YYYY-MM-DD"},
		{"2026-11-18T25:00", "not a time of day"},
		{"2026-11-18T14:60", "not a time of day"},
		{"2026-11-18T14", "hh:mm"},
		{"2026-11-18T14:00 EST", "offset"},
		{"2026-11-18T14:00+25:00", "offset"},
		{"2026-11-18x", "date-time"},
		{"1899-12-31", "era"},
		// Year 9999 is left to the events dates lead to, which must keep
		// four digits in UTC: the next day of 9999-12-31 is in year 10000.
		{"9999-01-01", "era"},
		{"9999-12-31T16:00", "era"},
		{"9998-12-31T23:00-14:00", "era"}, // 9999-01-01 in UTC
		{"10000-01-01", "YYYY-MM-DD"},
	}
	for _, tt := range tests {
		_, err := ParseMoment(tt.in, time.UTC)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseMoment(%q) error = %v, want it to mention %q", tt.in, err, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"45m", 45 * time.Minute, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"24h", 24 * time.Hour, ""},
		{"2d", 48 * time.Hour, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"0", 0, ""},
		{"90", 0, "needs a unit"},
		{"-1h", 0, "negative"},
		{"an hour", 0, "45m"},
		{"xd", 0, "45m"},
		{"106751d", 106751 * 24 * time.Hour, ""},
		// Beyond what a time.Duration holds: not wrapped around to a
		// negative duration.
		{"106752d", 0, "longer than followup can count"},
		{"106751d23h59m", 0, "longer than followup can count"},
		{"9999999999h", 0, "45m"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	known := NoteKeys
	tests := []struct{ in, want string }{
		{"decison_date", "decision_date"},
		{"Company", "company"},
		{"intervewers", "interviewers"},
		{"followup", "followups"},
		{"staus", "status"},
		{"tags", ""},
		{"aliases", ""},
		{"cssclasses", ""},
		{"ids", "id"},
		{"date", "date"},
	}
	for _, tt := range tests {
		got, _ := nearest(tt.in, known)
		if got != tt.want {
			t.Errorf("nearest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"Archive/**", "Archive/2025/old.md", true},
		{"Archive/**", "Archive", true},
		{"Archive", "Archive/old.md", true},
		{"Archive/**", "interviews/Archive/old.md", false},
		{"**/drafts/*.md", "a/b/drafts/x.md", true},
		{"**/drafts/*.md", "drafts/x.md", true},
		{"*.md", "a/x.md", true}, // no slash: any depth, as in .gitignore
		{"*.md", "x.md", true},
		{"*.excalidraw.md", "Drawings/x/y.excalidraw.md", true},
		{"/Archive", "Archive/x.md", true},
		{"/Archive", "interviews/Archive/x.md", false},
		{"Archive", "interviews/Archive/x.md", true},
		{"interviews/2025-*", "interviews/2025-01-03-acme.md", true},
	}
	for _, tt := range tests {
		if got := matchGlob(tt.pattern, tt.name); got != tt.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
