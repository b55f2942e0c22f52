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

// commonWords start sentences, often before a comma ("Sadly, …"), or
// name months and days; a name a small edit away from one of them ("Jane"
// and "June", "Sally" and "Sadly") is not a misspelling of it.
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
		until upon use was way were what who why yes yet
		again also still sure sadly later lastly first second third finally honestly frankly personally hopefully
		luckily fortunately unfortunately similarly likewise moreover furthermore however therefore instead indeed
		ideally overall meanwhile otherwise besides separately naturally notably clearly obviously admittedly
		interestingly importantly incidentally specifically additionally afterwards recently earlier anyway
		regardless perhaps maybe certainly absolutely definitely okay right true great perfect wonderful cheers
		warmly kindly respectfully data`) {
		commonWords[w] = true
	}
}

// letterBlocks returns the paragraphs of a draft between the greeting
// ("Dear Jane,") and the closing ("Best regards,"): what its reader reads.
func letterBlocks(markdown string) []string {
	var blocks []string
	for _, b := range strings.Split(strings.TrimSpace(markdown), "\n\n") {
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
	return blocks
}

// checkLength measures a draft as its reader will: the paragraphs between
// the greeting and the closing. A note is substantial but short: 40 to 250
// words, four paragraphs at most. Talking points for a call are not a
// note.
func checkLength(d Draft) (finding, bool) {
	if d.Channel == vault.Call {
		return finding{}, false
	}
	blocks := letterBlocks(d.Markdown)
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
	return finding{code: vault.CodeLength, message: msg, template: tmpl}, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
