package render

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"followup/calendar"
)

// sentences splits a draft's text into its sentences and lines, with the
// names of people and the company taken out, so that what is left is what
// the template wrote.
func sentences(md string, names ...string) []string {
	for _, n := range names {
		md = strings.ReplaceAll(md, n, "NAME")
	}
	var out []string
	for _, s := range regexp.MustCompile(`(?m)[.!?:,]\s+|\n+`).Split(md, -1) {
		if s = strings.TrimSpace(s); len(strings.Fields(s)) >= 3 {
			out = append(out, s)
		}
	}
	return out
}

// TestDraftsShareNoSentence: the drafts of one interview share no
// sentence beyond names, the signature and an Unfinished business meant
// for all, even when the interviewers have the same topics and no
// personal part, and when one has a personal part that opens with thanks.
func TestDraftsShareNoSentence(t *testing.T) {
	note := `---
company: Acme Corp
role: Backend Engineer
date: 2026-11-18T14:00
status: ready
topics: [billing, on-call]
interviewers:
  - Ann Lee <ann@acme.example>
  - Bo Lund <bo@acme.example>
  - Cy Diaz <cy@acme.example>
  - Di Moss <di@acme.example>
---
## Unfinished business
I forgot to mention that I ran the on-call rotation for two years.
`
	drafts, ds, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	if len(ds) > 0 || len(drafts) != 4 {
		t.Fatalf("%d drafts, %v", len(drafts), ds)
	}
	names := []string{"Ann Lee", "Bo Lund", "Cy Diaz", "Di Moss", "Ann", "Bo", "Cy", "Di", "Acme Corp"}
	shared := map[string]bool{"I forgot to mention that I ran the on-call rotation for two years": true, "Zoë Müller": true, "+49 30 1234567": true}
	seen := map[string]string{}
	subjects := map[string]string{}
	for _, d := range drafts {
		if prev, ok := subjects[d.Subject]; ok {
			t.Errorf("%s and %s have the same subject %q", prev, d.To.Name, d.Subject)
		}
		subjects[d.Subject] = d.To.Name
		for _, s := range sentences(d.Markdown, names...) {
			if shared[s] {
				continue
			}
			if prev, ok := seen[s]; ok && prev != d.To.Name {
				t.Errorf("%s and %s share %q", prev, d.To.Name, s)
			}
			seen[s] = d.To.Name
		}
	}
}

// TestGreetings: a greeting as people address each other.
func TestGreetings(t *testing.T) {
	note := `---
company: Acme Ltd.
date: 2026-11-18T14:00
status: ready
interviewers:
  - Dr. Jane van der Berg <jane@acme.example>
  - Mr. O'Brien <ob@acme.example>
  - HR <hr@acme.example>
  - Hiring Team <jobs@acme.example>
  - {name: Samuel Okafor, email: sam@acme.example, greeting: "Hi Sam"}
  - {name: Gloria Esposito, channel: letter}
  - {name: Prof. Maria de la Cruz, channel: letter}
---
`
	drafts, ds, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	want := []string{"Dear Dr. van der Berg,", "Dear Mr. O'Brien,", "Dear HR,", "Dear Hiring Team,", "Hi Sam,", "Dear Gloria Esposito,", "Dear Prof. de la Cruz,"}
	for i, d := range drafts {
		if first, _, _ := strings.Cut(d.Markdown, "\n"); first != want[i] {
			t.Errorf("%s is greeted %q, want %q", d.To.Name, first, want[i])
		}
		if strings.Contains(d.Markdown, "Ltd..") || strings.Contains(d.Subject, "Ltd..") {
			t.Errorf("a doubled full stop after Acme Ltd.:\n%s", d.Markdown)
		}
		if strings.Contains(d.Markdown, "Dear Dr.,") || strings.Contains(d.Markdown, "Dear Mr.,") {
			t.Errorf("a greeting without the name:\n%s", d.Markdown)
		}
	}
}

// TestNoThanksTwice: a personal part that opens with thanks is not
// preceded by a paragraph that opens with thanks; one that does not is.
func TestNoThanksTwice(t *testing.T) {
	for _, personal := range []string{"Thank you for the tour of the warehouse and the honest answers about the night shift.", "Thanks again for showing me the dashboards.", "Your tour of the warehouse stayed with me."} {
		note := "---\ncompany: Acme\ndate: 2026-11-18T14:00\nstatus: ready\ninterviewers: [Ann Lee <ann@acme.example>, Bo Lund <bo@acme.example>, Cy Diaz <cy@acme.example>]\n---\n"
		for _, who := range []string{"Ann", "Bo", "Cy"} {
			note += "## " + who + "\n" + personal + "\n\n"
		}
		drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
		for _, d := range drafts {
			paras := strings.Split(d.Markdown, "\n\n")
			thanks := 0
			for _, p := range paras[1:3] {
				if opensWithThanks(p) {
					thanks++
				}
			}
			if thanks == 2 {
				t.Errorf("two paragraphs in a row open with thanks:\n%s", d.Markdown)
			}
			if !strings.Contains(strings.ToLower(strings.Join(paras[1:3], " ")), "thank") && !strings.Contains(paras[1], "grateful") && !strings.Contains(paras[1], "appreciated") {
				t.Errorf("no gratitude before the personal part is done:\n%s", d.Markdown)
			}
		}
	}
}

