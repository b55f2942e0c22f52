package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"followup/vault"
)

// A checkCase is a ready note to Acme Corp whose first interviewer's
// personal part is body, on line 12, and the warnings it must get, each
// as "line:col code: message", or only its message's start. Everything
// else about the note is right, so that a warning it should not get shows.
type checkCase struct {
	name    string
	company string // "Acme Corp" when ""
	topics  string // on line 6; "[the ledger]" when ""
	person  string // the first interviewer's name, on line 8; "Jane Smith" when ""
	entry   string // the first interviewer's entry, on line 8, for more than a name
	second  string // the second interviewer's entry, on line 9; Raj Patel's when ""
	body    string // from line 12
	// parts, when set, is the whole body instead, from line 11: the
	// personal parts of neither interviewer are written for them.
	parts string
	// template, when set, is the vault's thank-you template, for what
	// does not depend on the default templates' wording.
	template string
	want     []string
}

// noteOf writes the note of c: the second interviewer, Raj Patel, has a
// personal part with nothing to report.
func (c checkCase) noteOf() string {
	company, topics, person := cmpOr(c.company, "Acme Corp"), cmpOr(c.topics, "[the ledger]"), cmpOr(c.person, "Jane Smith")
	entry, second := cmpOr(c.entry, person+" <jane.smith@acme.com>"), cmpOr(c.second, "Raj Patel <raj.patel@acme.com>")
	parts := c.parts
	if parts == "" {
		parts = fmt.Sprintf(`## %s
%s

## Raj Patel
Walking through the ledger migration with you, and the way your team reviews its code every week, was the best part of the afternoon.
`, person, c.body)
	}
	return fmt.Sprintf(`---
company: %s
role: Engineer
date: 2026-11-19T14:00
status: ready
topics: %s
interviewers:
  - %s
  - %s
---
%s`, company, topics, entry, second, parts)
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
		files := fstest.MapFS{"n.md": {Data: []byte(c.noteOf())}, "followup.yaml": {Data: []byte(config)}}
		if c.template != "" {
			files["templates/thank-you.md"] = &fstest.MapFile{Data: []byte(c.template)}
		}
		cfg, ds := vault.LoadConfig(files, time.UTC)
		v := vault.Open(files, cfg)
		tmpls, tds := LoadTemplates(files, cfg.Templates)
		if len(ds) > 0 || len(tds) > 0 || len(v.Notes) != 1 {
			t.Fatalf("%s: %v %v %v", c.name, ds, tds, v.Diagnostics)
		}
		var got []string
		for _, d := range check(t, v.Notes[0], cfg, tmpls) {
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
		{name: "in a person's own Unfinished business", body: filler + "\n\n### Unfinished business\nI definately meant to add the audit trail.",
			want: []string{`15:3 spelling: "definately" is misspelt: write "definitely"`}},
	}, []checkCase{
		// near misses
		{name: "could of course", body: "I could of course sketch it again. " + filler},
		{name: "should often", body: "Reviews should often be short. " + filler},
		{name: "a lot, allot", body: "We allot a lot of time to reviews. " + filler},
		{name: "might, of", body: "Whatever you might think of it, " + filler},
	}))
}

