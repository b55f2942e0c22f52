package vault

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/text/unicode/norm"
)

// A Section is the text under a heading of a note's body, up to the next
// heading of the same or a higher level.
type Section struct {
	Heading  string // the heading's text
	Pos      Pos    // the heading's position in the file
	Markdown string // the text under the heading, trimmed of blank lines
	Line     int    // the file line on which Markdown starts
}

var markdown = goldmark.New()

// A heading is a top-level heading of a body with the byte range it owns.
type heading struct {
	level      int
	text       string
	start, end int // the heading's own lines
}

// readSections finds the personal part of every interviewer and the
// "Unfinished business" sections in n's body, with goldmark's parser, and
// returns the one meant for everyone. An "Unfinished business" heading
// inside a person's section (at a deeper level) is that person's alone.
// A heading that thanks someone not in interviewers is a warning. A
// control character in any of them is an error at its place: the drafts
// are made of them.
func readSections(d *diags, n *Note) *Section {
	hs := headings(n.Body)
	// Which heading names whom: nil for an ordinary heading, unfinished
	// for an "Unfinished business" meant for everyone, and the person's
	// own mark for one inside their section.
	unfinishedMark := &Interviewer{}
	names := newNameIndex(n.Interviewers)
	lines := newLineIndex(n.Body)
	owner := make([]*Interviewer, len(hs))
	ownUnfinished := map[*Interviewer]*Interviewer{} // a person's mark: the person
	var within *Interviewer                          // the person whose section the heading is in
	withinLevel := 0
	for i, h := range hs {
		if within != nil && h.level <= withinLevel {
			within = nil
		}
		name := headingName(h.text)
		switch {
		case strings.EqualFold(name, "unfinished business") && within != nil:
			mark := &Interviewer{Name: within.Name}
			ownUnfinished[mark] = within
			owner[i] = mark
		case strings.EqualFold(name, "unfinished business"):
			owner[i] = unfinishedMark
		default:
			owner[i] = names.lookup(name)
			if owner[i] != nil {
				within, withinLevel = owner[i], h.level
			} else if who, ok := thanked(h.text); ok {
				d.warnf(Pos{n.BodyLine - 1 + lines.line(h.start), 1}, CodeUnlisted, "",
					"this heading thanks %s, who is not in interviewers: add them to interviewers to write them a note of their own (thank everyone you spoke with)", who)
			}
		}
	}
	parts := map[*Interviewer][]string{}
	sections := map[*Interviewer]*Section{}
	for i, h := range hs {
		if owner[i] == nil {
			continue
		}
		// A section runs to the next heading of the same or a higher
		// level, or to the next section of someone (or something) else.
		end := len(n.Body)
		for j := i + 1; j < len(hs); j++ {
			if hs[j].level <= h.level || owner[j] != nil {
				end = hs[j].start
				break
			}
		}
		_, own := ownUnfinished[owner[i]]
		checkControls(d, n, lines, h.end, max(end, h.end), owner[i] == unfinishedMark || own, owner[i].Name)
		md, start := sectionText(n.Body[h.end:max(end, h.end)])
		if sections[owner[i]] == nil {
			// A second heading for the same person adds to the first.
			sections[owner[i]] = &Section{Heading: h.text, Pos: Pos{n.BodyLine - 1 + lines.line(h.start), 1},
				Line: n.BodyLine - 1 + lines.line(h.end+start)}
		}
		if md != "" {
			parts[owner[i]] = append(parts[owner[i]], md)
		}
	}
	for who, s := range sections {
		s.Markdown = strings.Join(parts[who], "\n\n")
		switch person, own := ownUnfinished[who]; {
		case who == unfinishedMark:
		case own && person.Unfinished == nil:
			person.Unfinished = s
		case own:
			person.Unfinished.Markdown = strings.TrimSpace(person.Unfinished.Markdown + "\n\n" + s.Markdown)
		default:
			who.Personal = s
		}
	}
	return sections[unfinishedMark]
}

