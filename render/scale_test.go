package render

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"followup/calendar"
	"followup/vault"
)

// longSectionNote is a ready note whose one personal part is about kb
// kilobytes of one paragraph full of misspellings, as pasted from
// somewhere without line breaks.
func longSectionNote(kb int) string {
	const sentence = "I hope to recieve teh offer and work with teh team on teh billing system. "
	return `---
company: Acme Corp
role: Engineer
date: 2026-11-19T14:00
status: ready
interviewers:
  - name: Jane Doe
    email: jane.doe@acme.com
---
## Thank you: Jane Doe

` + strings.Repeat(sentence, kb*1024/len(sentence)) + "\n"
}

// crowdNote is a ready note with n interviewers, each with a name of their
// own, an address and a personal part that says something different.
func crowdNote(n int) string {
	var front, body strings.Builder
	for i := range n {
		name := crowdName(i)
		first, last, _ := strings.Cut(name, " ")
		fmt.Fprintf(&front, "  - name: %s\n    email: %s.%s@acme.com\n", name, strings.ToLower(first), strings.ToLower(last))
		fmt.Fprintf(&body, "## Thank you: %s\n\nI enjoyed hearing how the %s team %s, what you said about %s, and the %s of %s.\n\n",
			name, crowdWord(i, 1), crowdWord(i, 2), crowdWord(i, 3), crowdWord(i, 4), crowdWord(i, 5))
	}
	return "---\ncompany: Acme Corp\nrole: Engineer\ndate: 2026-11-19T14:00\nstatus: ready\ninterviewers:\n" +
		front.String() + "---\n" + body.String()
}

// crowdName is the i-th of many distinct names.
func crowdName(i int) string {
	firsts := []string{"Ada", "Brook", "Cyrus", "Dalia", "Emil", "Farah", "Gideon", "Hana", "Ivo", "Juno", "Kenji", "Lior", "Maren"}
	return firsts[i%len(firsts)] + " " + crowdWord(i/len(firsts), 0)
}

// crowdWord is a made-up capitalised word, different for each i and k.
func crowdWord(i, k int) string {
	syl := []string{"ba", "ko", "ri", "mun", "del", "sar", "vin", "tor", "lem", "pa", "que", "zu", "fen", "gor", "hal", "ist"}
	w := syl[k%len(syl)]
	for i > 0 || len(w) < 6 {
		w += syl[i%len(syl)]
		i /= len(syl)
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// parse reads the one note of text with the test configuration.
func parse(tb testing.TB, text string) (*vault.Note, *vault.Config, *Templates) {
	tb.Helper()
	files := fstest.MapFS{"n.md": {Data: []byte(text)}, "followup.yaml": {Data: []byte(config)}}
	cfg, ds := vault.LoadConfig(files, time.UTC)
	if len(ds) > 0 {
		tb.Fatal(ds)
	}
	v := vault.Open(files, cfg)
	if len(v.Notes) != 1 {
		tb.Fatalf("want one note, got %d: %v", len(v.Notes), v.Diagnostics)
	}
	tmpls, tds := LoadTemplates(files, cfg.Templates)
	if len(tds) > 0 {
		tb.Fatal(tds)
	}
	return v.Notes[0], cfg, tmpls
}

// check renders and proofreads n, as followup check does.
func check(tb testing.TB, n *vault.Note, cfg *vault.Config, tmpls *Templates) []vault.Diagnostic {
	drafts, ds := tmpls.Drafts(n, cfg, calendar.Plan{})
	if len(ds) > 0 {
		tb.Fatal(ds)
	}
	return tmpls.Proofread(n, drafts, cfg)
}

// The benchmarks read as: ten times the input, about ten times the time.
//
//	go test ./render -run - -bench 'LongSection|ManyInterviewers' -benchtime 3x

func BenchmarkProofreadLongSection(b *testing.B) {
	for _, kb := range []int{200, 2000} {
		b.Run(fmt.Sprintf("kb=%d", kb), func(b *testing.B) {
			n, cfg, tmpls := parse(b, longSectionNote(kb))
			for b.Loop() {
				check(b, n, cfg, tmpls)
			}
		})
	}
}

func BenchmarkManyInterviewers(b *testing.B) {
	for _, size := range []int{500, 5000} {
		b.Run(fmt.Sprintf("n=%d", size), func(b *testing.B) {
			n, cfg, tmpls := parse(b, crowdNote(size))
			for b.Loop() {
				check(b, n, cfg, tmpls)
			}
		})
	}
}

// TestCapPerSection: a section lists 20 findings of a kind and
// says how many more there are, once, at its heading; other kinds and
// other sections keep their own count.
func TestCapPerSection(t *testing.T) {
	text := `---
company: Acme Corp
role: Engineer
date: 2026-11-19T14:00
status: ready
interviewers:
  - name: Jane Doe
    email: jane.doe@acme.com
  - name: Raj Patel
    email: raj@acme.com
---
## Thank you: Jane Doe

` + strings.Repeat("We talked about teh ledger. ", 30) + `I can't wait to hear back.

## Raj

` + strings.Repeat("I recieve it, and the ledger too.\n", 3)
	n, cfg, tmpls := parse(t, text)
	var got []string
	count := map[string]int{}
	for _, d := range check(t, n, cfg, tmpls) {
		count[fmt.Sprintf("%d %s", d.Line, d.Code)]++
		if !strings.HasPrefix(d.Message, `"teh" is misspelt`) {
			got = append(got, fmt.Sprintf("%d:%d %s %s", d.Line, d.Col, d.Code, d.Message))
		}
	}
	want := []string{
		`12:1 spelling this section has 10 more like this, not listed`,
		`14:843 tone "can't wait to hear" sounds too eager: say what you bring instead`,
		`18:3 spelling "recieve" is misspelt: write "receive"`,
		`19:3 spelling "recieve" is misspelt: write "receive"`,
		`20:3 spelling "recieve" is misspelt: write "receive"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if count["14 spelling"] != 20 {
		t.Errorf("%d misspellings listed on line 14, want 20", count["14 spelling"])
	}
}

// allocated returns the bytes that checking a note of text allocates, once
// the speller and the memos are warm.
func allocated(t *testing.T, text string) uint64 {
	n, cfg, tmpls := parse(t, text)
	check(t, n, cfg, tmpls)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	check(t, n, cfg, tmpls)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCostGrowsLinearly: ten times the interviewers, about ten times the
// work. The work is counted in bytes allocated, which, unlike time, does
// not depend on the machine: building the other interviewers' list and
// values for each draft, and trying each name at each word, made it grow
// with the square (89 times, from 100 interviewers to 1,000).
func TestCostGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("checks notes of 1,000 interviewers")
	}
	small, large := allocated(t, crowdNote(100)), allocated(t, crowdNote(1000))
	if ratio := float64(large) / float64(small); ratio > 13 {
		t.Errorf("1,000 interviewers allocate %.1f times what 100 do (%d and %d bytes), want about 10", ratio, large, small)
	} else {
		t.Logf("1,000 interviewers allocate %.1f times what 100 do", ratio)
	}
}
