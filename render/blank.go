package render

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"followup/vault"
)

// valueMark stands for a value in a template's text: neither a word nor a
// space, so that "the {{.Company}} the" is not a doubled word.
const valueMark = "\u2060" // WORD JOINER

// A blanker replaces the values of one note in the text of its drafts by
// valueMark: what is left is the template's own text, the same in every
// draft made from it. The values are those of every interviewer, since a
// draft may name anyone, so it is made once per note and reads each draft
// once, rather than looking for thousands of values one by one in every
// draft.
//
// It replaces exactly what replacing the values one after the other,
// longest first, would: a value that holds no mark and is valid UTF-8
// cannot appear where an earlier one was replaced (its occurrence would
// hold the whole mark), so every occurrence that counts is in the draft
// as written, and the blanker finds them all there.
type blanker struct {
	values []string // distinct, not blank, in the order of replacement
	// slow is set when a value holds the mark or is not UTF-8: then the
	// values are replaced one after the other.
	slow bool

	// A trie of the values' first prefixLen bytes. Nodes are numbered
	// from the root, 0; the children of node i are kids[first[i]:first[i+1]],
	// sorted by their byte, label.
	root  [256]int32 // the root's child by byte, or -1
	label []byte
	first []int32
	kids  []int32
	value []int32           // the value that ends at a node, or -1
	long  map[int32][]int32 // the values longer than prefixLen, by the node of their prefix
}

// prefixLen bounds the depth of the trie: a personal part of a megabyte
// is a value too, and only its start goes into the trie.
const prefixLen = 64

// newBlanker makes the blanker of values, taken longest first.
func newBlanker(values []string) *blanker {
	b := &blanker{}
	seen := map[string]bool{}
	for _, v := range sortValues(values) {
		if strings.TrimSpace(v) == "" || seen[v] {
			continue
		}
		seen[v] = true
		b.values = append(b.values, v)
		if strings.Contains(v, valueMark) || !utf8.ValidString(v) {
			b.slow = true
		}
	}
	if !b.slow {
		b.build()
	}
	return b
}

// sortValues sorts values longest first. Values of one length keep the
// order that the sort gives them, which is the order of replacement.
func sortValues(values []string) []string {
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	return values
}

// build makes the trie from the values' prefixes, taken in byte order so
// that each node's children are made in the order of their bytes.
func (b *blanker) build() {
	order := make([]int32, len(b.values))
	for i := range order {
		order[i] = int32(i)
	}
	key := func(i int32) string { v := b.values[i]; return v[:min(len(v), prefixLen)] }
	slices.SortFunc(order, func(i, j int32) int { return strings.Compare(key(i), key(j)) })

	parent := []int32{-1}
	b.label = []byte{0}
	b.value = []int32{-1}
	b.long = map[int32][]int32{}
	var path []int32 // the nodes of the previous key, by depth
	prev := ""
	for _, i := range order {
		k := key(i)
		common := 0
		for common < len(k) && common < len(prev) && k[common] == prev[common] {
			common++
		}
		path = path[:common]
		for d := common; d < len(k); d++ {
			up := int32(0)
			if d > 0 {
				up = path[d-1]
			}
			parent = append(parent, up)
			b.label = append(b.label, k[d])
			b.value = append(b.value, -1)
			path = append(path, int32(len(parent)-1))
		}
		end := path[len(k)-1]
		if len(b.values[i]) > prefixLen {
			b.long[end] = append(b.long[end], i)
		} else {
			b.value[end] = i
		}
		prev = k
	}
	// Children are made after their parent and in byte order: counting
	// them gives each node's range of kids.
	b.first = make([]int32, len(parent)+1)
	for _, p := range parent[1:] {
		b.first[p+1]++
	}
	for i := 1; i < len(b.first); i++ {
		b.first[i] += b.first[i-1]
	}
	b.kids = make([]int32, len(parent)-1)
	next := slices.Clone(b.first)
	for n, p := range parent[1:] {
		b.kids[next[p]] = int32(n + 1)
		next[p]++
	}
	for c := range b.root {
		b.root[c] = -1
	}
	for _, k := range b.kids[b.first[0]:b.first[1]] {
		b.root[b.label[k]] = k
	}
}

