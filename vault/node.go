package vault

import (
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// This file reads values out of yaml.Node trees, reporting every problem as
// a diagnostic at the value's position.

func nodePos(n *yaml.Node) Pos { return Pos{n.Line, n.Column} }

// textPos is where the text of a scalar starts: after its opening quote,
// and after the blanks its value was trimmed of.
func textPos(n *yaml.Node) Pos {
	p := nodePos(n)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		p.Col += utf8.RuneCountInString(n.Value) - utf8.RuneCountInString(strings.TrimLeftFunc(n.Value, unicode.IsSpace))
	}
	return p
}

// deref follows aliases to the node they name. Only a few hops are
// followed, so a cycle cannot hang the decoder.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; i < 8 && n != nil && n.Kind == yaml.AliasNode; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an empty value (`key:` or `~`).
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// isEmpty reports whether n is null or blank text, such as `key: ""` or a
// bare tag (`key: !x`).
func isEmpty(n *yaml.Node) bool {
	n = deref(n)
	return isNull(n) || n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) == ""
}

// kindName describes what n holds, for messages about wrong types.
func kindName(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Tag == "!!null":
		return "nothing"
	case n.Tag == "!!int", n.Tag == "!!float":
		return "a number"
	case n.Tag == "!!bool":
		return "true or false"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// isPlaceholder reports whether n is {{something}} as written in a
// template, which YAML reads as a mapping inside a mapping.
func isPlaceholder(n *yaml.Node) bool {
	return n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle != 0 && len(n.Content) == 2 &&
		n.Content[0].Kind == yaml.MappingNode && n.Content[0].Style&yaml.FlowStyle != 0
}

// lookalike names the first character of s that is not ASCII, for values
// that look right but are not: "2026‑11‑18" with non-breaking hyphens.
func lookalike(s string) string {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return fmt.Sprintf(" (it contains %q, %U, which only looks like an ASCII character)", r, r)
		}
	}
	return ""
}

// A field is one key and its value in a mapping.
type field struct {
	key, val *yaml.Node
}

// fields lists the keys of mapping n in order, reporting each repeated key.
func (d *diags) fields(n *yaml.Node) []field {
	var out []field
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			d.errorf(nodePos(n.Content[i]), CodeType, "a key must be a plain word, not %s", kindName(k))
			continue
		}
		if line, dup := first[k.Value]; dup {
			d.errorf(nodePos(k), CodeSyntax, "key %q is repeated (first on line %d): keep one", k.Value, line)
			continue
		}
		first[k.Value] = k.Line
		out = append(out, field{k, v})
	}
	return out
}

// unknownKey warns about a key a small edit away from one of known.
func (d *diags) unknownKey(k *yaml.Node, known []string) {
	if best, ok := nearest(k.Value, known); ok {
		d.warnf(nodePos(k), CodeUnknownKey, best, "unknown key %q: did you mean %q?", k.Value, best)
	}
}

// text reads a scalar as text. Numbers and booleans are text too (a company
// may be called 1984); lists and mappings are not.
func (d *diags) text(key string, v *yaml.Node) (string, bool) {
	n := deref(v)
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		// Point at the value as written, even when it is an alias.
		if isPlaceholder(n) {
			d.errorf(nodePos(v), CodeType, "%s is a template placeholder ({{…}}): fill it in", key)
		} else {
			d.errorf(nodePos(v), CodeType, "%s must be text, not %s", key, kindName(n))
		}
		return "", false
	}
	s := strings.TrimSpace(n.Value)
	if st, found := findStray(s, false); found {
		d.errorf(nodePos(deref(v)), CodeValue, "%s", st.message(key, s))
		return "", false
	}
	return s, s != ""
}

// isControl reports control characters, which have no place in a name, a
// subject or any one-line value (a line break in a name could add a header
// to a mail). A tab is allowed.
func isControl(r rune) bool { return r != '\t' && unicode.IsControl(r) }

// textLines reads text that may span lines, such as a signature: control
// characters other than line breaks are still refused, and so is what
// findStray refuses in any line.
func (d *diags) textLines(key string, v *yaml.Node) (string, bool) {
	n := deref(v)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return d.text(key, v)
	}
	s := strings.TrimSpace(strings.ReplaceAll(n.Value, "\r\n", "\n"))
	if st, found := findStray(s, true); found {
		d.errorf(nodePos(n), CodeValue, "%s", st.message(key, s))
		return "", false
	}
	return s, s != ""
}

