package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"
)

// A header is the front matter of a Markdown file, decoded into a tree of
// yaml.Node whatever its format, with every position in the file's own
// coordinates, and the body that follows it.
type header struct {
	root     *yaml.Node // a mapping, or nil for empty front matter
	open     Pos        // the opening delimiter
	body     []byte
	bodyLine int // the file line on which the body starts
}

// A headerError is front matter that was found but cannot be decoded.
type headerError struct {
	pos     Pos
	code    string
	message string
	text    []byte // the front matter as written, to look for an interviewers key
}

func (e *headerError) Error() string { return e.message }

type fmFormat int

const (
	fmYAML fmFormat = iota
	fmTOML
	fmJSON
	fmJSONObject // a bare JSON object, its braces part of the data
)

var bom = []byte("\uFEFF")

// splitHeader finds and decodes the front matter of content, the bytes of a
// Markdown file. It returns nil and no error when there is none.
func splitHeader(content []byte) (*header, *headerError) {
	content = bytes.TrimPrefix(content, bom)
	openLine, opener := firstLine(content)
	if strings.HasPrefix(opener, "{") {
		return splitJSONObject(content, openLine)
	}
	var (
		data   []byte
		called bool
		format fmFormat
	)
	capture := func(f fmFormat) frontmatter.UnmarshalFunc {
		return func(b []byte, _ any) error {
			data, called, format = b, true, f
			return nil
		}
	}
	formats := []*frontmatter.Format{
		frontmatter.NewFormat("---", "---", capture(fmYAML)),
		frontmatter.NewFormat("---yaml", "---", capture(fmYAML)),
		frontmatter.NewFormat("+++", "+++", capture(fmTOML)),
		frontmatter.NewFormat("---toml", "---", capture(fmTOML)),
		frontmatter.NewFormat(";;;", ";;;", capture(fmJSON)),
		frontmatter.NewFormat("---json", "---", capture(fmJSON)),
	}
	rest, err := frontmatter.Parse(bytes.NewReader(content), nil, formats...)
	if err != nil {
		return nil, &headerError{Pos{openLine, 1}, CodeUnreadable, err.Error(), content}
	}
	if !called {
		for _, f := range formats {
			if f.Start == opener {
				return nil, &headerError{Pos{openLine, 1}, CodeUnclosed,
					fmt.Sprintf("front matter opened with %q is never closed: add a line %q after the last key", f.Start, f.End), content}
			}
		}
		return nil, nil
	}
	bodyStart := len(content) - len(rest)
	h := &header{
		open:     Pos{openLine, 1},
		body:     rest,
		bodyLine: 1 + bytes.Count(content[:bodyStart], []byte("\n")),
	}
	// Node lines count from the first line of data: the line after the
	// opening delimiter.
	if h.root, err = decodeHeader(format, data, openLine); err != nil {
		return nil, err.(*headerError)
	}
	return h, nil
}

// decodeHeader decodes front matter data whose first line is file line
// shift+1.
func decodeHeader(format fmFormat, data []byte, shift int) (*yaml.Node, error) {
	if !utf8.Valid(data) {
		return nil, &headerError{invalidUTF8(data, shift), CodeEncoding, "front matter is not UTF-8 text: save the file as UTF-8", data}
	}
	var (
		root *yaml.Node
		herr *headerError
	)
	switch format {
	case fmYAML:
		root, herr = decodeYAML(data, shift)
	case fmTOML:
		root, herr = decodeTOML(data, shift)
	default:
		root, herr = decodeJSON(data, shift)
	}
	if herr != nil {
		herr.text = data
		return nil, herr
	}
	return root, nil
}