// thanked returns whom a heading thanks, when it starts with "Thank you",
// "Thank-you" or "Thanks" and goes on with what reads as a name: words
// that start with a capital letter ("Thanks – Maria Gomez"), not "Thank
// you notes" or "Thanks to everyone".
func thanked(h string) (string, bool) {
	lower := strings.ToLower(strings.TrimSpace(h))
	for _, p := range []string{"thank-you", "thank you", "thanks"} {
		if !strings.HasPrefix(lower, p) {
			continue
		}
		rest := strings.TrimSpace(h)[len(p):]
		if rest != "" && isLetter(rest) {
			return "", false // "Thanksgiving"
		}
		name := headingName(rest)
		words := strings.Fields(name)
		if len(words) == 0 || len(words) > 5 {
			return "", false
		}
		for i, w := range words {
			r := []rune(w)[0]
			if !unicode.IsUpper(r) && !(i > 0 && particles[strings.ToLower(w)]) {
				return "", false
			}
		}
		return name, true
	}
	return "", false
}

// checkControls reports the first control character between the body's
// offsets start and end, the text of a section that goes into drafts:
// a NUL, an escape or a form feed pasted from elsewhere would reach them
// whole. Tabs and line breaks are text; so are the bidirectional controls
// and invisible characters that findStray refuses in names, since a
// paragraph in Arabic or Hebrew may need them and they reach no header,
// file name or calendar.
func checkControls(d *diags, n *Note, lines lineIndex, start, end int, unfinished bool, name string) {
	text := n.Body[start:end]
	i := bytes.IndexFunc(text, func(r rune) bool { return r != '\n' && r != '\r' && isControl(r) })
	if i < 0 {
		return
	}
	r, _ := utf8.DecodeRune(text[i:])
	off := start + i
	line := lines.line(off)
	pos := Pos{n.BodyLine - 1 + line, off - lines[line-1] + 1}
	if unfinished {
		d.errorf(pos, CodeValue, "Unfinished business contains a control character (%U): delete it, as it would reach the drafts", r)
		return
	}
	d.errorf(pos, CodeValue, "the personal part for %s contains a control character (%U): delete it, as it would reach the draft", name, r)
}

// sectionText trims the text under a heading of blank lines, keeping the
// indent of its first line, and says where in text it starts.
func sectionText(text []byte) (string, int) {
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	lead := len(text) - len(trimmed)
	if i := bytes.LastIndexByte(text[:lead], '\n'); i >= 0 {
		lead = i + 1
	} else {
		lead = 0
	}
	return strings.TrimRight(string(text[lead:]), " \t\r\n"), lead
}

// A nameIndex finds the interviewer a heading names: by full name first,
// then by a first name or alias that only one of them answers to.
type nameIndex struct {
	full  map[string]*Interviewer
	other map[string]*Interviewer // nil value: more than one answers to it
}

func newNameIndex(ivs []*Interviewer) nameIndex {
	x := nameIndex{full: map[string]*Interviewer{}, other: map[string]*Interviewer{}}
	for _, iv := range ivs {
		pn := ParseName(iv.Name)
		// "## Jane van der Berg" and "## Dr. van der Berg" are the
		// sections of Dr. Jane van der Berg.
		for _, name := range []string{iv.Name, trimName(iv.Name), pn.Plain(), pn.Formal()} {
			if k := foldName(name); x.full[k] == nil {
				x.full[k] = iv
			}
		}
		for _, n := range append([]string{iv.FirstName()}, iv.Aliases...) {
			k := foldName(n)
			if prev, seen := x.other[k]; seen && prev != iv {
				x.other[k] = nil
			} else if !seen {
				x.other[k] = iv
			}
		}
	}
	return x
}

// lookup returns the one interviewer that name names, or nil when it names
// none or several.
func (x nameIndex) lookup(name string) *Interviewer {
	k := foldName(name)
	if k == "" {
		return nil
	}
	if iv := x.full[k]; iv != nil {
		return iv // a full name beats a first name shared by two
	}
	return x.other[k]
}

