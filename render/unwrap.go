package render

import (
	"regexp"
	"strings"
)

// blockStart matches the lines that start a Markdown block of their own, or
// continue one, rather than a paragraph's text: list items, quotes,
// headings, fences, tables, indented code, thematic breaks.
var blockStart = regexp.MustCompile("^(\\s{4}|\\t|\\s*([-*+]|\\d+[.)])\\s|\\s*>|\\s*#|\\s*```|\\s*~~~|\\s*\\||\\s*([-*_]\\s*){3,}$)")

// unwrap joins the lines of each plain paragraph of Markdown into one, so
// that text wrapped at 80 columns in a note reads as flowing text once
// pasted into a mail; lists, quotes, code and hard breaks stay as they are.
func unwrap(md string) string {
	lines := strings.Split(md, "\n")
	var out []string
	fenced := false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
			out = append(out, l)
			continue
		}
		if fenced || strings.TrimSpace(l) == "" || blockStart.MatchString(l) {
			out = append(out, l)
			continue
		}
		// A paragraph: join the following lines while they are plain text.
		for i+1 < len(lines) {
			next := lines[i+1]
			if strings.TrimSpace(next) == "" || blockStart.MatchString(next) || strings.HasSuffix(l, "  ") || strings.HasSuffix(l, "\\") {
				break
			}
			l = strings.TrimRight(l, " \t") + " " + strings.TrimSpace(next)
			i++
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