// texts reads a list of scalars; a single scalar is a list of one.
func (d *diags) texts(key string, n *yaml.Node) []string {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if s, ok := d.text(key, n); ok {
			return []string{s}
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(nodePos(n), CodeType, "%s must be a list, not %s", key, kindName(n))
		return nil
	}
	var out []string
	for _, item := range n.Content {
		if it := deref(item); it != nil && it.Kind != yaml.ScalarNode {
			// One error says it for the whole list.
			d.errorf(nodePos(item), CodeType, "%s must be a list of text, not of %ss", key, strings.TrimPrefix(kindName(it), "a "))
			return nil
		}
		if s, ok := d.text(key+" item", item); ok {
			out = append(out, s)
		}
	}
	return out
}

// enum reads a scalar that must be one of allowed.
func (d *diags) enum(key string, n *yaml.Node, allowed ...string) (string, bool) {
	s, ok := d.text(key, n)
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a, true
		}
	}
	best, _ := nearest(s, allowed)
	msg := fmt.Sprintf("%s %q is not one of %s", key, s, strings.Join(allowed, ", "))
	if best != "" {
		msg += fmt.Sprintf(": did you mean %q?", best)
	}
	d.add(Error, nodePos(deref(n)), CodeValue, best, "%s", msg)
	return "", false
}

// moment reads a date or a date-time.
func (d *diags) moment(key string, n *yaml.Node, loc *time.Location) (Moment, bool) {
	s, ok := d.text(key, n)
	if !ok {
		return Moment{}, false
	}
	m, err := ParseMoment(s, loc)
	if err != nil {
		d.errorf(nodePos(deref(n)), CodeDate, "%s: %v%s", key, err, lookalike(s))
		return Moment{}, false
	}
	return m, true
}

// moments reads a list of dates; a single date is a list of one.
func (d *diags) moments(key string, n *yaml.Node, loc *time.Location) []Moment {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []Moment
	for _, item := range items {
		if m, ok := d.moment(key, item, loc); ok {
			out = append(out, m)
		}
	}
	return out
}

// duration reads a duration such as 45m or 1h30m.
func (d *diags) duration(key string, n *yaml.Node) (time.Duration, bool) {
	s, ok := d.text(key, n)
	if !ok {
		return 0, false
	}
	v, err := ParseDuration(s)
	if err != nil {
		d.errorf(nodePos(deref(n)), CodeDuration, "%s: %v", key, err)
		return 0, false
	}
	return v, true
}

// zone reads an IANA time zone name.
func (d *diags) zone(key string, n *yaml.Node) (*time.Location, bool) {
	s, ok := d.text(key, n)
	if !ok {
		return nil, false
	}
	loc, err := LoadZone(s)
	if err != nil {
		d.errorf(nodePos(deref(n)), CodeTimezone, "%s: %v", key, err)
		return nil, false
	}
	return loc, true
}

// LoadZone loads an IANA time zone such as Europe/Berlin. Unlike
// time.LoadLocation it refuses "Local" and "", which mean the machine's zone
// and would make the same vault give different calendars on different
// machines.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" || strings.Contains(name, "..") {
		return nil, fmt.Errorf("%q is not an IANA time zone such as Europe/Berlin", name)
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not an IANA time zone %s", name, zoneHint(name))
	}
	zones.Store(name, loc)
	return loc, nil
}

// zones holds every zone loaded: time.LoadLocation reads and keeps the
// zone's whole table on every call, 3 KB for each of thousands of notes.
var zones sync.Map // name → *time.Location

// zoneAbbreviations are the names people write for a zone that IANA does
// not know by them (EST and CET exist, as fixed offsets).
var zoneAbbreviations = map[string]string{
	"PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
	"MDT": "America/Denver", "MT": "America/Denver", "CDT": "America/Chicago", "CT": "America/Chicago",
	"EDT": "America/New_York", "ET": "America/New_York", "BST": "Europe/London", "CEST": "Europe/Berlin",
	"IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
}

// zoneHint suggests the zone meant by a misspelt or abbreviated name.
func zoneHint(name string) string {
	if z, ok := zoneAbbreviations[strings.ToUpper(name)]; ok {
		return fmt.Sprintf("(an abbreviation): did you mean %s?", z)
	}
	// IANA names are case-sensitive: try the usual capitals.
	parts := strings.Split(strings.ToLower(name), "/")
	for i, p := range parts {
		words := strings.Split(p, "_")
		for j, w := range words {
			if w != "" {
				words[j] = strings.ToUpper(w[:1]) + w[1:]
			}
		}
		parts[i] = strings.Join(words, "_")
	}
	if fixed := strings.Join(parts, "/"); fixed != name {
		if _, err := time.LoadLocation(fixed); err == nil {
			return fmt.Sprintf("(names are case-sensitive): did you mean %s?", fixed)
		}
	}
	return "such as Europe/Berlin or America/New_York"
}
