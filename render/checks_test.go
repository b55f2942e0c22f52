package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A checkCase is a ready note to Acme Corp whose first interviewer's
// personal part is body, on line 12, and the warnings it must get, each
// as "line:col code: message", or only its message's start. Everything
// else about the note is right, so that a warning it should not get shows.
type checkCase struct {
	name    string
	company string // "Acme Corp" when ""
	topics  string // on line 6; "[the ledger]" when ""
	person  string // the first interviewer, on line 8; "Jane Smith" when ""
	body    string // from line 12
	want    []string
}

// noteOf writes the note of c: the second interviewer, Raj Patel, has a
// personal part with nothing to report.
func (c checkCase) noteOf() string {
	company, topics, person := cmpOr(c.company, "Acme Corp"), cmpOr(c.topics, "[the ledger]"), cmpOr(c.person, "Jane Smith")
	return fmt.Sprintf(`---
company: %s
role: Engineer
date: 2026-11-19T14:00
status: ready
topics: %s
interviewers:
  - %s <jane.smith@acme.com>
  - Raj Patel <raj.patel@acme.com>
---
## %s
%s

## Raj Patel
Walking through the ledger migration with you, and the way your team reviews its code every week, was the best part of the afternoon.
`, company, topics, person, person, c.body)
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}

// runChecks runs the cases: each must get exactly the warnings it wants.
func runChecks(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		n, cfg, tmpls := parse(t, c.noteOf())
		var got []string
		for _, d := range check(t, n, cfg, tmpls) {
			got = append(got, fmt.Sprintf("%d:%d %s: %s", d.Line, d.Col, d.Code, d.Message))
		}
		ok := len(got) == len(c.want)
		for i := 0; ok && i < len(got); i++ {
			ok = strings.HasPrefix(got[i], c.want[i])
		}
		if !ok {
			t.Errorf("%s:\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}
}

// filler is a personal part's worth of words that say something.
const filler = "We went through the retry logic of the payouts service and how the ledger keeps both systems honest."

func TestSpellingChecks(t *testing.T) {
	runChecks(t, slices.Concat([]checkCase{
		{name: "could of", body: "I could of explained the shadow ledger better. " + filler,
			want: []string{`12:3 spelling: "could of" is misspelt: write "could have"`}},
		{name: "Should of, across a line", body: filler + "\nI said we should\nof kept the batch.",
			want: []string{`13:11 spelling: "should\nof" is misspelt: write "should have"`}},
		{name: "wouldn't of", body: "You wouldn't of guessed it. " + filler,
			want: []string{`12:5 spelling: "wouldn't of" is misspelt: write "wouldn't have"`}},
		{name: "alot", body: filler + " I learned alot.",
			want: []string{`12:112 spelling: "alot" is misspelt: write "a lot"`}},
		{name: "Alot", body: "Alot of it stayed with me. " + filler,
			want: []string{`12:1 spelling: "Alot" is misspelt: write "A lot"`}},
		{name: "thankyou, atleast", body: "thankyou for atleast an hour. " + filler,
			want: []string{`12:1 spelling: "thankyou" is misspelt: write "thank you"`, `12:14 spelling: "atleast" is misspelt: write "at least"`}},
	}, []checkCase{
		// near misses
		{name: "could of course", body: "I could of course sketch it again. " + filler},
		{name: "should often", body: "Reviews should often be short. " + filler},
		{name: "a lot, allot", body: "We allot a lot of time to reviews. " + filler},
		{name: "might, of", body: "Whatever you might think of it, " + filler},
	}))
}
