package vault

import "testing"

func TestHeadingName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thank you: Jane Doe", "Jane Doe"},
		{"Thank-you: Jane Doe", "Jane Doe"},
		{"Thanks – Raj", "Raj"},
		{"Thanks, Raj!", "Raj"},
		{"To Jane", "Jane"},
		{"For: Jane", "Jane"},
		{"Jane", "Jane"},
		{"Tomás", "Tomás"}, // "To" is no prefix of a name
		{"Forrest Gump", "Forrest Gump"},
		{"Thank you, [[Jane Doe]]", "Jane Doe"},
		{"Thanks — [[people/Raj Patel|Raj]]", "Raj"},
		{"[[people/Raj Patel]]", "Raj Patel"},
		{"Unfinished business:", "Unfinished business"},
		{"Thank you", ""},
	}
	for _, tt := range tests {
		if got := headingName(tt.in); got != tt.want {
			t.Errorf("headingName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameIndex(t *testing.T) {
	jane := &Interviewer{Name: "Jane Doe", Aliases: []string{"JD"}}
	janeR := &Interviewer{Name: "Jane Roe"}
	zoe := &Interviewer{Name: "Zoë Müller"}
	ana := &Interviewer{Name: "Ana Smith, Jr."}
	ivs := []*Interviewer{jane, janeR, zoe, ana}
	tests := []struct {
		name string
		want *Interviewer
	}{
		{"Jane Doe", jane},
		{"jane roe", janeR},
		{"Jane", nil}, // two Janes: ambiguous
		{"JD", jane},
		{"Zoe Muller", zoe},
		{"zoë", zoe},
		{headingName("Ana Smith, Jr."), ana}, // the heading's trailing dot is trimmed; the name's must be too
		{"Ana Smith, Jr.", ana},
		{"Notes", nil},
		{"", nil},
	}
	idx := newNameIndex(ivs)
	for _, tt := range tests {
		if got := idx.lookup(tt.name); got != tt.want {
			t.Errorf("lookup(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
