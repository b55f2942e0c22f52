package render

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"followup/vault"
)

// replaceEach is what the blanker stands for: each value replaced in turn,
// longest first.
func replaceEach(text string, values []string) string {
	for _, v := range sortValues(values) {
		if strings.TrimSpace(v) != "" {
			text = strings.ReplaceAll(text, v, valueMark)
		}
	}
	return text
}

// randomText is made of few letters, so that values overlap, nest and
// repeat, some of them longer than the blanker's trie is deep.
func randomText(r *rand.Rand, n int) string {
	letters := []string{"a", "b", "a", "b", " ", "é", "\n", "ab"}
	var b strings.Builder
	for range n {
		b.WriteString(letters[r.IntN(len(letters))])
	}
	return b.String()
}

func TestBlankerReplacesAsEachInTurn(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var values []string
		for range r.IntN(12) {
			n := r.IntN(6) + 1
			if r.IntN(5) == 0 {
				n = prefixLen + r.IntN(20) - 8 // about the trie's depth
			}
			values = append(values, randomText(r, n))
		}
		text := randomText(r, r.IntN(300))
		for range r.IntN(4) {
			// Values written into the text, as a template does.
			if len(values) > 0 {
				at := r.IntN(len(text) + 1)
				for at < len(text) && !utf8.RuneStart(text[at]) {
					at++
				}
				text = text[:at] + values[r.IntN(len(values))] + text[at:]
			}
		}
		if i%100 == 0 {
			values = append(values, "a"+valueMark+"b") // the slow way
		}
		want := replaceEach(text, slices.Clone(values))
		if got := newBlanker(slices.Clone(values)).blank(text); got != want {
			t.Fatalf("values %q in %q:\ngot  %q\nwant %q", values, text, got, want)
		}
	}
}

// offsetPos is how a position was found before positions: the text read
// from its start for each offset.
func offsetPos(text string, off, line, col int) vault.Pos {
	before := text[:off]
	if nl := strings.LastIndexByte(before, '\n'); nl >= 0 {
		return vault.Pos{Line: line + strings.Count(before, "\n"), Col: 1 + utf8.RuneCountInString(before[nl+1:])}
	}
	return vault.Pos{Line: line, Col: col + utf8.RuneCountInString(before)}
}

func TestPositionsInOnePass(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		text := randomText(r, r.IntN(400))
		var offs []int
		for range r.IntN(30) {
			off := r.IntN(len(text) + 1)
			for off < len(text) && !utf8.RuneStart(text[off]) {
				off++
			}
			offs = append(offs, off)
		}
		line, col := r.IntN(50)+1, r.IntN(10)+1
		got := positions(text, offs, line, col)
		for i, off := range offs {
			if want := offsetPos(text, off, line, col); got[i] != want {
				t.Fatalf("offset %d of %q: got %v, want %v", off, text, got[i], want)
			}
		}
	}
}