func TestToneChecks(t *testing.T) {
	runChecks(t, slices.Concat([]checkCase{
		{name: "please hire me", body: filler + " Please hire me.",
			want: []string{`12:102 tone: "Please hire me" sounds too eager`}},
		{name: "I can start tomorrow", body: "I can start tomorrow. " + filler,
			want: []string{`12:1 tone: "I can start tomorrow" sounds too eager`}},
		{name: "any job would do", body: filler + "\nHonestly, any job would do.",
			want: []string{`13:11 tone: "any job would do" sounds too eager`}},
		{name: "I'd take anything", body: "I'd take anything at Acme Corp. " + filler,
			want: []string{`12:1 tone: "I'd take anything" sounds too eager`}},
		{name: "you won't regret it", body: filler + " You won't regret it.",
			want: []string{`12:102 tone: "You won't regret it" sounds too eager`}},
		{name: "did you get my e-mail", body: "Did you get my e-mail? " + filler,
			want: []string{`12:1 tone: "Did you get my e-mail" sounds pushy`}},
		{name: "two exclamation marks", body: filler + " Thanks!!",
			want: []string{`12:108 tone: "!!" sounds too eager: one exclamation mark is plenty`}},
		{name: "?!!", body: "Who knew?!! " + filler,
			want: []string{`12:9 tone: "?!!" sounds too eager`}},
		{name: "a third exclamation mark", body: "Thanks! " + filler + " Great! It was fun!",
			want: []string{`12:127 tone: a third exclamation mark sounds too eager: keep one or two, or none`}},
	}, []checkCase{
		// near misses
		{name: "one exclamation mark", body: filler + " Thanks!"},
		{name: "two, apart", body: "Thanks! " + filler + " It was fun!"},
		{name: "an image", body: "![the whiteboard](board.png) ![the diagram](d.png) ![the map](m.png) " + filler},
		{name: "marks that end no sentence", body: "<!-- a note to self --> Thanks! " + filler + " It was fun! Where x != y,\n! that is"},
		{name: "the team can start", body: filler + " The team can start tomorrow on the migration."},
		{name: "what you need the role to do", body: filler + " I understand what you need the role to do."},
		{name: "take any feedback", body: filler + " I would take any feedback gladly, and you expect a decision by Friday."},
		{name: "the only hope", body: filler + " The only hope for the old batch was a rewrite."},
		{name: "hire", body: filler + " You hire mostly through referrals."},
	}))
}

func TestPlaceholderChecks(t *testing.T) {
	runChecks(t, slices.Concat([]checkCase{
		{name: "TODO before a lower-case word", body: filler + "\nTODO add detail about the audit trail.",
			want: []string{`13:1 placeholder: "TODO" is a placeholder`}},
		{name: "todo in lower case", body: filler + " And todo: the audit trail.",
			want: []string{`12:106 placeholder: "todo" is a placeholder`}},
		{name: "Todo at a sentence start", body: "Todo. " + filler,
			want: []string{`12:1 placeholder: "Todo" is a placeholder`}},
		{name: "TK before a lower-case word", body: filler + " Thanks for the TK about the audit trail.",
			want: []string{`12:117 placeholder: "TK" is a placeholder`}},
		{name: "TBD", body: "The part about tbd was the best. " + filler,
			want: []string{`12:16 placeholder: "tbd" is a placeholder`}},
		{name: "XXX", body: filler + " It saved $XXX a month.",
			want: []string{`12:112 placeholder: "XXX" is a placeholder`}},
		{name: "[project name]", body: "I enjoyed hearing about [project name]. " + filler,
			want: []string{`12:25 placeholder: "[project name]" is a placeholder`}},
		{name: "[topic]", body: filler + " And [topic].",
			want: []string{`12:106 placeholder: "[topic]" is a placeholder`}},
		{name: "[insert …]", body: filler + "\n[insert a detail about the team …]",
			want: []string{`13:1 placeholder: "[insert a detail about the team …]" is a placeholder`}},
		{name: "[TBD], once", body: filler + " Start date: [TBD].",
			want: []string{`12:114 placeholder: "[TBD]" is a placeholder`}},
		{name: "XXX-XXX-XXXX, once", body: filler + " Call me on XXX-XXX-XXXX.",
			want: []string{`12:113 placeholder: "XXX-XXX-XXXX" is a placeholder`}},
		{name: "a topic that is a stand-in alone", topics: "[TBD, the ledger]", body: filler,
			want: []string{`6:1 placeholder: "TBD" is a placeholder`}},
	}, []checkCase{
		// near misses
		{name: "a link", body: "The [design notes](https://acme.example/todo/xxx) stayed with me. " + filler},
		{name: "a reference link", body: "The [Design Notes] stayed with me. " + filler + "\n\n[design notes]: https://acme.example/notes"},
		{name: "a footnote", body: "The design notes[^1] stayed with me. " + filler + "\n\n[^1]: As sent on Friday."},
		{name: "a wiki link", body: "[[Raj Patel]] joined late. " + filler},
		{name: "checkboxes", body: filler + "\n\n- [ ] send the diagram\n- [x] read the H3 docs\n- [X] Read the RFC"},
		{name: "an aside", body: "They [the night crew] and the errors [sic] stayed with me. " + filler},
		{name: "a TODO list app", body: "Your TODO list app and a todo app of mine came up. " + filler},
		{name: "a topic ToDo app", topics: "[ToDo app]", body: "ToDo app demos were the highlight. " + filler},
		{name: "a company ABC Corp", company: "ABC Corp", body: "ABC is growing fast. " + filler},
		{name: "TK Maxx, Tokyo, TKO, acme.tk", body: "From TK Maxx to Tokyo, a TKO for acme.tk. " + filler},
		{name: "code", body: "The `TODO` and `[topic]` in our code. " + filler},
		{name: "HTML", body: "<blockquote>" + filler + "</blockquote>"},
	}))
}

