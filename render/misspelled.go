package render

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"followup/vault"
)

// A nameSet is the names of a note made ready for misspelledIn, once for
// all its drafts. Its indexes let a text be read once whatever the number
// of names: a note may list thousands of interviewers. It is not safe for
// use by several goroutines: its caches grow as texts are read.
type nameSet struct {
	names []string
	known map[string]bool // every word of every name, folded
	whole [][]string      // of each name of several words, its words folded
	// singles are the names, or the first and last names, that are
	// looked for alone.
	singles []single

	// exact holds every word of whole; pairs finds the names of several
	// words by two of their words, d words apart: a misspelt name has a
	// word right and another near.
	exact map[string]bool
	pairs map[pair][]slot
	span  int // the most words in a name
	// near finds the words of names near a word of the text.
	near *nearIndex
	// first is, for each word of near, the first single of that word,
	// or -1: of singles written alike, the first is the one reported.
	first []int32
	// surnames are the people's surnames of one word, looked for after
	// an honorific ("Ms. Smyth"); firstSurname is, for each word of near,
	// the first of them, or -1. A surname of several words ("van der
	// Berg") is a name of its own in whole.
	surnames     []single
	firstSurname []int32

	// content holds the stand-ins (XYZ, TODO) that the front matter uses
	// as words, in upper case: contentWords.
	content map[string]bool
}

type single struct{ word, folded string }

// A pair is two words of a name, the second d words after the first.
type pair struct {
	word  string
	d     int
	other string
}

// A slot is word j of name k of a nameSet.
type slot struct{ k, j int }

// nameSetOf makes the nameSet of names: the company first, then the
// people.
func nameSetOf(names []string) *nameSet {
	ns := &nameSet{names: slices.Clip(names), known: map[string]bool{}, exact: map[string]bool{}, pairs: map[pair][]slot{},
		content: contentWords(names)}
	var words []string // the words near finds
	whole := func(k int, fields []string) {
		var want []string
		if len(fields) >= 2 {
			want = make([]string, len(fields))
		}
		for j, w := range fields {
			ns.known[fold(w)] = true
			if want != nil {
				want[j] = fold(strings.Trim(w, ".,"))
			}
		}
		ns.whole = append(ns.whole, want)
		ns.span = max(ns.span, len(want))
		for j, w := range want {
			ns.exact[w] = true
			words = append(words, w)
			for j2, w2 := range want {
				if j2 != j {
					ns.pairs[pair{w, j2 - j, w2}] = append(ns.pairs[pair{w, j2 - j, w2}], slot{k, j})
				}
			}
		}
	}
	var particled []string // surnames of several words
	for k, name := range names {
		fields := strings.Fields(name)
		whole(k, fields)
		if k > 0 && name != names[0] {
			if p := vault.ParseName(name); p.Person && strings.Contains(p.Surname, " ") {
				particled = append(particled, p.Surname)
			} else if b := fold(p.Surname); p.Person && utf8.RuneCountInString(b) >= 3 {
				ns.surnames = append(ns.surnames, single{word: p.Surname, folded: b})
				words = append(words, b)
			}
		}
		// A single word: the company's one word, or a person's first or
		// last name on its own. Names go first, so that "Jane Dow" is
		// reported whole.
		var singles []string
		switch {
		case len(fields) == 1:
			singles = fields
		case len(fields) >= 2 && name != names[0]: // "Corp" alone is no company name
			singles = []string{fields[0], fields[len(fields)-1]}
		}
		for _, w := range singles {
			if b := fold(w); utf8.RuneCountInString(b) >= 4 {
				ns.singles = append(ns.singles, single{word: w, folded: b})
				words = append(words, b)
			}
		}
	}
	for _, s := range particled {
		whole(len(ns.names), strings.Fields(s))
		ns.names = append(ns.names, s)
	}
	ns.near = newNearIndex(words)
	ns.first = firstOf(ns.near, ns.singles)
	ns.firstSurname = firstOf(ns.near, ns.surnames)
	return ns
}

// firstOf returns, for each word of x, the first of singles written so,
// or -1.
func firstOf(x *nearIndex, singles []single) []int32 {
	first := make([]int32, len(x.words))
	for i := range first {
		first[i] = -1
	}
	for i, sg := range singles {
		if id := x.id[sg.folded]; first[id] < 0 {
			first[id] = int32(i)
		}
	}
	return first
}

// words are the words of a text, made ready for misspelledIn.
type words struct {
	ts     []token
	folded []string        // of each token
	lower  map[string]bool // words the text also uses in lower case
}

