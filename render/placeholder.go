package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"followup/vault"
)

var (
	// bracketed text: a letter, then up to 58 letters, digits, spaces and
	// the punctuation of a phrase; "[insert …]".
	bracketed = regexp.MustCompile(`\[(\pL[\pL\pN .,'’&/…-]{0,58})\]`)
	// referenceLabel is the start of a link reference definition,
	// "[acme]: https://…", whose label makes "[acme]" a link.
	referenceLabel = regexp.MustCompile(`(?m)^ {0,3}\[([^\]\n]+)\]:`)
	angled         = regexp.MustCompile(`<([A-Za-z][A-Za-z _-]{1,30})>`)
	htmlTags       = regexp.MustCompile(`^(?i:a|b|i|u|p|br|hr|em|strong|span|div|code|pre|ul|ol|li|sup|sub|small|mark|del|ins|s|q|kbd|abbr|cite|img|table|tr|td|th|h[1-6]|blockquote|details|summary|dl|dt|dd|thead|tbody|tfoot|caption|figure|figcaption|section|center|font|big|tt|strike|samp|var|time|wbr|video|audio|source|iframe)$`)
	loremIpsum     = regexp.MustCompile(`(?i)\blorem ipsum\b`)
	curlyBraces    = regexp.MustCompile(`\{\{|\}\}`)
)

// slotLeads start the bracketed instructions people write in lower case,
// "[insert …]", "[something you discussed]"; slotNouns end the bracketed
// slots, "[project name]", "[topic]", "[your title here]". Other
// bracketed lower-case text is an editor's aside: "[the night crew]",
// "[sic]".
var (
	slotLeads = wordSet(`insert add fill enter mention include describe specific something`)
	slotNouns = wordSet(`name names company title role position job date time day topic topics subject project
		product detail details example skill skills point achievement accomplishment interviewer manager department
		location address number email e-mail phone here`)
)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// placeholders finds what was meant to be filled in: [Name],
// [project name], [insert …], {{ … }}, <name>, lorem ipsum, and the
// stand-ins TODO, TK, TBD, XXX, FIXME, XYZ, ABC; each once, a stand-in
// inside a bracketed placeholder ("[TBD]") with it.
func placeholders(text string) []finding {
	var fs []finding
	found := func(off, n int, what string) { fs = append(fs, placeholderFinding(off, n, what)) }
	if strings.ContainsRune(text, '[') {
		fs = append(fs, bracketedPlaceholders(text)...)
	}
	if strings.ContainsRune(text, '<') {
		for _, m := range angled.FindAllStringSubmatchIndex(text, -1) {
			if !htmlTags.MatchString(text[m[2]:m[3]]) {
				found(m[0], m[1]-m[0], text[m[0]:m[1]])
			}
		}
	}
	if strings.Contains(text, "{{") || strings.Contains(text, "}}") || strings.Contains(strings.ToLower(text), "lorem") {
		for _, re := range []*regexp.Regexp{loremIpsum, curlyBraces} {
			if m := re.FindStringIndex(text); m != nil {
				found(m[0], m[1]-m[0], text[m[0]:m[1]])
			}
		}
	}
	slices.SortFunc(fs, func(a, b finding) int { return a.off - b.off })
	// The stand-ins outside the others: both lists are in order.
	i := 0
	for _, s := range standIns(text) {
		for i < len(fs) && fs[i].off+fs[i].n <= s.off {
			i++
		}
		if i < len(fs) && fs[i].off <= s.off && s.off+s.n <= fs[i].off+fs[i].n {
			continue
		}
		fs = append(fs, s)
	}
	return fs
}

func placeholderFinding(off, n int, what string) finding {
	return finding{off: off, n: n, code: vault.CodePlaceholder, what: what,
		message: fmt.Sprintf("%q is a placeholder: write what it stands for", what)}
}

// bracketedPlaceholders finds [Name], [Company name] and, in lower case,
// [name], [project name], [insert …]; but not links ([text](url),
// [[note]], [text][ref], [ref] defined in the text), footnotes ([^1]),
// checkboxes ([ ], [x]) or a letter alone ([A]).
func bracketedPlaceholders(text string) []finding {
	var labels map[string]bool
	if strings.Contains(text, "]:") {
		labels = map[string]bool{}
		for _, m := range referenceLabel.FindAllStringSubmatch(text, -1) {
			labels[strings.ToLower(m[1])] = true
		}
	}
	var fs []finding
	for _, m := range bracketed.FindAllStringSubmatchIndex(text, -1) {
		start, end, inner := m[0], m[1], text[m[2]:m[3]]
		switch {
		case start > 0 && text[start-1] == '[' || end < len(text) && strings.IndexByte("([]", text[end]) >= 0:
			continue // a link: [text](url), [[note]], [text][ref]
		case labels[strings.ToLower(inner)]:
			continue // [ref], or its definition [ref]: url
		case utf8.RuneCountInString(inner) == 1:
			continue // a checkbox, [x], or an option, [A]
		}
		if r, _ := utf8.DecodeRuneInString(inner); unicode.IsLower(r) && !isSlot(inner) {
			continue
		}
		fs = append(fs, placeholderFinding(start, end-start, text[start:end]))
	}
	return fs
}