// splitJSONObject reads front matter written as a bare JSON object, which
// may close on any line, be followed directly by the body, or fit on one
// line. frontmatter's own form of it needs "}" alone on a line and a blank
// line after, and silently takes anything else for a body.
func splitJSONObject(content []byte, openLine int) (*header, *headerError) {
	start := 0
	for i := 1; i < openLine; i++ {
		start = lineEnd(content, start)
	}
	text := content[start:]
	dec := json.NewDecoder(bytes.NewReader(text))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(text, int(se.Offset)-1)
			return nil, &headerError{Pos{openLine - 1 + line, col}, CodeSyntax, "JSON syntax: " + se.Error(), text}
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return nil, &headerError{Pos{openLine, 1}, CodeUnclosed, "JSON front matter opened with { is never closed", text}
		default:
			return nil, &headerError{Pos{openLine, 1}, CodeSyntax, "JSON: " + err.Error(), text}
		}
	}
	end := lineEnd(content, start+int(dec.InputOffset()))
	h := &header{open: Pos{openLine, 1}, body: content[end:], bodyLine: 1 + bytes.Count(content[:end], []byte("\n"))}
	root, err := decodeHeader(fmJSONObject, content[start:end], openLine-1)
	if err != nil {
		return nil, err.(*headerError)
	}
	h.root = root
	return h, nil
}

// firstLine returns the number and trimmed text of the first non-blank line,
// the one frontmatter.Parse looks at for an opening delimiter.
func firstLine(content []byte) (int, string) {
	line := 1
	for len(content) > 0 {
		l, rest, _ := bytes.Cut(content, []byte("\n"))
		if t := bytes.TrimSpace(l); len(t) > 0 {
			return line, string(t)
		}
		content = rest
		line++
	}
	return line, ""
}

// invalidUTF8 returns the position of the first byte of data that is not
// UTF-8, with data's first line at file line shift+1.
func invalidUTF8(data []byte, shift int) Pos {
	line, col := shift+1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col += size
		}
		data = data[size:]
	}
	return Pos{line, col}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func decodeYAML(data []byte, shift int) (*yaml.Node, *headerError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		// go.yaml.in/yaml/v3 leaves the line out when it is the first.
		n := 1
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ = strconv.Atoi(m[1])
			msg = m[2]
			if parserProblem(msg) {
				n++
			}
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		at, msg := explainYAML(data, n, msg)
		pos := Pos{shift + at.Line, at.Col}
		return nil, &headerError{pos, CodeSyntax, "YAML syntax: " + msg, nil}
	}
	return rootMapping(&doc, shift)
}

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

// rootMapping checks that doc holds a mapping and moves its positions into
// the file's coordinates.
func rootMapping(doc *yaml.Node, shift int) (*yaml.Node, *headerError) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if doc.Kind != yaml.DocumentNode {
		root = doc
	}
	shiftLines(root, shift)
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &headerError{Pos{root.Line, root.Column}, CodeType, "front matter must be a mapping of keys to values, such as company: Acme Corp", nil}
	}
	return root, nil
}

// shiftLines adds shift to the line of every node below n. It walks the
// tree without following aliases, so shared nodes are moved once.
func shiftLines(n *yaml.Node, shift int) {
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n.Line += shift
		stack = append(stack, n.Content...)
	}
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

// decodeJSON checks data with encoding/json, whose errors carry an offset,
// then reads it as YAML (JSON is a subset of YAML 1.2) to get positions.
func decodeJSON(data []byte, shift int) (*yaml.Node, *headerError) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the offending one included.
			line, col := lineCol(data, int(se.Offset)-1)
			return nil, &headerError{Pos{shift + line, col}, CodeSyntax, "JSON syntax: " + se.Error(), nil}
		}
		return nil, &headerError{Pos{shift + 1, 1}, CodeSyntax, "JSON: " + err.Error(), nil}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, &headerError{Pos{shift + 1, 1}, CodeType, "front matter must be a JSON object", nil}
	}
	// Tabs are whitespace in JSON but not in YAML indentation.
	data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	return decodeYAML(data, shift)
}

