package render

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSlug bounds a slug, in bytes, so that a path stays well under any
// file system's limit on a name (255 bytes on most).
const maxSlug = 60

// Slug turns a name into a safe file name: its letters and digits,
// lower-case, separated by single dashes. Latin letters lose their accents
// and become ASCII ("Zoë Müller" gives zoe-muller); the letters of other
// scripts are kept as they are, with their marks (李小龍 gives 李小龍,
// Δήμητρα gives δήμητρα), so that every name has a file name of its own.
// A slug holds no separator, space or punctuation; it is never empty,
// never "." or "..", never a name Windows reserves (con, nul, com1 …), and
// never longer than maxSlug bytes, cut between two letters.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	kept := false // the last letter written is of a script other than Latin: its marks stay
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			if kept {
				b.WriteRune(r)
			}
		case unicode.Is(unicode.Cf, r):
			// Joiners and other invisible characters: not part of a name's look.
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash, kept = false, false
		case translit[unicode.ToLower(r)] != "":
			b.WriteString(translit[unicode.ToLower(r)])
			dash, kept = false, false
		case (unicode.IsLetter(r) || unicode.IsDigit(r)) && !unicode.Is(unicode.Latin, r):
			b.WriteRune(unicode.ToLower(r))
			dash, kept = false, true
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash, kept = true, false
		default:
			kept = false
		}
	}
	slug := norm.NFC.String(strings.TrimRight(b.String(), "-"))
	if len(slug) > maxSlug {
		cut := maxSlug
		// Back to the start of a letter, not into one nor between a letter
		// and its marks.
		for cut > 0 && (!utf8.RuneStart(slug[cut]) || isMark(slug[cut:])) {
			cut--
		}
		slug = strings.TrimRight(slug[:cut], "-")
	}
	switch {
	case slug == "":
		slug = "untitled"
	case reserved[slug]:
		slug += "-"
	}
	return slug
}

// isMark reports whether s starts with a combining mark.
func isMark(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// translit spells the Latin letters that have no accent to drop.
var translit = map[rune]string{'ß': "ss", 'ø': "o", 'æ': "ae", 'œ': "oe", 'ł': "l", 'đ': "d", 'þ': "th", 'ð': "d", 'ı': "i"}

var reserved = map[string]bool{"con": true, "prn": true, "aux": true, "nul": true}

func init() {
	for i := 1; i <= 9; i++ {
		reserved[fmt.Sprintf("com%d", i)] = true
		reserved[fmt.Sprintf("lpt%d", i)] = true
	}
}

// slugs hands out distinct slugs: the second "Jane Doe" gets jane-doe-2.
type slugs struct {
	taken map[string]bool
	// tried is, for each base, the last number tried: those before it
	// are taken, and stay taken, so the next one starts there rather
	// than at 2 (a thousand names that make one slug are not a million
	// tries).
	tried map[string]int
}

func newSlugs() slugs { return slugs{taken: map[string]bool{}, tried: map[string]int{}} }

func (s slugs) next(name string) string {
	base := Slug(name)
	// The follow-up drafts share the note's folder.
	if base == "status-check" || strings.HasPrefix(base, "follow-up") {
		s.taken[base] = true
	}
	slug := base
	for i := max(s.tried[base], 2); s.taken[slug]; i++ {
		slug = fmt.Sprintf("%s-%d", base, i)
		s.tried[base] = i
	}
	s.taken[slug] = true
	return slug
}
