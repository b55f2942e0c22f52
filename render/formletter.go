package render

import (
	"cmp"
	"container/heap"
	"fmt"
	"maps"
	"slices"
	"strings"

	"followup/calendar"
	"followup/vault"
)

// formLetters finds the notes that could go to anyone: an interviewer
// without a personal part or topics of their own; a personal part too
// thin to be personal; two personal parts nearly the same (compared on
// their words, not their bytes), each compared with the ones before it
// and the first that is nearly the same named; and two thank-you drafts
// the same but for the names (sameDrafts). It returns too the
// interviewers whose drafts it says have nothing personal, or too little,
// for whom a short note is no news.
func formLetters(n *vault.Note, drafts []Draft) ([]vault.Diagnostic, map[*vault.Interviewer]bool) {
	var ds []vault.Diagnostic
	warn := func(p vault.Pos, msg string) {
		ds = append(ds, vault.Diagnostic{Path: n.Path, Line: p.Line, Col: p.Col, Severity: vault.Warning, Code: vault.CodeFormLetter, Message: msg})
	}
	ivs := n.Interviewers
	bare := map[*vault.Interviewer]bool{}
	warned := map[*vault.Interviewer]bool{}
	sets := make([]map[string]bool, len(ivs))
	for i, iv := range ivs {
		if iv.Personal != nil && strings.TrimSpace(iv.Personal.Markdown) != "" {
			sets[i] = foldedWords(iv.Personal.Markdown)
		}
	}
	similar := newSimilars(sets)
	generic := genericWords(n)
	for i, iv := range ivs {
		if sets[i] == nil {
			if len(iv.Topics) == 0 {
				warn(iv.Pos, fmt.Sprintf("nothing personal for %s: add a heading \"## %s\" with what you talked about, or their topics", iv.Name, iv.Name))
				bare[iv], warned[iv] = true, true
			}
			continue
		}
		if why := thin(iv.Personal.Markdown, generic); why != "" {
			warn(iv.Personal.Pos, fmt.Sprintf("the personal part for %s %s: add what you talked about with them", iv.Name, why))
			bare[iv], warned[iv] = true, true
			continue
		}
		if j := similar.first(i); j >= 0 {
			warn(iv.Personal.Pos, fmt.Sprintf("the note to %s is nearly the same as the one to %s (line %d): tie each to your conversation with that person",
				iv.Name, ivs[j].Name, ivs[j].Personal.Pos.Line))
			warned[iv] = true
		}
	}
	return append(ds, sameDrafts(n, drafts, warned)...), bare
}

// minPersonalWords is the fewest words of a personal part that can be
// personal: fewer, "Thanks for your time!", could go to anyone.
const minPersonalWords = 15

// thanksWords say thank you, and nothing of the conversation: a personal
// part of them alone, and of commonWords (days, months, "team", "role"),
// could go to anyone, however long.
var thanksWords = wordSet(`thank thanks thankyou you your yours for the a an and or so very much really truly again
	once all of to with me my i i'm im it it's its was were is are be been being this that these our us we
	time today yesterday this week take taking took make making made spend spending spent speak speaking spoke
	meet meeting met talk talking talked chat chatting chatted interview interviewing interviews conversation
	conversations discussion discussions call chance opportunity pleasure great good nice lovely wonderful
	fantastic excellent amazing awesome enjoyed enjoy enjoying appreciate appreciated appreciating grateful
	thankful kind kindly generous insightful informative helpful day afternoon morning evening everything
	everyone team role position job company on in at about what how look looking forward hearing hear from
	soon hope hoped well just wanted want say said let know learn learning more again today's such truly
	sincerely best regards dear hi hello taking out busy schedule week telling showing sharing giving letting
	walking answering questions insight insights welcome welcoming warm`)

