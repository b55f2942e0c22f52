package render

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"followup/vault"
)

// formLettersOneByOne is how formLetters compared personal parts before
// similars: each with every one before it. A part too thin to be personal
// is compared with none: it has a warning of its own.
func formLettersOneByOne(n *vault.Note) []string {
	var out []string
	for i, iv := range n.Interviewers {
		if iv.Personal == nil || strings.TrimSpace(iv.Personal.Markdown) == "" || thin(iv.Personal.Markdown, genericWords(n)) != "" {
			continue
		}
		for j, other := range n.Interviewers[:i] {
			if other.Personal == nil {
				continue
			}
			if similarity(foldedWords(iv.Personal.Markdown), foldedWords(other.Personal.Markdown)) >= 0.7 {
				out = append(out, fmt.Sprintf("%d like %d", i, j))
				break
			}
		}
	}
	return out
}

func TestFormLettersAsOneByOne(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	vocabulary := strings.Fields("the ledger team on-call billing migration you we design data queue latency budget rust go review thanks")
	found := 0
	for range 500 {
		n := &vault.Note{Path: "n.md"}
		var parts []string
		for i := range r.IntN(30) + 1 {
			iv := &vault.Interviewer{Name: fmt.Sprintf("P%d", i), Pos: vault.Pos{Line: i + 1, Col: 1}}
			var words []string
			switch {
			case r.IntN(8) == 0:
				// nothing personal
			case len(parts) > 0 && r.IntN(2) == 0:
				// Another's, a word or two changed.
				words = strings.Fields(parts[r.IntN(len(parts))])
				for range r.IntN(3) {
					if len(words) > 0 {
						words[r.IntN(len(words))] = vocabulary[r.IntN(len(vocabulary))]
					}
				}
			default:
				for range r.IntN(12) + r.IntN(2)*minPersonalWords {
					words = append(words, vocabulary[r.IntN(len(vocabulary))])
				}
			}
			if words != nil || r.IntN(2) == 0 {
				iv.Personal = &vault.Section{Markdown: strings.Join(words, " "), Pos: vault.Pos{Line: 100 + i, Col: 1}}
				parts = append(parts, iv.Personal.Markdown)
			}
			n.Interviewers = append(n.Interviewers, iv)
		}
		want := formLettersOneByOne(n)
		var got []string
		ds, _ := formLetters(n, nil)
		for _, d := range ds {
			if strings.HasPrefix(d.Message, "the note to") {
				var i, j int
				fmt.Sscanf(d.Message, "the note to P%d is nearly the same as the one to P%d", &i, &j)
				got = append(got, fmt.Sprintf("%d like %d", i, j))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("parts %q:\ngot  %v\nwant %v", parts, got, want)
		}
		found += len(want)
	}
	t.Logf("%d notes nearly the same as another", found)
	if found < 1000 {
		t.Errorf("only %d notes nearly the same: too few to compare", found)
	}
}
