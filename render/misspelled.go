package render

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A nameSet is the names of a note made ready for misspelledIn, once for
// all its drafts.
type nameSet struct {
	names []string
	known map[string]bool // every word of every name, folded
	whole [][]string      // of each name of several words, its words folded
	// singles are the names, or the first and last names, that are
	// looked for alone.
	singles []single
}

type single struct{ word, folded string }

func nameSetOf(names []string) *nameSet {
	ns := &nameSet{names: names, known: map[string]bool{}}
	for _, name := range names {
		words := strings.Fields(name)
		var want []string
		if len(words) >= 2 {
			want = make([]string, len(words))
		}
		for j, w := range words {
			ns.known[fold(w)] = true
			if want != nil {
				want[j] = fold(strings.Trim(w, ".,"))
			}
		}
		ns.whole = append(ns.whole, want)
		// A single word: the company's one word, or a person's first or
		// last name on its own. Names go first, so that "Jane Dow" is
		// reported whole.
		var singles []string
		switch {
		case len(words) == 1:
			singles = words
		case len(words) >= 2 && name != names[0]: // "Corp" alone is no company name
			singles = []string{words[0], words[len(words)-1]}
		}
		for _, w := range singles {
			if b := fold(w); utf8.RuneCountInString(b) >= 4 {
				ns.singles = append(ns.singles, single{word: w, folded: b})
			}
		}
	}
	return ns
}

// words are the words of a text, made ready for misspelledIn.
type words struct {
	ts     []token
	folded []string        // of each token
	lower  map[string]bool // words the text also uses in lower case
}

func wordsOf(text string) *words {
	w := &words{ts: tokens(text), lower: map[string]bool{}}
	w.folded = make([]string, len(w.ts))
	for i, t := range w.ts {
		w.folded[i] = fold(t.word)
		if r, _ := utf8.DecodeRuneInString(t.word); unicode.IsLower(r) {
			w.lower[strings.ToLower(t.word)] = true
		}
	}
	return w
}

// misspelledIn finds, in text whose words are w, the company or a
// person's name of ns written a small edit away from the front matter's
// spelling: "Acme Crop", "Jane Dow", "Priya Sha". A name of several words
// is found when at least one word is right and the others are near; a
// name of one word, or a first name alone, only when it is capitalised,
// four letters or more, starts with the same letter, and is not an
// ordinary word.
func misspelledIn(text string, w *words, ns *nameSet) []finding {
	ts, folded, lower, known := w.ts, w.folded, w.lower, ns.known
	var fs []finding
	var flagged [][2]int // ranges already reported: "Acme Crop" holds "Crop"
	report := func(start, end int, right string) {
		for _, r := range flagged {
			if start < r[1] && r[0] < end {
				return
			}
		}
		flagged = append(flagged, [2]int{start, end})
		wrong := text[start:end]
		fs = append(fs, finding{off: start, n: end - start, code: CodeMisspelledName, what: wrong, suggestion: right,
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
			if !unicode.IsUpper(r) || known[a] || commonWords[a] || lower[a] || a == b+"s" || sentenceStart(text, t.start) || !near(a, b) {
				continue // "Bills", "Data quality is": ordinary words
			}
			if first, _ := utf8.DecodeRuneInString(a); !strings.HasPrefix(b, string(first)) {
				continue
			}
			report(t.start, t.end, sg.word)
		}
	}
	return fs
}

// sentenceStart reports whether the word at off starts a sentence, where
// an ordinary word is capitalised too.
func sentenceStart(text string, off int) bool {
	before := strings.TrimRight(text[:off], " \t\"'“‘(*_")
	if before == "" {
		return true
	}
	switch before[len(before)-1] {
	case '.', '!', '?', ':', '\n', '#', '-':
		return true
	}
	return false
}