// lineCol converts a byte offset of data into a 1-based line and column.
func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := 1 + bytes.Count(before, []byte("\n"))
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// decodeTOML decodes data with BurntSushi/toml and rebuilds it as a node
// tree. TOML's decoder does not report where each key is, so every value
// gets the line on which its top-level key (or table header) is written.
func decodeTOML(data []byte, shift int) (*yaml.Node, *headerError) {
	var m map[string]any
	md, err := toml.Decode(string(data), &m)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			// Keep the column on the line: TOML may point past its end.
			lines := strings.Split(string(data), "\n")
			col := max(pe.Position.Col, 1)
			if l := pe.Position.Line; l >= 1 && l <= len(lines) {
				col = min(col, len(lines[l-1])+1)
			}
			return nil, &headerError{Pos{shift + pe.Position.Line, col}, CodeSyntax, "TOML syntax: " + pe.Message, nil}
		}
		return nil, &headerError{Pos{shift + 1, 1}, CodeSyntax, "TOML: " + err.Error(), nil}
	}
	lines := strings.Split(string(data), "\n")
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: shift + 1, Column: 1}
	seen := map[string]bool{}
	tables := map[string]int{}
	for _, k := range md.Keys() {
		if len(k) != 1 || seen[k[0]] {
			continue
		}
		seen[k[0]] = true
		line, col := tomlKeyLine(lines, k[0], 0)
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k[0], Line: shift + line, Column: col}
		val := tomlNode(m[k[0]], key.Line, col)
		if items, ok := m[k[0]].([]map[string]any); ok {
			// An array of tables: each [[key]] header gives its item's line.
			for i := range items {
				if l, c := tomlKeyLine(lines, k[0], tables[k[0]]); l > 0 {
					tables[k[0]] = l
					setLines(val.Content[i], shift+l, c)
				}
			}
		}
		root.Content = append(root.Content, key, val)
	}
	return root, nil
}

// tomlKeyLine finds the first line after line `after` that defines key, as
// `key = …` or `[key]` or `[[key]]`.
func tomlKeyLine(lines []string, key string, after int) (int, int) {
	for i := after; i < len(lines); i++ {
		t := strings.TrimLeft(lines[i], " \t")
		col := 1 + len(lines[i]) - len(t)
		name := strings.TrimLeft(t, "[")
		name = strings.Trim(name, `"' `)
		if strings.HasPrefix(name, key) {
			rest := strings.TrimLeft(strings.TrimPrefix(name, key), `"' `)
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "]") {
				return i + 1, col
			}
		}
	}
	return after, 1
}

func setLines(n *yaml.Node, line, col int) {
	n.Line, n.Column = line, col
	for _, c := range n.Content {
		setLines(c, line, col)
	}
}

// tomlNode converts a decoded TOML value into a node at line and col.
func tomlNode(v any, line, col int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: line, Column: col}
	switch v := v.(type) {
	case string:
		n.Tag, n.Value = "!!str", v
	case int64:
		n.Tag, n.Value = "!!int", strconv.FormatInt(v, 10)
	case float64:
		n.Tag, n.Value = "!!float", strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		n.Tag, n.Value = "!!bool", strconv.FormatBool(v)
	case time.Time:
		// BurntSushi/toml marks local dates and times by the zone's name.
		switch v.Location().String() {
		case "date-local":
			n.Tag, n.Value = "!!timestamp", v.Format("2006-01-02")
		case "datetime-local":
			n.Tag, n.Value = "!!timestamp", v.Format("2006-01-02T15:04:05.999999999")
		case "time-local":
			n.Tag, n.Value = "!!str", v.Format("15:04:05")
		default:
			n.Tag, n.Value = "!!timestamp", v.Format(time.RFC3339Nano)
		}
	case []any:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, e := range v {
			n.Content = append(n.Content, tomlNode(e, line, col))
		}
	case []map[string]any:
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, e := range v {
			n.Content = append(n.Content, tomlNode(e, line, col))
		}
	case map[string]any:
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k, Line: line, Column: col},
				tomlNode(v[k], line, col))
		}
	default:
		n.Tag, n.Value = "!!str", fmt.Sprint(v)
	}
	return n
}
