package vault

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

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