func wordsOf(text string) *words {
	w := &words{ts: tokens(text), lower: map[string]bool{}}
	w.folded = make([]string, len(w.ts))
	for i, t := range w.ts {
		w.folded[i] = fold(t.word)
		if r, _ := utf8.DecodeRuneInString(t.word); unicode.IsLower(r) {
			w.lower[strings.ToLower(t.word)] = true
		}
	}
	return w
}

// misspelledIn finds, in text whose words are w, the company or a
// person's name of ns written a small edit away from the front matter's
// spelling: "Acme Crop", "Jane Dow", "Priya Sha". A name of several words
// is found when at least one word is right and the others are near; a
// name of one word, or a first name alone, only when it is capitalised,
// four letters or more, starts with the same letter, and is not an
// ordinary word.
//
// The names are not tried one by one at every word: a misspelt name of
// several words has a word right and one near it, which ns's indexes find
// from the words of the text; a single from a word near it.
func misspelledIn(text string, w *words, ns *nameSet) []finding {
	ts, folded, lower, known := w.ts, w.folded, w.lower, ns.known
	var fs []finding
	flagged := make([]bool, len(ts)) // words already reported: "Acme Crop" holds "Crop"
	report := func(i, j int, right string) {
		if slices.Contains(flagged[i:j+1], true) {
			return
		}
		for k := i; k <= j; k++ {
			flagged[k] = true
		}
		start, end := ts[i].start, ts[j].end
		wrong := text[start:end]
		fs = append(fs, finding{off: start, n: end - start, code: vault.CodeMisspelledName, what: wrong, suggestion: right,
			message: fmt.Sprintf("%q looks like a misspelling of %q: spell it as the front matter does", wrong, right)})
	}
	// Names of several words: candidates from a word right and a word
	// near, checked as a whole in the order of the names.
	var found []slot // name k at word i
	for p := range ts {
		if !ns.exact[folded[p]] {
			continue
		}
		for d := 1 - ns.span; d < ns.span; d++ {
			q := p + d
			if d == 0 || q < 0 || q >= len(ts) || known[folded[q]] {
				continue
			}
			for _, id := range ns.near.near(folded[q]) {
				for _, s := range ns.pairs[pair{folded[p], d, ns.near.words[id]}] {
					found = append(found, slot{s.k, p - s.j})
				}
			}
		}
	}
	slices.SortFunc(found, func(a, b slot) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.j, b.j)) })
	for _, c := range slices.Compact(found) {
		k, i, want := c.k, c.j, ns.whole[c.k]
		if i < 0 || i+len(want) > len(ts) {
			continue
		}
		exact, close := 0, 0
		for j, b := range want {
			if a := folded[i+j]; a == b {
				exact++
			} else if near(a, b) && !known[a] {
				close++
			}
		}
		if exact >= 1 && close >= 1 && exact+close == len(want) {
			report(i, i+len(want)-1, ns.names[k])
		}
	}
	// Single names, in the order of the singles, then the surnames
	// after an honorific, in theirs.
	found = found[:0] // single k, or surname k - len(singles), at word i
	for i, t := range ts {
		a := folded[i]
		r, _ := utf8.DecodeRuneInString(t.word)
		if !unicode.IsUpper(r) || known[a] {
			continue
		}
		first, base := ns.first, 0
		switch {
		case titled(text, ts, i):
			// "Ms. Smyth": a name, whatever the word.
			if utf8.RuneCountInString(a) < 3 {
				continue
			}
			first, base = ns.firstSurname, len(ns.singles)
		case commonWords[a] || lower[a] || sentenceStart(text, t.start) && !addressed(text, t):
			continue // "Data quality is": ordinary words
		}
		for _, id := range ns.near.near(a) {
			b := ns.near.words[id]
			if first[id] < 0 || a == b+"s" {
				continue // "Bills"
			}
			if r, _ := utf8.DecodeRuneInString(a); !strings.HasPrefix(b, string(r)) {
				continue
			}
			found = append(found, slot{base + int(first[id]), i})
		}
	}
	slices.SortFunc(found, func(a, b slot) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.j, b.j)) })
	for _, c := range found {
		if c.k < len(ns.singles) {
			report(c.j, c.j, ns.singles[c.k].word)
		} else {
			report(c.j, c.j, ns.surnames[c.k-len(ns.singles)].word)
		}
	}
	return fs
}

// titled reports whether word i of ts comes right after a capitalised
// honorific, with or without its period: "Ms. Smyth", "Dr Okafor", but
// not "I miss Smyth's".
func titled(text string, ts []token, i int) bool {
	if i == 0 || !vault.IsHonorific(ts[i-1].word) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(ts[i-1].word); !unicode.IsUpper(r) {
		return false
	}
	gap := strings.TrimPrefix(text[ts[i-1].end:ts[i].start], ".")
	return gap != "" && strings.Trim(gap, " \t") == ""
}

