package render

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"followup/vault"
)

// runTogether are words people write as one that English writes as two:
// "alot" and its kin. The speller's list takes some of them ("atleast",
// "thankyou") for the right spelling of other misspellings.
var runTogether = map[string]string{
	"alot": "a lot", "abit": "a bit", "alittle": "a little", "aswell": "as well", "atleast": "at least",
	"infact": "in fact", "incase": "in case", "inspite": "in spite", "infront": "in front", "inorder": "in order",
	"ontop": "on top", "eachother": "each other", "everytime": "every time", "noone": "no one",
	"thankyou": "thank you", "ofcourse": "of course", "eventhough": "even though", "upto": "up to",
}

// modals are the verbs that "of" follows when "have" was meant: "could
// of" is "could've" heard, not written.
var modals = map[string]bool{
	"could": true, "should": true, "would": true, "must": true, "might": true,
	"couldn't": true, "shouldn't": true, "wouldn't": true, "mustn't": true, "mightn't": true,
	"couldn’t": true, "shouldn’t": true, "wouldn’t": true, "mustn’t": true, "mightn’t": true,
}

// slips finds what the speller's list cannot, since each word is right
// alone: "could of" for "could have" (but "could of course" is English),
// and "alot" and its kin, two words run together.
func slips(text string) []finding {
	var fs []finding
	var prev, last token // the two tokens before t
	for t := range eachToken(text) {
		if len(t.word) <= len("eventhough") && strings.IndexByte("aeinotuAEINOTU", t.word[0]) >= 0 {
			if right, ok := runTogether[strings.ToLower(t.word)]; ok {
				fs = append(fs, slip(t.start, t.end, t.word, sameCase(t.word, right)))
			}
		}
		// prev last t: "could of t", where t is not "course".
		if strings.EqualFold(last.word, "of") && prev.word != "" && modals[strings.ToLower(prev.word)] &&
			!strings.EqualFold(t.word, "course") && spaced(text, prev, last) && spaced(text, last, t) {
			fs = append(fs, ofForHave(text, prev, last))
		}
		prev, last = last, t
	}
	// "could of" at the end of the text.
	if strings.EqualFold(last.word, "of") && prev.word != "" && modals[strings.ToLower(prev.word)] && spaced(text, prev, last) {
		fs = append(fs, ofForHave(text, prev, last))
	}
	return fs
}

func ofForHave(text string, modal, of token) finding {
	return slip(modal.start, of.end, text[modal.start:of.end], sameCase(modal.word, strings.ToLower(modal.word)+" have"))
}

func slip(start, end int, wrong, right string) finding {
	return finding{off: start, n: end - start, code: vault.CodeSpelling, what: wrong, suggestion: right,
		message: fmt.Sprintf("%q is misspelt: write %q", wrong, right)}
}

// spaced reports whether only blanks, a line break among them, stand
// between a and b.
func spaced(text string, a, b token) bool {
	gap := text[a.end:b.start]
	return gap != "" && strings.TrimSpace(gap) == "" && strings.Count(gap, "\n") <= 1
}

// sameCase capitalises right as written is: "Alot" is "A lot".
func sameCase(written, right string) string {
	r, _ := utf8.DecodeRuneInString(written)
	if !unicode.IsUpper(r) {
		return right
	}
	if written == strings.ToUpper(written) && utf8.RuneCountInString(written) > 1 {
		return strings.ToUpper(right)
	}
	first, n := utf8.DecodeRuneInString(right)
	return string(unicode.ToUpper(first)) + right[n:]
}