// child returns the child of node n by byte c, or -1.
func (b *blanker) child(n int32, c byte) int32 {
	if n == 0 {
		return b.root[c]
	}
	kids := b.kids[b.first[n]:b.first[n+1]]
	i, ok := slices.BinarySearchFunc(kids, c, func(k int32, c byte) int { return int(b.label[k]) - int(c) })
	if !ok {
		return -1
	}
	return kids[i]
}

// An occurrence is value v of a blanker at byte at of a text.
type occurrence struct{ v, at int32 }

// blank replaces each value in text by valueMark, longest first.
func (b *blanker) blank(text string) string {
	if b.slow {
		for _, v := range b.values {
			text = strings.ReplaceAll(text, v, valueMark)
		}
		return text
	}
	var occs []occurrence
	for p := 0; p < len(text); p++ {
		n := int32(0)
		for q := p; q < len(text) && q-p < prefixLen; q++ {
			if n = b.child(n, text[q]); n < 0 {
				break
			}
			if v := b.value[n]; v >= 0 {
				occs = append(occs, occurrence{v, int32(p)})
			}
		}
		for _, v := range b.long[n] {
			if strings.HasPrefix(text[p:], b.values[v]) {
				occs = append(occs, occurrence{v, int32(p)})
			}
		}
	}
	if len(occs) == 0 {
		return text
	}
	// Each value in turn takes its occurrences from the left, as
	// strings.ReplaceAll does, but none that overlaps one already taken:
	// that text was replaced before this value's turn.
	slices.SortFunc(occs, func(a, c occurrence) int { return cmp.Or(cmp.Compare(a.v, c.v), cmp.Compare(a.at, c.at)) })
	taken := make([]bool, len(text))
	var spans [][2]int
	end := 0
	for i, o := range occs {
		if i == 0 || o.v != occs[i-1].v {
			end = 0
		}
		start, stop := int(o.at), int(o.at)+len(b.values[o.v])
		if start < end || slices.Contains(taken[start:stop], true) {
			continue
		}
		for j := start; j < stop; j++ {
			taken[j] = true
		}
		spans = append(spans, [2]int{start, stop})
		end = stop
	}
	slices.SortFunc(spans, func(a, c [2]int) int { return a[0] - c[0] })
	var out strings.Builder
	out.Grow(len(text))
	at := 0
	for _, s := range spans {
		out.WriteString(text[at:s[0]])
		out.WriteString(valueMark)
		at = s[1]
	}
	out.WriteString(text[at:])
	return out.String()
}

// dataValues are the texts a note's drafts take from the note and the
// configuration rather than from their template: of every interviewer,
// since a draft may name any of them.
func dataValues(n *vault.Note, c vault.Candidate) []string {
	values := []string{n.Company, n.Role, c.Name, c.Email, c.Phone, c.Signature}
	values = append(values, n.Topics...)
	values = append(values, c.Strengths...)
	for _, iv := range n.Interviewers {
		values = append(values, iv.Name, iv.FirstName(), iv.LastName(), iv.Title, iv.Email, iv.Phone, iv.Greeting)
		values = append(values, iv.Topics...)
		for _, s := range []*vault.Section{iv.Personal, iv.Unfinished} {
			if s != nil {
				values = append(values, unwrap(s.Markdown))
			}
		}
	}
	if n.Unfinished != nil {
		values = append(values, unwrap(n.Unfinished.Markdown))
	}
	for _, l := range strings.Split(c.Signature, "\n") {
		values = append(values, strings.TrimSpace(l))
	}
	return values
}