func TestMisspelledNameChecks(t *testing.T) {
	runChecks(t, slices.Concat([]checkCase{
		{name: "Ms. Smyth", body: filler + " I told Ms. Smyth so.",
			want: []string{`12:113 misspelled-name: "Smyth" looks like a misspelling of "Smith"`}},
		{name: "Mr Smyth, no period, at a line's start", body: filler + "\nMr Smyth agreed.",
			want: []string{`13:4 misspelled-name: "Smyth" looks like a misspelling of "Smith"`}},
		{name: "Ms. Jonhson", person: "Dana Johnson", body: "Ms. Jonhson, " + filler,
			want: []string{`12:5 misspelled-name: "Jonhson" looks like a misspelling of "Johnson"`}},
		{name: "Ms. Dow, a surname of three letters", person: "Jane Doe", body: filler + " Ms. Dow agreed.",
			want: []string{`12:106 misspelled-name: "Dow" looks like a misspelling of "Doe"`}},
		{name: "Dr. van der Burg", person: "Dr. Anna van der Berg", body: filler + " Dr. van der Burg agreed.",
			want: []string{`12:106 misspelled-name: "van der Burg" looks like a misspelling of "van der Berg"`}},
		{name: "Jonathon, at a sentence's start", person: "Jonathan Reyes", body: "Jonathon, your walkthrough stayed with me. " + filler,
			want: []string{`12:1 misspelled-name: "Jonathon" looks like a misspelling of "Jonathan"`}},
		{name: "Jonathon's, after a period", person: "Jonathan Reyes", body: filler + " Jonathon's walkthrough too.",
			want: []string{`12:102 misspelled-name: "Jonathon's" looks like a misspelling of "Jonathan"`}},
		{name: "the greeting", entry: `{name: Jane Smith, email: jane.smith@acme.com, greeting: "Dear Ms. Smyth"}`, body: filler,
			want: []string{`8:72 misspelled-name: "Smyth" looks like a misspelling of "Smith"`}},
		{name: "the greeting, plain", entry: `{name: Jonathan Reyes, email: jane.smith@acme.com, greeting: Jonathon}`, person: "Jonathan Reyes", body: filler,
			want: []string{`8:66 misspelled-name: "Jonathon" looks like a misspelling of "Jonathan"`}},
	}, []checkCase{
		// near misses
		{name: "Mr. Smith", body: filler + " I told Mr. Smith and Ms. Smith's team so."},
		{name: "the right name at a sentence's start", person: "Jonathan Reyes", body: "Jonathan, your walkthrough stayed with me. " + filler},
		{name: "ordinary words at a sentence's start", person: "Sally Dana", body: "Sadly, we ran out of time. Data, as you said, is the product. " + filler},
		{name: "a word after a period", person: "Dana Smith", body: "We spoke of the ledger. Data quality is key. " + filler},
		{name: "Dr. van der Berg", person: "Dr. Anna van der Berg", body: filler + " Dr. van der Berg agreed."},
		{name: "the greeting, right", entry: `{name: Jane Smith, email: jane.smith@acme.com, greeting: "Dear Ms. Smith"}`, body: filler},
		{name: "Ms. Mia, another name", body: filler + " Ms. Mia Wong agreed."},
		{name: "miss, no honorific", person: "Jane Doe", body: filler + " I will miss Dow's jokes."},
	}))
}