// A lineIndex turns byte offsets of a text into 1-based line numbers.
type lineIndex []int // the offset at which each line starts

func newLineIndex(text []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range text {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (idx lineIndex) line(off int) int {
	return sort.Search(len(idx), func(i int) bool { return idx[i] > off })
}

// headings lists the document-level headings of body. Headings inside
// quotes or lists do not start sections.
func headings(body []byte) []heading {
	doc := markdown.Parser().Parse(text.NewReader(body))
	var hs []heading
	searchFrom := 0
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		lines := c.Lines()
		if lines.Len() > 0 {
			searchFrom = lineStart(body, lines.At(0).Start)
		}
		h, ok := c.(*ast.Heading)
		if !ok {
			if lines.Len() > 0 {
				searchFrom = lines.At(lines.Len() - 1).Stop
			}
			continue
		}
		var start, end int
		if lines.Len() == 0 {
			// An empty heading ("##") has no lines: find it in the text.
			start = nextHashLine(body, searchFrom)
			end = lineEnd(body, start)
		} else {
			start = lineStart(body, lines.At(0).Start)
			end = lineEnd(body, lines.At(lines.Len()-1).Stop)
			if !isATX(body[start:]) {
				end = lineEnd(body, end) // the setext underline
			}
		}
		searchFrom = end
		hs = append(hs, heading{level: h.Level, text: inlineText(h, body), start: start, end: end})
	}
	return hs
}

// inlineText returns the plain text of a heading's inline children.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for s := t.FirstChild(); s != nil; s = s.NextSibling() {
				if txt, ok := s.(*ast.Text); ok {
					b.Write(txt.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

func lineStart(b []byte, i int) int {
	i = min(i, len(b))
	return bytes.LastIndexByte(b[:i], '\n') + 1
}

func lineEnd(b []byte, i int) int {
	i = min(i, len(b))
	if j := bytes.IndexByte(b[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(b)
}

func isATX(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(line, " "), []byte("#"))
}

func nextHashLine(b []byte, from int) int {
	for i := lineStart(b, from); i < len(b); i = lineEnd(b, i) {
		if isATX(b[i:]) {
			return i
		}
		if lineEnd(b, i) == i {
			break
		}
	}
	return min(from, len(b))
}

// thankPrefixes may stand before the name in a personal part's heading.
var wikiLink = regexp.MustCompile(`\[\[[^\[\]]*\]\]`)

var thankPrefixes = []string{"thank-you", "thank you", "thanks", "to", "for"}

// headingName strips a heading down to the name it gives: links lose their
// brackets, and a leading "Thank you", "Thanks", "To" or "For" and
// punctuation go.
func headingName(h string) string {
	h = wikiLink.ReplaceAllStringFunc(strings.TrimSpace(h), func(l string) string {
		target, alias, _ := parseLink(l)
		if alias != "" {
			return alias
		}
		return linkName(target)
	})
	lower := strings.ToLower(h)
	for _, p := range thankPrefixes {
		if strings.HasPrefix(lower, p) {
			rest := h[len(p):]
			if rest == "" || !isLetter(rest) {
				h = rest
				break
			}
		}
	}
	return trimName(h)
}

// trimName drops the spaces, punctuation and dashes around a name: "Raj –"
// and "Raj!" are Raj, and so is the "Ana Smith, Jr" of a heading that
// ends "Jr.".
func trimName(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || r == '–' || r == '—'
	})
}

func isLetter(s string) bool {
	for _, r := range s {
		return unicode.IsLetter(r)
	}
	return false
}

// foldName reduces a name for comparison: lower case, accents dropped,
// spaces collapsed, so "Zoë  MÜLLER" and "zoe muller" are the same.
func foldName(s string) string {
	s = strings.ReplaceAll(s, "’", "'") // O’Neill is O'Neill
	if isASCII(s) {
		return strings.Join(strings.Fields(strings.ToLower(s)), " ")
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