// isSlot reports whether bracketed lower-case text is a slot to fill in
// or an instruction, rather than an aside.
func isSlot(inner string) bool {
	words := strings.FieldsFunc(strings.TrimRight(inner, ".…"), func(r rune) bool { return r == ' ' || r == ',' || r == '/' })
	if len(words) == 0 {
		return false
	}
	first, last := strings.ToLower(words[0]), strings.ToLower(words[len(words)-1])
	last = strings.TrimSuffix(strings.TrimSuffix(last, "'s"), "’s")
	return slotLeads[first] || slotNouns[last]
}

// A standIn is a word people write for what they will fill in later.
// TODO, TBD, FIXME and XXX are stand-ins in any case; TK in upper or
// lower case ("Tk" is a toolkit); XYZ and ABC in capitals.
func standIn(word string) bool {
	switch len(word) {
	case 2:
		return word == "TK" || word == "tk"
	case 3:
		return word == "XYZ" || word == "ABC" || strings.EqualFold(word, "TBD") || xs(word)
	case 4:
		return strings.EqualFold(word, "TODO") || xs(word)
	case 5:
		return strings.EqualFold(word, "FIXME") || xs(word)
	}
	return false
}

// xs reports whether word is all x, "XXX".
func xs(word string) bool {
	return strings.Trim(word, "xX") == ""
}

// determiners before a stand-in make it a noun: "the TODO list app", "a
// todo app".
var determiners = wordSet(`the a an my your our their his her its this that these those`)

// standIns finds the stand-ins of text (standIn), in any place of a
// sentence, but not:
//   - inside an address or a name of code ("acme.tk", "TODO_list",
//     "TK-421");
//   - XYZ, ABC, XXX and TK before a capitalised word, which make a name
//     ("XYZ Ltd", "TK Maxx");
//   - TODO and FIXME after a determiner and before a lower-case word,
//     which make a noun ("the TODO list app");
//
// and, left for ns.notContent, not a word the note's front matter uses.
func standIns(text string) []finding {
	var fs []finding
	prev := ""
	past := 0 // the end of the last stand-in, which may hold several tokens
	for t := range eachToken(text) {
		word := t.word
		before := prev
		prev = word
		if t.start < past || !standIn(word) {
			continue
		}
		upper := strings.ToUpper(word)
		xrun := xs(word)
		if xrun {
			// "XXX-XXX-XXXX", "$XXX,XXX": one stand-in.
			for t.end+1 < len(text) && strings.IndexByte("-.,/", text[t.end]) >= 0 {
				start, end := nextToken(text, t.end+1)
				if start != t.end+1 || end-start < 3 || !xs(text[start:end]) {
					break
				}
				t.end = end
			}
			word, past = text[t.start:t.end], t.end
		}
		if t.start > 0 && strings.IndexByte("./@#_-=\\", text[t.start-1]) >= 0 {
			continue
		}
		if t.end < len(text) {
			if c := text[t.end]; strings.IndexByte("/@_-=", c) >= 0 || c == '.' && t.end+1 < len(text) && isWordByte(text[t.end+1]) {
				continue
			}
		}
		next := nextWord(text, t.end)
		switch {
		case (upper == "XYZ" || upper == "ABC" || xrun || upper == "TK") && unicode.IsUpper(next):
			continue // "XYZ Ltd": a name
		case (upper == "TODO" || upper == "FIXME") && determiners[strings.ToLower(before)] && unicode.IsLower(next):
			continue // "a TODO list app"
		}
		f := placeholderFinding(t.start, t.end-t.start, word)
		f.standIn = true
		fs = append(fs, f)
	}
	return fs
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// nextWord returns the first letter of the word after offset at, on the
// same line or, wrapped, on the next; 0 when a paragraph ends first.
func nextWord(text string, at int) rune {
	rest := strings.TrimLeft(text[at:], " \t")
	if after, ok := strings.CutPrefix(rest, "\n"); ok && !strings.HasPrefix(strings.TrimLeft(after, " \t"), "\n") {
		rest = strings.TrimLeft(after, " \t")
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return r
}

// contentWords are the stand-ins that names, and the other values of a
// note's front matter, use as words (a company "ABC Corp", a topic "TODO
// list app"), in upper case: there they are content, and so they are in
// the text. A value other than a name that is a stand-in alone ("role:
// TBD") is no content: it is left to fill in.
func contentWords(names []string, values ...string) map[string]bool {
	m := map[string]bool{}
	add := func(v string, alone bool) {
		var found []string
		words := 0
		for t := range eachToken(v) {
			words++
			if w := strings.ToUpper(t.word); standIn(w) {
				found = append(found, w)
			}
		}
		if alone || len(found) < words {
			for _, w := range found {
				m[w] = true
			}
		}
	}
	for _, v := range names {
		add(v, true)
	}
	for _, v := range values {
		add(v, false)
	}
	return m
}

// notContent returns fs without the stand-ins that the note's front
// matter uses as words. fs is not changed: it may be remembered.
func (ns *nameSet) notContent(fs []finding) []finding {
	if len(ns.content) == 0 || !slices.ContainsFunc(fs, func(f finding) bool { return f.standIn }) {
		return fs
	}
	var out []finding
	for _, f := range fs {
		if !f.standIn || !ns.content[strings.ToUpper(f.what)] {
			out = append(out, f)
		}
	}
	return out
}