// topicsTemplate writes the same sentences to everyone: the default
// templates vary theirs from one person to the next.
const topicsTemplate = "Dear {{ .To.FirstName }},\n\n{{ if .Personal }}{{ .Personal }}{{ else }}We talked about {{ list .To.Topics }}.{{ end }}\n\n" +
	filler + " " + filler + "\n\nBest regards,\n\n{{ .Candidate.Name }}\n"

// personalLessTemplate leaves out the personal parts.
const personalLessTemplate = "Dear {{ .To.FirstName }},\n\nThank you for the interview, {{ .To.Name }}. " + filler + " " + filler +
	"\n\nBest regards,\n\n{{ .Candidate.Name }}\n"

func TestFormLetterChecks(t *testing.T) {
	const topics = "topics: [the ledger, code review]}"
	runChecks(t, slices.Concat([]checkCase{
		{name: "only thanks", body: "Thanks!",
			want: []string{`11:1 form-letter: the personal part for Jane Smith says only thank you: add what you talked about with them`}},
		{name: "only thanks, at length", body: "Thank you so much for taking the time to meet with me today, Jane. I really enjoyed our conversation\nand learning more about the team at Acme Corp!",
			want: []string{`11:1 form-letter: the personal part for Jane Smith says only thank you`}},
		{name: "only thanks, with a day and the role", body: "Thank you for your time on Thursday, and for telling me about the role and the team at Acme Corp.",
			want: []string{`11:1 form-letter: the personal part for Jane Smith says only thank you`}},
		{name: "14 words", body: "Your point about the ledger's audit trail has stayed with me since Thursday's call.",
			want: []string{`11:1 form-letter: the personal part for Jane Smith has only 14 words: add what you talked about with them`}},
		{name: "the same but for the names", entry: "{name: Jane Smith, email: jane.smith@acme.com, " + topics, second: "{name: Raj Patel, email: raj.patel@acme.com, " + topics,
			parts: "Nothing personal.\n", template: topicsTemplate,
			want: []string{`9:5 form-letter: the note to Raj Patel is the same as the one to Jane Smith (line 8) but for the names: tie each to your conversation with that person`}},
		{name: "the same but for the names, under empty headings", entry: "{name: Jane Smith, email: jane.smith@acme.com, " + topics, second: "{name: Raj Patel, email: raj.patel@acme.com, " + topics,
			parts: "## Jane Smith\n\n## Raj Patel\n", template: topicsTemplate,
			want: []string{`13:1 form-letter: the note to Raj Patel is the same as the one to Jane Smith (line 11) but for the names: tie each to your conversation with that person`}},
		{name: "a template that leaves out the personal parts", body: filler, template: personalLessTemplate,
			want: []string{"14:1 form-letter: the note to Raj Patel is the same as the one to Jane Smith (line 11) but for the names: the template leaves out their personal parts, so write {{ .Personal }} in it"}},
	}, []checkCase{
		// near misses
		{name: "15 words", body: "Your point about the ledger's audit trail has stayed with me since our call Thursday."},
		{name: "thanks, and something", body: "Thank you so much for taking the time to meet with me today; the audit trail stayed with me."},
		{name: "topics of their own", entry: "{name: Jane Smith, email: jane.smith@acme.com, " + topics, second: "{name: Raj Patel, email: raj.patel@acme.com, topics: [the ledger]}",
			parts: "Nothing personal.\n", template: topicsTemplate},
		{name: "personal parts of their own", body: filler, template: topicsTemplate},
		{name: "nothing personal, said once", parts: "Nothing personal.\n", template: topicsTemplate,
			want: []string{`8:5 form-letter: nothing personal for Jane Smith`, `9:5 form-letter: nothing personal for Raj Patel`}},
	}))
}
