package render

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"followup/vault"
)

// misspelledOneByOne is how misspelledIn worked before it had indexes:
// every name tried at every word. misspelledIn must find the same.
func misspelledOneByOne(text string, w *words, ns *nameSet) []finding {
	ts, folded, lower, known := w.ts, w.folded, w.lower, ns.known
	var fs []finding
	var flagged [][2]int
	report := func(start, end int, right string) {
		for _, r := range flagged {
			if start < r[1] && r[0] < end {
				return
			}
		}
		flagged = append(flagged, [2]int{start, end})
		wrong := text[start:end]
		fs = append(fs, finding{off: start, n: end - start, code: vault.CodeMisspelledName, what: wrong, suggestion: right,
			message: fmt.Sprintf("%q looks like a misspelling of %q: spell it as the front matter does", wrong, right)})
	}
	for k, want := range ns.whole {
		if want == nil {
			continue
		}
		for i := 0; i+len(want) <= len(ts); i++ {
			exact, close := 0, 0
			for j, b := range want {
				if folded[i+j] == b {
					exact++
				}
			}
			if exact == 0 || exact == len(want) {
				continue
			}
			for j, b := range want {
				if a := folded[i+j]; a != b && near(a, b) && !known[a] {
					close++
				}
			}
			if exact >= 1 && close >= 1 && exact+close == len(want) {
				report(ts[i].start, ts[i+len(want)-1].end, ns.names[k])
			}
		}
	}
	for _, sg := range ns.singles {
		b := sg.folded
		for i, t := range ts {
			a := folded[i]
			r, _ := utf8.DecodeRuneInString(t.word)
			if !unicode.IsUpper(r) || known[a] || commonWords[a] || lower[a] || a == b+"s" || titled(text, ts, i) ||
				sentenceStart(text, t.start) && !addressed(text, t) || !near(a, b) {
				continue
			}
			if first, _ := utf8.DecodeRuneInString(a); !strings.HasPrefix(b, string(first)) {
				continue
			}
			report(t.start, t.end, sg.word)
		}
	}
	for _, sg := range ns.surnames {
		b := sg.folded
		for i, t := range ts {
			a := folded[i]
			r, _ := utf8.DecodeRuneInString(t.word)
			if !unicode.IsUpper(r) || known[a] || !titled(text, ts, i) || utf8.RuneCountInString(a) < 3 || a == b+"s" || !near(a, b) {
				continue
			}
			if first, _ := utf8.DecodeRuneInString(a); !strings.HasPrefix(b, string(first)) {
				continue
			}
			report(t.start, t.end, sg.word)
		}
	}
	return fs
}

// edited changes a word by an edit or two, or not at all.
func edited(r *rand.Rand, w string) string {
	rs := []rune(w)
	for range r.IntN(3) {
		if len(rs) < 2 {
			break
		}
		i := r.IntN(len(rs) - 1)
		switch r.IntN(4) {
		case 0:
			rs = slices.Delete(rs, i, i+1)
		case 1:
			rs = slices.Insert(rs, i, rune('a'+r.IntN(3)))
		case 2:
			rs[i] = rune('a' + r.IntN(3))
		default:
			rs[i], rs[i+1] = rs[i+1], rs[i]
		}
	}
	return string(rs)
}

func TestMisspelledAsOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	syllables := []string{"ba", "na", "an", "ab", "é", "ra", "ar", "na"}
	word := func() string {
		var b strings.Builder
		for range r.IntN(5) + 1 {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		rs := []rune(b.String())
		rs[0] = unicode.ToUpper(rs[0])
		return string(rs)
	}
	found := 0
	for range 2000 {
		var names []string
		for i := range r.IntN(6) + 1 {
			var parts []string
			for range r.IntN(3) + 1 + min(i, 1) {
				parts = append(parts, word())
			}
			names = append(names, strings.Join(parts, " "))
		}
		var text []string
		for range r.IntN(40) {
			switch r.IntN(9) {
			case 0:
				text = append(text, ".")
			case 1:
				text = append(text, strings.ToLower(word()))
			case 2:
				text = append(text, []string{"Ms.", "Dr", "Mr. van"}[r.IntN(3)])
			case 3:
				if len(text) > 0 {
					text[len(text)-1] += []string{",", "'s"}[r.IntN(2)]
				}
			default:
				name := strings.Fields(names[r.IntN(len(names))])
				for _, w := range name[r.IntN(len(name)):] {
					text = append(text, edited(r, w))
				}
			}
		}
		s := strings.Join(text, " ")
		ns, w := nameSetOf(names), wordsOf(s)
		want := misspelledOneByOne(s, w, ns)
		got := misspelledIn(s, w, ns)
		slices.SortFunc(want, func(a, b finding) int { return a.off - b.off })
		slices.SortFunc(got, func(a, b finding) int { return a.off - b.off })
		if !slices.Equal(got, want) {
			t.Fatalf("names %q, text %q:\ngot  %v\nwant %v", names, s, got, want)
		}
		found += len(want)
	}
	t.Logf("%d misspelt names found", found)
	if found < 500 {
		t.Errorf("only %d misspellings in all: the test finds too few to compare", found)
	}
}
