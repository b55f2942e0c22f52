package vault

import (
	"bytes"
	"fmt"
	"strings"
)

// parserProblem reports whether msg comes from YAML's parser rather than its
// scanner. go.yaml.in/yaml/v3 reports the parser's lines counting from 0 and
// the scanner's from 1.
func parserProblem(msg string) bool {
	switch {
	case strings.HasPrefix(msg, "did not find expected <"),
		msg == "did not find expected node content",
		msg == "did not find expected '-' indicator",
		msg == "did not find expected key",
		msg == "did not find expected ',' or ']'",
		msg == "did not find expected ',' or '}'",
		strings.HasPrefix(msg, "found duplicate %"),
		msg == "found incompatible YAML document",
		msg == "found undefined tag handle":
		return true
	}
	return false
}

var closing = map[string]string{"[": "]", "{": "}"}

// explainYAML turns a YAML error reported on the 1-based line n of data
// into a position as close to the mistake as can be found, and a message
// that says how to fix the mistakes people make most: tabs, a second colon
// or an @ in an unquoted value, an unclosed quote or bracket.
func explainYAML(data []byte, n int, msg string) (Pos, string) {
	lines := strings.Split(string(data), "\n")
	line := func(i int) string {
		if i < 1 || i > len(lines) {
			return ""
		}
		return strings.TrimSuffix(lines[i-1], "\r")
	}
	pos := Pos{n, firstColumn(data, n)}
	switch {
	case strings.Contains(msg, "tab") || strings.Contains(msg, "cannot start any token"):
		for _, i := range []int{n, n + 1, n - 1} {
			l := line(i)
			indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
			if t := strings.IndexByte(indent, '\t'); t >= 0 {
				return Pos{i, t + 1}, "a tab indents this line: YAML needs spaces"
			}
		}
		l := line(n)
		if i := strings.IndexAny(l, "@`"); i >= 0 {
			return Pos{n, i + 1}, fmt.Sprintf("%s: a value cannot start with %c unless it is quoted, as in \"%s\"", msg, l[i], strings.TrimSpace(l[i:]))
		}
	case msg == "mapping values are not allowed in this context":
		l := line(n)
		if first := strings.Index(l, ": "); first >= 0 {
			if second := strings.Index(l[first+2:], ":"); second >= 0 {
				key, value := l[:first], strings.TrimSpace(l[first+2:])
				return Pos{n, first + 3 + second}, fmt.Sprintf("a colon inside a value: quote the value, as in %s: \"%s\"", strings.TrimSpace(key), value)
			}
		}
	case strings.Contains(msg, "end of stream") || strings.Contains(msg, "did not find expected"):
		for i := 1; i <= len(lines); i++ {
			if c := unclosedQuote(line(i)); c > 0 {
				return Pos{i, c}, "a quote opened here is never closed"
			}
		}
	}
	// An unclosed flow collection is reported on the line where it opens:
	// point at its bracket.
	for _, open := range []string{"[", "{"} {
		if strings.HasSuffix(msg, "'"+closing[open]+"'") {
			if c := strings.Index(line(n), open); c >= 0 {
				pos.Col = c + 1
			}
		}
	}
	return pos, msg
}

// unclosedQuote returns the column of a quote that a value opens and the
// line does not close, or 0. It knows the shapes of a line of front
// matter, not all of YAML: a value that starts with a quote after "key: "
// or "- ".
func unclosedQuote(l string) int {
	start := 0
	if i := strings.Index(l, ": "); i >= 0 {
		start = i + 2
	} else if t := strings.TrimLeft(l, " "); strings.HasPrefix(t, "- ") {
		start = len(l) - len(t) + 2
	} else {
		return 0
	}
	rest := strings.TrimLeft(l[start:], " ")
	col := len(l) - len(rest) + 1
	switch {
	case strings.HasPrefix(rest, `"`):
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				i++
			case '"':
				return 0
			}
		}
		return col
	case strings.HasPrefix(rest, "'"):
		if !strings.Contains(strings.ReplaceAll(rest[1:], "''", ""), "'") {
			return col
		}
	}
	return 0
}

// firstColumn returns the column of the first non-blank character of the
// 1-based line n of data, where a YAML error without a column points.
func firstColumn(data []byte, n int) int {
	lines := bytes.Split(data, []byte("\n"))
	if n < 1 || n > len(lines) {
		return 1
	}
	l := lines[n-1]
	return 1 + len(l) - len(bytes.TrimLeft(l, " \t"))
}