// genericWords are the words a personal part may have and still say
// nothing of the conversation: thanksWords, and the note's names and
// role ("Thank you, Jane, for the Engineer interview at Acme Corp").
func genericWords(n *vault.Note) map[string]bool {
	m := map[string]bool{}
	for _, v := range append(knownNames(n), n.Role) {
		for t := range eachToken(v) {
			m[fold(t.word)] = true
		}
	}
	return m
}

// thin says what makes a personal part too thin to be personal, counted
// on the part alone: "says only thank you", "has only 9 words"; or "".
func thin(markdown string, generic map[string]bool) string {
	words, thanks := 0, true
	for t := range eachToken(markdown) {
		words++
		if w := fold(t.word); thanks && !thanksWords[w] && !commonWords[w] && !generic[w] {
			thanks = false
		}
	}
	switch {
	case thanks:
		return "says only thank you"
	case words < minPersonalWords:
		return fmt.Sprintf("has only %d words", words)
	}
	return ""
}

// sameDrafts finds the thank-you drafts of a note that are the same as an
// earlier one from the same template but for the names: their text
// between the greeting and the closing, with every interviewer's names
// blanked, is the same. Whatever the template, the drafts are what the
// reader sees: two people who compare notes find the same letter. The
// interviewers already warned about are left out: their warning says
// what to do.
func sameDrafts(n *vault.Note, drafts []Draft, warned map[*vault.Interviewer]bool) []vault.Diagnostic {
	var ds []vault.Diagnostic
	b := newBlanker(nameValues(n))
	first := map[string]*vault.Interviewer{}
	for _, d := range drafts {
		if d.Kind != calendar.ThankYou || d.To == nil {
			continue
		}
		key := d.Template + "\x00" + b.blank(strings.Join(letterBlocks(d.Markdown), "\n\n"))
		other, ok := first[key]
		if !ok {
			first[key] = d.To
			continue
		}
		if warned[d.To] {
			continue
		}
		at, advice := placeOf(d.To), "tie each to your conversation with that person"
		if p := d.To.Personal; p != nil && strings.TrimSpace(p.Markdown) != "" {
			// A part of their own, and not nearly another's, that the
			// draft does not show: the template leaves it out.
			advice = "the template leaves out their personal parts, so write {{ .Personal }} in it"
		}
		ds = append(ds, vault.Diagnostic{Path: n.Path, Line: at.Line, Col: at.Col, Severity: vault.Warning, Code: vault.CodeFormLetter,
			Message: fmt.Sprintf("the note to %s is the same as the one to %s (line %d) but for the names: %s",
				d.To.Name, other.Name, placeOf(other).Line, advice)})
	}
	return ds
}

// placeOf is where an interviewer's part of the note is: their personal
// part's heading, or their entry in the front matter.
func placeOf(iv *vault.Interviewer) vault.Pos {
	if iv.Personal != nil {
		return iv.Personal.Pos
	}
	return iv.Pos
}

// nameValues are the ways a draft may name the interviewers of a note:
// their names in full, first, last, with an honorific ("Dr. van der
// Berg"), their aliases and greetings.
func nameValues(n *vault.Note) []string {
	var values []string
	for _, iv := range n.Interviewers {
		p := vault.ParseName(iv.Name)
		values = append(values, iv.Name, iv.FirstName(), iv.LastName(), p.Given, p.Surname, p.Plain(), p.Formal(), iv.Greeting)
		values = append(values, iv.Aliases...)
	}
	return values
}

// nearlySameOf10 is how similar two personal parts are, in tenths, when
// they are nearly the same: words shared over words in either.
const nearlySameOf10 = 7

