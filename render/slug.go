package render

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlug bounds a slug, so that a path stays well under any file
// system's limit on a name.
const maxSlug = 60

// Slug turns a name into a safe file name: lower-case ASCII letters and
// digits separated by single dashes, accents dropped ("Zoë Müller" gives
// zoe-muller). It is never empty, never "." or "..", and never a name
// Windows reserves (con, nul, com1 …).
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case translit[unicode.ToLower(r)] != "":
			b.WriteString(translit[unicode.ToLower(r)])
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	slug := strings.TrimRight(b.String(), "-")
	if len(slug) > maxSlug {
		slug = strings.TrimRight(slug[:maxSlug], "-")
	}
	switch {
	case slug == "":
		slug = "untitled"
	case reserved[slug]:
		slug += "-"
	}
	return slug
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