// addressed reports whether a word at the start of a sentence is a name
// all the same: someone addressed ("Jonathon, your walkthrough …"), or
// whose something is ("Jonathon's walkthrough").
func addressed(text string, t token) bool {
	return strings.HasPrefix(text[t.end:], ",") || strings.HasSuffix(t.word, "'s") || strings.HasSuffix(t.word, "’s")
}

// sentenceStart reports whether the word at off starts a sentence, where
// an ordinary word is capitalised too.
func sentenceStart(text string, off int) bool {
	before := strings.TrimRight(text[:off], " \t\"'“‘(*_")
	if before == "" {
		return true
	}
	switch before[len(before)-1] {
	case '.', '!', '?', ':', '\n', '#', '-':
		return true
	}
	return false
}

// A nearIndex finds, among words, those near a word (near: an edit or two
// away). Each word is filed under the strings left by deleting up to as
// many letters as near allows it, and a word asked about is looked up
// under the strings left by deleting up to two of its own: two words an
// edit or two apart leave a string in common (a substitution or a
// transposition is a letter deleted from each, an insertion a letter
// deleted from the longer). The strings are filed by their hash, the
// candidates checked with near. Answers are remembered.
type nearIndex struct {
	words []string
	id    map[string]int32
	filed []filed // sorted by hash
	// dir finds the filed hashes by their top bits: those that start
	// with b are filed[dir[b]:dir[b+1]], about one.
	dir   []int32
	shift uint
	// long are the words of more than maxFiled letters, which would be
	// filed under too many strings: no name has them, and they are tried
	// one by one.
	long  []int32
	most  int // the length of the longest filed word, in bytes
	asked map[string][]int32
	seed  maphash.Seed
}

type filed struct {
	hash uint64
	id   int32
}

const maxFiled = 32

func newNearIndex(words []string) *nearIndex {
	x := &nearIndex{id: map[string]int32{}, asked: map[string][]int32{}, seed: maphash.MakeSeed()}
	for _, w := range words {
		if _, ok := x.id[w]; ok {
			continue
		}
		id := int32(len(x.words))
		x.id[w] = id
		x.words = append(x.words, w)
		n := utf8.RuneCountInString(w)
		if n > maxFiled {
			x.long = append(x.long, id)
			continue
		}
		x.most = max(x.most, len(w))
		limit := 1
		if n > 7 {
			limit = 2 // as near allows
		}
		deletions(w, limit, func(h []byte) {
			x.filed = append(x.filed, filed{maphash.Bytes(x.seed, h), id})
		})
	}
	slices.SortFunc(x.filed, func(a, b filed) int { return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.id, b.id)) })
	x.filed = slices.Compact(x.filed)
	top := uint(bits.Len(uint(len(x.filed))))
	x.shift = 64 - top
	x.dir = make([]int32, 1<<top+1)
	for _, f := range x.filed {
		x.dir[f.hash>>x.shift+1]++
	}
	for i := 1; i < len(x.dir); i++ {
		x.dir[i] += x.dir[i-1]
	}
	return x
}

// near returns the ids of the words near a, in order.
func (x *nearIndex) near(a string) []int32 {
	if ids, ok := x.asked[a]; ok {
		return ids
	}
	var ids []int32
	if len(a) <= x.most+4 { // near allows no more (UTF-8 counts up to 2 a letter here)
		deletions(a, 2, func(h []byte) {
			hash := maphash.Bytes(x.seed, h)
			for _, f := range x.filed[x.dir[hash>>x.shift]:x.dir[hash>>x.shift+1]] {
				if f.hash == hash {
					ids = append(ids, f.id)
				}
			}
		})
	}
	ids = append(ids, x.long...)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.DeleteFunc(ids, func(id int32) bool { return !near(a, x.words[id]) })
	x.asked[a] = ids
	return ids
}

// deletions calls f with w, and with each string left by deleting up to
// limit of its letters (some more than once), in a buffer f must not keep.
func deletions(w string, limit int, f func([]byte)) {
	buf := make([]byte, 0, len(w))
	f(append(buf, w...))
	// Deleting the letter at i, and the one at j after it.
	for i := 0; i < len(w) && limit >= 1; {
		_, n := utf8.DecodeRuneInString(w[i:])
		f(append(append(buf[:0], w[:i]...), w[i+n:]...))
		if limit >= 2 {
			for j := i + n; j < len(w); {
				_, m := utf8.DecodeRuneInString(w[j:])
				f(append(append(append(buf[:0], w[:i]...), w[i+n:j]...), w[j+m:]...))
				j += m
			}
		}
		i += n
	}
}
