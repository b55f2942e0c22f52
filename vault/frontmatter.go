package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

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
	code    Code
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