// similars finds, for a set of words, the first of the sets before it
// that is nearly the same, without comparing it with every one: with
// thousands of interviewers, that is millions of comparisons.
//
// It is the prefix and positional filter of similarity joins (PPJoin, Xiao
// et al., 2008). Put the words of every set in one order, rarest first.
// Two sets nearly the same share at least 7 in 10 of the words of each,
// so the first word they share comes among the first len - ceil(7 len/10)
// + 1 words of each (the heads): the shared words after it must fit after
// it. For the same reason, the words after it in each must leave room for
// the overlap that nearly the same asks, ceil(7 (a + b) / 17) words of two
// sets of a and b words. So a set is compared only with the sets that have
// one of its first words among their own, at a place where it could be the
// first word they share; and of those, the earliest first.
type similars struct {
	sets  []map[string]bool
	heads [][]string                // the first words of each set
	by    map[string]map[spot][]int // the sets before, by their first words, in order
	next  int                       // the sets before next are in by
}

// A spot is where a word stands in a set's order, and the set's size.
type spot struct{ at, size int }

func newSimilars(sets []map[string]bool) *similars {
	count := map[string]int{}
	for _, s := range sets {
		for w := range s {
			count[w]++
		}
	}
	sm := &similars{sets: sets, heads: make([][]string, len(sets)), by: map[string]map[spot][]int{}}
	for i, s := range sets {
		ws := slices.Collect(maps.Keys(s))
		slices.SortFunc(ws, func(a, b string) int { return cmp.Or(cmp.Compare(count[a], count[b]), strings.Compare(a, b)) })
		sm.heads[i] = ws[:len(ws)-(nearlySameOf10*len(ws)+9)/10+min(len(ws), 1)]
	}
	return sm
}

// first returns the first set before i that is nearly the same as set i,
// or -1. It is called with i in order.
func (sm *similars) first(i int) int {
	for ; sm.next < i; sm.next++ {
		for at, w := range sm.heads[sm.next] {
			if sm.by[w] == nil {
				sm.by[w] = map[spot][]int{}
			}
			sp := spot{at, len(sm.sets[sm.next])}
			sm.by[w][sp] = append(sm.by[w][sp], sm.next)
		}
	}
	const k = nearlySameOf10
	x := len(sm.sets[i])
	var lists [][]int
	for at, w := range sm.heads[i] {
		for sp, l := range sm.by[w] {
			y := sp.size
			if 10*min(x, y) < k*max(x, y) || 1+min(x-at-1, y-sp.at-1) < (k*(x+y)+10+k-1)/(10+k) {
				continue // too short or too long, or too little left after w
			}
			lists = append(lists, l)
		}
	}
	// The candidates, in order: the lists merged.
	h := &heads{lists: lists}
	heap.Init(h)
	last := -1
	for h.Len() > 0 {
		j := h.lists[0][0]
		if h.lists[0] = h.lists[0][1:]; len(h.lists[0]) == 0 {
			heap.Pop(h)
		} else {
			heap.Fix(h, 0)
		}
		if j != last && similarity(sm.sets[i], sm.sets[j]) >= k/10.0 {
			return j
		}
		last = j
	}
	return -1
}

// heads is a heap of sorted lists by their first element.
type heads struct{ lists [][]int }

func (h *heads) Len() int           { return len(h.lists) }
func (h *heads) Less(i, j int) bool { return h.lists[i][0] < h.lists[j][0] }
func (h *heads) Swap(i, j int)      { h.lists[i], h.lists[j] = h.lists[j], h.lists[i] }
func (h *heads) Push(x any)         { h.lists = append(h.lists, x.([]int)) }
func (h *heads) Pop() any {
	l := h.lists[len(h.lists)-1]
	h.lists = h.lists[:len(h.lists)-1]
	return l
}

// similarity is the Jaccard index of two sets of words (foldedWords).
func similarity(sa, sb map[string]bool) float64 {
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	both := 0
	for w := range sa {
		if sb[w] {
			both++
		}
	}
	return float64(both) / float64(len(sa)+len(sb)-both)
}

// foldedWords returns the set of the words of s, folded.
func foldedWords(s string) map[string]bool {
	m := map[string]bool{}
	for t := range eachToken(s) {
		m[fold(t.word)] = true
	}
	return m
}
