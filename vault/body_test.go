package vault

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

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

// TestSections: a heading finds its person with or without their title;
// an "Unfinished business" inside a person's section is theirs alone, one
// outside every section is everyone's; a heading that thanks someone not
// in interviewers is a warning at its line, and near misses are not.
func TestSections(t *testing.T) {
	note := `---
company: Acme
date: 2026-11-18T14:00
interviewers:
  - Dr. Jane van der Berg
  - Mr. O'Brien
  - Bo Lund
---
Private.

## Thank you: Jane van der Berg
Your walkthrough of the payouts API.

### Unfinished business
The answer to your question about retries is yes.

## Dr. van der Berg
More for Jane.

## Thanks – Mr. O'Brien
The rota.

## Bo
The dashboards.

## Thanks – Maria Gomez
She set the day up.

## Thank you notes
To send by Friday.

## Thanks to everyone
All of them.

## Unfinished business
For all.
`
	v := Open(fstest.MapFS{"n.md": {Data: []byte(note)}}, DefaultConfig(time.UTC))
	if len(v.Notes) != 1 {
		t.Fatalf("notes: %+v %v", v.Notes, v.Diagnostics)
	}
	n := v.Notes[0]
	jane, obrien, bo := n.Interviewers[0], n.Interviewers[1], n.Interviewers[2]
	for _, c := range []struct {
		who  *Interviewer
		want string
	}{{jane, "Your walkthrough of the payouts API.\n\nMore for Jane."}, {obrien, "The rota."}, {bo, "The dashboards."}} {
		if c.who.Personal == nil || c.who.Personal.Markdown != c.want {
			t.Errorf("%s's personal part: %+v, want %q", c.who.Name, c.who.Personal, c.want)
		}
	}
	if jane.Unfinished == nil || jane.Unfinished.Markdown != "The answer to your question about retries is yes." {
		t.Errorf("Jane's own unfinished business: %+v", jane.Unfinished)
	}
	if bo.Unfinished != nil || obrien.Unfinished != nil {
		t.Errorf("unfinished business of one went to others: %+v %+v", bo.Unfinished, obrien.Unfinished)
	}
	if n.Unfinished == nil || n.Unfinished.Markdown != "For all." {
		t.Errorf("everyone's unfinished business: %+v", n.Unfinished)
	}
	var got []string
	for _, d := range v.Diagnostics {
		got = append(got, d.String())
	}
	want := []string{`n.md:26:1: warning: this heading thanks Maria Gomez, who is not in interviewers: add them to interviewers to write them a note of their own (thank everyone you spoke with) [unlisted]`}
	if !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
