package vault

import (
	"bytes"
	"regexp"
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
	line       int // the body line of start, 1-based
}

// readSections finds the personal part of every interviewer and the
// "Unfinished business" section in n's body, with goldmark's parser, and
// returns the latter.
func readSections(n *Note) *Section {
	hs := headings(n.Body)
	// Which heading names whom: nil for an ordinary heading, unfinished
	// for "Unfinished business".
	unfinishedMark := &Interviewer{}
	owner := make([]*Interviewer, len(hs))
	for i, h := range hs {
		name := headingName(h.text)
		if strings.EqualFold(name, "unfinished business") {
			owner[i] = unfinishedMark
		} else {
			owner[i] = whoIsNamed(n.Interviewers, name)
		}
	}
	var unfinished *Section
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
		if owner[i] == unfinishedMark {
			unfinished = appendSection(unfinished, n, h, end)
		} else {
			owner[i].Personal = appendSection(owner[i].Personal, n, h, end)
		}
	}
	return unfinished
}

// appendSection returns s with the text under h added; a second heading
// for the same person adds to the first.
func appendSection(s *Section, n *Note, h heading, end int) *Section {
	body := n.Body[h.end:max(end, h.end)]
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	// Back up to the start of the first non-blank line, keeping its indent.
	lead := len(body) - len(trimmed)
	if i := bytes.LastIndexByte(body[:lead], '\n'); i >= 0 {
		lead = i + 1
	} else {
		lead = 0
	}
	md := strings.TrimRight(string(body[lead:]), " \t\r\n")
	line := n.BodyLine + bytes.Count(n.Body[:h.end+lead], []byte("\n"))
	if s == nil {
		return &Section{Heading: h.text, Pos: Pos{n.BodyLine - 1 + h.line, 1}, Markdown: md, Line: line}
	}
	if md != "" {
		s.Markdown = strings.TrimSpace(s.Markdown + "\n\n" + md)
	}
	return s
}

// whoIsNamed returns the one interviewer that name names, or nil when it
// names none or several.
func whoIsNamed(ivs []*Interviewer, name string) *Interviewer {
	var found *Interviewer
	key := foldName(name)
	for _, iv := range ivs {
		if foldName(iv.Name) == key {
			return iv // a full name beats a first name shared by two
		}
		if iv.answersTo(name) {
			if found != nil {
				return nil
			}
			found = iv
		}
	}
	return found
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
		hs = append(hs, heading{
			level: h.Level, text: inlineText(h, body),
			start: start, end: end, line: 1 + bytes.Count(body[:start], []byte("\n")),
		})
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
	return strings.TrimFunc(h, func(r rune) bool {
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
