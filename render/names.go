package render

import (
	"fmt"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"followup/vault"
)

// A token is a word of a text at its byte offsets.
type token struct {
	word       string
	start, end int
}

// tokens returns the words of text: letters and digits, with an
// apostrophe inside ("don't", "O'Brien"), as wordRE finds them but without
// the cost of a regular expression on every draft.
func tokens(text string) []token {
	ts := make([]token, 0, len(text)/6+1) // about as many as words
	for t := range eachToken(text) {
		ts = append(ts, t)
	}
	return ts
}

// eachToken yields the tokens of text, one by one.
func eachToken(text string) iter.Seq[token] {
	return func(yield func(token) bool) {
		for i := 0; i < len(text); {
			start, end := nextToken(text, i)
			if start < 0 {
				return
			}
			if !yield(token{text[start:end], start, end}) {
				return
			}
			i = end
		}
	}
}

// nextToken returns where the first token of text at or after i starts
// and ends; -1 when there is none.
func nextToken(text string, i int) (int, int) {
	isWord := func(r rune) bool {
		return r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z' || r >= '0' && r <= '9') || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsNumber(r))
	}
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += n
			continue
		}
		start := i
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if isWord(r) {
				i += n
				continue
			}
			// An apostrophe continues the word when a letter follows.
			if r == '\'' || r == '’' {
				if next, _ := utf8.DecodeRuneInString(text[i+n:]); i+n < len(text) && unicode.IsLetter(next) {
					i += n
					continue
				}
			}
			break
		}
		return start, i
	}
	return -1, -1
}

// fold compares words as people write names: case and accents aside, so
// that Muller and Müller are the same name.
func fold(s string) string {
	if isASCII(s) {
		s = strings.TrimSuffix(s, "'s") // Raghunathan's rule
		return strings.ToLower(s)
	}
	s = strings.ReplaceAll(s, "’", "'")
	if t, ok := strings.CutSuffix(s, "'s"); ok {
		s = t // Raghunathan's rule
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// near reports whether a is a small edit away from b (but not b): one edit
// for short words, two for long ones, transpositions counting as one.
func near(a, b string) bool {
	if a == b {
		return false
	}
	limit := 1
	if utf8.RuneCountInString(b) > 7 {
		limit = 2
	}
	if d := len(a) - len(b); d > 2*limit || d < -2*limit {
		return false // too far apart in length to be near (UTF-8 counts up to 2 a letter here)
	}
	return vault.EditDistance(a, b) <= limit
}

// commonWords start sentences or name months and days; a name a small edit
// away from one of them ("Jane" and "June") is not a misspelling of it.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the this that these those then than there their they them thank thanks dear best
		our your you yours we it its in on at and but so as also both once what when where which while with would will
		could should some since still such here how have has had just like looking many more most much never next now
		only other over please regards sincerely very well today tomorrow yesterday monday tuesday wednesday thursday
		friday saturday sunday january february march april may june july august september october november december
		hope hoped hello kind warm team role work call mail note notes from into about after before again all any
		are been being can did does done each even every few for get give good great had here him her his how its
		let made make may me mine my new not off one out own said same see she sure take tell time too two under
		until upon use was way were what who why yes yet`) {
		commonWords[w] = true
	}
}

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

// checkLength measures a draft as its reader will: the paragraphs between
// the greeting and the closing. A note is substantial but short: 40 to 250
// words, four paragraphs at most. Talking points for a call are not a
// note.
func checkLength(d Draft) (finding, bool) {
	if d.Channel == vault.Call {
		return finding{}, false
	}
	var blocks []string
	for _, b := range strings.Split(strings.TrimSpace(d.Markdown), "\n\n") {
		if b = strings.TrimSpace(b); b != "" {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) > 0 && !strings.Contains(blocks[0], "\n") && strings.HasSuffix(blocks[0], ",") {
		blocks = blocks[1:] // "Dear Jane,"
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		// The closing ("Best regards,") and the signature after it.
		if strings.HasSuffix(blocks[i], ",") && len(strings.Fields(blocks[i])) <= 4 {
			blocks = blocks[:i]
			break
		}
	}
	words := 0
	for _, b := range blocks {
		for range eachToken(b) {
			words++
		}
	}
	var msg, tmpl string
	switch {
	case len(blocks) > 4:
		msg = fmt.Sprintf("the note to %s has %d paragraphs: keep it to three or four short ones", d.To.Name, len(blocks))
		tmpl = "have more than four paragraphs: keep them to three or four short ones"
	case words > 250:
		msg = fmt.Sprintf("the note to %s has %d words: keep it under 250", d.To.Name, words)
		tmpl = "have over 250 words: keep them short"
	case words < 40:
		msg = fmt.Sprintf("the note to %s has only %d words: say something substantial about your conversation", d.To.Name, words)
		tmpl = "have under 40 words: say something substantial"
	default:
		return finding{}, false
	}
	return finding{code: CodeLength, message: msg, template: tmpl}, true
}

// formLetters finds the notes that could go to anyone: an interviewer
// without a personal part or topics of their own, and two personal parts
// nearly the same (compared on their words, not their bytes).
func formLetters(n *vault.Note) []vault.Diagnostic {
	var ds []vault.Diagnostic
	warn := func(p vault.Pos, msg string) {
		ds = append(ds, vault.Diagnostic{Path: n.Path, Line: p.Line, Col: p.Col, Severity: vault.Warning, Code: CodeFormLetter, Message: msg})
	}
	sets := make([]map[string]bool, len(n.Interviewers)) // made once each
	wordSet := func(i int) map[string]bool {
		if sets[i] == nil {
			sets[i] = foldedWords(n.Interviewers[i].Personal.Markdown)
		}
		return sets[i]
	}
	for i, iv := range n.Interviewers {
		if iv.Personal == nil || strings.TrimSpace(iv.Personal.Markdown) == "" {
			if len(iv.Topics) == 0 {
				warn(iv.Pos, fmt.Sprintf("nothing personal for %s: add a heading \"## %s\" with what you talked about, or their topics", iv.Name, iv.Name))
			}
			continue
		}
		for j, other := range n.Interviewers[:i] {
			if other.Personal == nil {
				continue
			}
			if sim := similarity(wordSet(i), wordSet(j)); sim >= 0.7 {
				warn(iv.Personal.Pos, fmt.Sprintf("the note to %s is nearly the same as the one to %s (line %d): tie each to your conversation with that person",
					iv.Name, other.Name, other.Personal.Pos.Line))
				break
			}
		}
	}
	return ds
}

// similarity is the Jaccard index of two sets of words (foldedWords).
func similarity(sa, sb map[string]bool) float64 {
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	both := 0
	for w := range sa {
		if sb[w] {
			both++
		}
	}
	return float64(both) / float64(len(sa)+len(sb)-both)
}

// foldedWords returns the set of the words of s, folded.
func foldedWords(s string) map[string]bool {
	m := map[string]bool{}
	for t := range eachToken(s) {
		m[fold(t.word)] = true
	}
	return m
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

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
