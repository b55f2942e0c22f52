package render

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"followup/vault"
)

// A phrase is a way of sounding too eager in a thank-you, or pushy in a
// follow-up, and the words one of which it always has: text without them
// is spared its regular expression. One small expression a phrase, run
// only where its words are, is fast where one of them all is slow.
type phrase struct {
	words []string // in lower case
	re    *regexp.Regexp
	pushy bool
}

func eager(pattern string, words ...string) phrase {
	return phrase{words: words, re: regexp.MustCompile(`(?i)\b(?:` + pattern + `)\b`)}
}

func pushy(pattern string, words ...string) phrase {
	p := eager(pattern, words...)
	p.pushy = true
	return p
}

// I, as the candidate writes it: "I'll", "I’d", "I would".
const iWill = `(?:i(?:'|’)ll|i will|i(?:'|’)d|i would)`

// phrases sound desperate or relieved, which a thank-you should not, or
// impatient, which a follow-up should not. Each is in the first person
// where others could say the words ("the team can start tomorrow", "you
// expect a decision by Friday").
var phrases = []phrase{
	eager(`last chance`, "last chance"),
	eager(`(?:really |truly |desperately |badly )?need this (?:job|role|position)`, "need this"),
	eager(`i (?:really |truly |desperately |badly )?need (?:a|the) (?:job|role|position|offer)`, "need a", "need the"),
	eager(`desperate`, "desperate"),
	eager(`please,? please`, "please"),
	eager(`i(?:'|’)?m begging|beg(?:ging)? you`, "beg"),
	eager(`i would do anything|do anything for`, "do anything"),
	eager(iWill+` do whatever it takes`, "whatever it takes"),
	eager(`so relieved|what a relief`, "relie"),
	eager(`(?:can(?:no|'|’)t|can not) wait to hear`, "wait to hear"),
	eager(`anxiously (?:waiting|awaiting)`, "anxiously"),
	eager(`eagerly awaiting your`, "eagerly"),
	eager(`please,? (?:hire|pick|choose) me|hire me,? please`, "hire me", "pick me", "choose me"),
	eager(`(?:just )?give me a (?:chance|shot)`, "give me a"),
	eager(`(?:i (?:can|could)|i(?:'|’)?m (?:able|ready|available) to|i am (?:able|ready|available) to) start (?:tomorrow|today|right away|right now|at once)`,
		"start tomorrow", "start today", "start right", "start at once"),
	eager(`any (?:job|role|position|offer|work) (?:would|will) do|anything (?:would|will) do`, "would do", "will do"),
	eager(iWill+` (?:take|accept) (?:any (?:job|role|position|offer|salary)|anything)`, "take any", "accept any"),
	eager(iWill+` work for (?:free|nothing|less)`, "work for"),
	eager(`you won(?:'|’)?t regret (?:it|hiring me)`, "regret"),
	eager(`i won(?:'|’)?t let you down`, "let you down"),
	eager(`my (?:only|last) hope`, "only hope", "last hope"),

	pushy(`as i (?:said|mentioned|wrote) (?:before|earlier|previously)`, "as i "),
	pushy(`(?:i )?(?:still )?ha(?:ve|s)n(?:'|’)?t heard back`, "heard back"),
	pushy(`i am still waiting|i(?:'|’)m still waiting|still waiting to hear`, "still waiting"),
	pushy(`per my (?:last|previous) (?:e-?mail|note|message)`, "per my"),
	pushy(`did you (?:get|receive|see|read) my (?:last |previous |earlier )?(?:e-?mail|message|note|letter)`, "did you"),
	pushy(`still no (?:reply|response|answer|word|news)`, "still no"),
	pushy(`i (?:need|expect) (?:an answer|a reply|a response|a decision)`, "need a", "expect a"),
	pushy(`please (?:respond|reply|answer|get back to me) (?:asap|as soon as possible|soon|quickly|immediately|today)`, "please"),
	pushy(`asap`, "asap"),
}

var justCheckingIn = regexp.MustCompile(`(?i)\bjust (?:checking|following) (?:in|up)\b`)

// tone finds the phrases of text, each once: of two that overlap ("please,
// please hire me"), the first.
func tone(text string) []finding {
	lower := strings.ToLower(text)
	var fs []finding
	for _, p := range phrases {
		if !slices.ContainsFunc(p.words, func(w string) bool { return strings.Contains(lower, w) }) {
			continue
		}
		for _, m := range p.re.FindAllStringIndex(text, -1) {
			what := text[m[0]:m[1]]
			msg := fmt.Sprintf("%q sounds too eager: say what you bring instead", what)
			if p.pushy {
				msg = fmt.Sprintf("%q sounds pushy: be patient and polite", what)
			}
			fs = append(fs, finding{off: m[0], n: m[1] - m[0], code: vault.CodeTone, what: what, message: msg})
		}
	}
	slices.SortStableFunc(fs, func(a, b finding) int { return cmp.Or(a.off-b.off, b.n-a.n) })
	end := 0
	fs = slices.DeleteFunc(fs, func(f finding) bool {
		if f.off < end {
			return true
		}
		end = f.off + f.n
		return false
	})
	if strings.Contains(lower, "just") {
		if ms := justCheckingIn.FindAllStringIndex(text, -1); len(ms) > 1 {
			m := ms[1]
			what := text[m[0]:m[1]]
			fs = append(fs, finding{off: m[0], n: m[1] - m[0], code: vault.CodeTone, what: what,
				message: fmt.Sprintf("%q more than once sounds pushy: say it once, or not at all", what)})
		}
	}
	return fs
}

// maxExclamations is how many exclamation marks one text may have: a
// third sounds breathless.
const maxExclamations = 2

// exclamations finds exclamation marks in a row ("!!", "?!!"), each run
// once, and the first mark past maxExclamations in one text. A mark
// counts where a sentence ends, after a word and before a blank, a
// quote, a bracket or the end: not the "!" of an image ("![alt](src)"),
// of an HTML comment ("<!--"), of "!=", or of a line of a script
// ("! exists").
func exclamations(text string) []finding {
	if strings.Count(text, "!") < 2 {
		return nil
	}
	var fs []finding
	marks := 0
	for i := 0; i < len(text); i++ {
		if text[i] != '!' || i == 0 || strings.IndexByte("< \t\n", text[i-1]) >= 0 {
			continue // after a word, not after a blank: "! exists", "<!--"
		}
		start, end := i, i+1
		for end < len(text) && (text[end] == '!' || text[end] == '?') {
			end++
		}
		if end < len(text) && !strings.ContainsRune(" \t\n)]\"'*_”’»", rune(text[end])) && text[end] < utf8.RuneSelf {
			i = end - 1
			continue
		}
		if r, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && r >= utf8.RuneSelf && !strings.ContainsRune("”’»", r) {
			i = end - 1
			continue
		}
		for start > 0 && text[start-1] == '?' {
			start--
		}
		run := text[start:end]
		switch n := strings.Count(run, "!"); {
		case n > 1:
			fs = append(fs, finding{off: start, n: end - start, code: vault.CodeTone, what: run,
				message: fmt.Sprintf("%q sounds too eager: one exclamation mark is plenty", run)})
		case marks+n > maxExclamations && marks <= maxExclamations:
			fs = append(fs, finding{off: i, n: 1, code: vault.CodeTone, what: "!",
				message: "a third exclamation mark sounds too eager: keep one or two, or none"})
		}
		marks += strings.Count(run, "!")
		i = end - 1
	}
	return fs
}
