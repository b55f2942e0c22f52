package vault

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// This file finds the characters that have no place in a one-line value
// (a company, a name, an address, a title, a topic): what a reader cannot
// see goes unseen into a mail's To, the calendar's SUMMARY and the drafts'
// file names, and keeps a name from matching its heading in the body.

// A stray is a character found where it has no place.
type stray struct {
	at   int // byte offset in the text
	r    rune
	what string // "a control character", …
	fix  string // what to do about it
}

// findStray returns the first character of s that a one-line value may not
// hold; with lines, line breaks are allowed. It refuses:
//   - control characters but the tab, and the Unicode line and paragraph
//     separators: a line break could add a header to a mail;
//   - the bidirectional controls (embeddings, overrides, isolates and the
//     marks LRM, RLM, ALM): they show the text around them in another
//     order than it is written, the trick of "Trojan Source"
//     (CVE-2021-42574), so that the name read is not the name sent;
//   - the other format characters (Unicode's category Cf: zero-width
//     space, word joiner, zero-width no-break space or byte-order mark,
//     soft hyphen, the tags …) and the Hangul fillers, which show nothing:
//     pasted from a web page, they hide inside a name.
//
// Zero-width non-joiner and joiner (U+200C, U+200D) are kept between two
// characters beyond ASCII, neither a space: Persian and the Indic scripts
// spell names with them, and emoji sequences are joined by them. Next to
// ASCII, a space or the ends of the value they do nothing but hide. The
// tags are kept after a black flag, where they spell the flag of a region
// (🏴 and tags for gbsct is Scotland's).
func findStray(s string, lines bool) (stray, bool) {
	const invisible, unseen = "an invisible character", "delete it, as it cannot be seen yet keeps the text from matching what you type"
	prev := rune(-1)
	flag := false // inside the tags of a flag
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+w:])
		st := stray{at: i, r: r}
		isTag := r >= 0xE0020 && r <= 0xE007F
		switch {
		case lines && r == '\n':
		case isControl(r) || r == '\u2028' || r == '\u2029':
			st.what, st.fix = "a control character", "write it on one line, without line breaks"
			return st, true
		case isBidiControl(r):
			st.what, st.fix = "a bidirectional control character", "delete it, as it shows the text in another order than it is written"
			return st, true
		case r == '\u200C' || r == '\u200D':
			if !joins(prev) || !joins(next) {
				st.what, st.fix = invisible, unseen
				return st, true
			}
		case isTag && (prev == '\U0001F3F4' || flag):
		case unicode.Is(unicode.Cf, r) || isHangulFiller(r):
			st.what, st.fix = invisible, unseen
			return st, true
		}
		flag = isTag && r != 0xE007F // CANCEL TAG ends a flag
		prev = r
		i += w
	}
	return stray{}, false
}

// joins reports whether r may stand beside a zero-width joiner or
// non-joiner: a letter or a symbol beyond ASCII.
func joins(r rune) bool {
	return r >= utf8.RuneSelf && r != utf8.RuneError && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r)
}

// isBidiControl reports the characters of Unicode's Bidi_Control property.
func isBidiControl(r rune) bool {
	switch {
	case r == '\u061C', r == '\u200E', r == '\u200F':
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// isHangulFiller reports the Hangul fillers, letters that show nothing:
// a name made of them looks empty.
func isHangulFiller(r rune) bool {
	return r == '\u115F' || r == '\u1160' || r == '\u3164' || r == '\uFFA0'
}

// message says what st is and where in s, the value of key.
func (st stray) message(key, s string) string {
	if st.at == 0 {
		return fmt.Sprintf("%s starts with %s (%U): %s", key, st.what, st.r, st.fix)
	}
	return fmt.Sprintf("%s contains %s (%U) after %q: %s", key, st.what, st.r, lead(s, st.at), st.fix)
}

// lead returns the text of s before offset at, its last 20 bytes at most:
// enough to find the place.
func lead(s string, at int) string {
	start := max(at-20, 0)
	for start > 0 && !utf8.RuneStart(s[start]) {
		start++
	}
	if start > 0 {
		return "…" + s[start:at]
	}
	return s[:at]
}

// CheckLine returns an error naming key when the one-line value s holds a
// character it may not (see findStray): for values given on the command
// line, which a note must not be written with.
func CheckLine(key, s string) error {
	if st, ok := findStray(s, false); ok {
		return fmt.Errorf("%s", st.message(key, s))
	}
	return nil
}