// TestFit: why the candidate fits comes from the interviewer's fit, else
// the note's, else the candidate's strengths; without any, no sentence.
func TestFit(t *testing.T) {
	note := `---
company: Acme
date: 2026-11-18T14:00
status: ready
fit: my years of running payroll systems for small businesses
interviewers:
  - Ann Lee <ann@acme.example>
  - {name: Bo Lund, email: bo@acme.example, fit: "I have built exactly the kind of reconciliation tool Bo described."}
---
`
	drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	if !strings.Contains(drafts[0].Markdown, "my years of running payroll systems for small businesses") || strings.Contains(drafts[0].Markdown, "eight years of Go") {
		t.Errorf("Ann's draft does not use the note's fit:\n%s", drafts[0].Markdown)
	}
	if !strings.Contains(drafts[1].Markdown, "I have built exactly the kind of reconciliation tool Bo described.") {
		t.Errorf("Bo's draft does not use his own fit:\n%s", drafts[1].Markdown)
	}
	// Neither fit nor strengths: no fit sentence, and no dangling words.
	cfg := "timezone: UTC\ncandidate:\n  name: Zoë Müller\n  email: zoe@example.com\n"
	plain := strings.Replace(note, "fit: my years of running payroll systems for small businesses\n", "", 1)
	plain = strings.Replace(plain, `, fit: "I have built exactly the kind of reconciliation tool Bo described."`, "", 1)
	drafts, _, _ = draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(plain)}, "followup.yaml": {Data: []byte(cfg)}}, calendar.Plan{})
	for _, d := range drafts {
		for _, bad := range []string{"drawing on .", "bring to the team is .", " with .", "  "} {
			if strings.Contains(d.Markdown, bad) {
				t.Errorf("a fit sentence without a fit (%q):\n%s", bad, d.Markdown)
			}
		}
	}
}

// TestUnfinishedForOne: an Unfinished business inside a person's section
// reaches that person only.
func TestUnfinishedForOne(t *testing.T) {
	note := "---\ncompany: Acme\ndate: 2026-11-18T14:00\nstatus: ready\ninterviewers: [Ann Lee <ann@acme.example>, Bo Lund <bo@acme.example>]\n---\n" +
		"## Ann\nYour question about retries was a good one, and I have thought about it since.\n\n### Unfinished business\nOn retries: the answer is a bounded exponential back-off.\n\n" +
		"## Bo\nThe dashboards you showed me made the latency problem plain.\n"
	drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	if !strings.Contains(drafts[0].Markdown, "bounded exponential back-off") || strings.Contains(drafts[1].Markdown, "back-off") {
		t.Errorf("Ann's unfinished business went astray:\n%s\n---\n%s", drafts[0].Markdown, drafts[1].Markdown)
	}
}

// TestDatedWhenDue: a letter is dated the day it is to go out, not the
// interview's day; a follow-up to a contact on the call channel is
// talking points, not a letter.
func TestDatedWhenDue(t *testing.T) {
	note := `---
company: Riverton County
role: Developer
date: 2026-11-10T10:00
decision_date: 2026-11-20
sent: 2026-11-10
interviewers:
  - {name: Gloria Esposito, channel: letter}
  - {name: Oliver Pemberton, phone: "+44 20 7946 0321", channel: call}
contact: %s
---
`
	drafts, ds, cfg := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(strings.Replace(note, "%s", "Gloria Esposito", 1))}}, followUp(1))
	if len(ds) > 0 || len(drafts) != 1 {
		t.Fatalf("%v %v", drafts, ds)
	}
	page, err := drafts[0].HTML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "8 December 2026") || strings.Contains(string(page), "10 November 2026") {
		t.Errorf("the follow-up letter is not dated 8 December:\n%s", page)
	}
	drafts, _, _ = draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(strings.Replace(note, "%s", "Oliver Pemberton", 1))}}, followUp(1))
	md := drafts[0].Markdown
	if !strings.HasPrefix(md, "Call Oliver at **+44 20 7946 0321**") || strings.Contains(md, "Dear ") || strings.Contains(md, "regards") {
		t.Errorf("a follow-up call is not talking points:\n%s", md)
	}
}

// TestManyInterviewersNoTwins: past four interviewers some sentences
// repeat, but no two drafts are the same text with the names changed.
func TestManyInterviewersNoTwins(t *testing.T) {
	people := []string{"Ann Lee", "Bo Lund", "Cy Diaz", "Di Moss", "Ed Park", "Flo Ruiz", "Gus Tan", "Hal Ng"}
	note := "---\ncompany: Acme Corp\nrole: Backend Engineer\ndate: 2026-11-18T14:00\nstatus: ready\ntopics: [billing]\ninterviewers:\n"
	for _, p := range people {
		note += "  - " + p + " <" + strings.ToLower(strings.Fields(p)[0]) + "@acme.example>\n"
	}
	note += "---\n"
	drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	names := append(slices.Clone(people), "Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal")
	seen := map[string]string{}
	for _, d := range drafts {
		text := strings.Join(sentences(d.Subject+"\n"+d.Markdown, names...), "|")
		if prev, ok := seen[text]; ok {
			t.Errorf("%s and %s got the same letter:\n%s", prev, d.To.Name, d.Markdown)
		}
		seen[text] = d.To.Name
	}
}
