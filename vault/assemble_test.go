package vault

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestAssemblerIsAssemble sets and removes results at random, ids given
// twice, errors, person notes: after each step the kept Assembler gives
// the vault a fresh Assemble of the same results gives, and says the
// notes that broke or mended.
func TestAssemblerIsAssemble(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	cfg := DefaultConfig(time.UTC)
	x := NewIndex(nil, func(string) ([]byte, error) { return nil, nil })
	result := func(i int) *FileResult {
		p := fmt.Sprintf("n%03d.md", i)
		r := &FileResult{Path: p}
		switch rnd.IntN(6) {
		case 0: // an ordinary note
		case 1: // a note with an error
			r.Diags = []Diagnostic{{Path: p, Line: 1, Col: 1, Severity: Error, Code: CodeValue, Message: "broken"}}
		default:
			r.Note = &Note{Path: p, ID: fmt.Sprintf("id%d", rnd.IntN(40)), Keys: map[string]Pos{"id": {Line: 2, Col: 1}}}
			if rnd.IntN(4) == 0 {
				r.Diags = []Diagnostic{{Path: p, Line: 3, Col: 1, Severity: Warning, Code: CodeMissing, Message: "a warning"}}
			}
		}
		return r
	}
	a := NewAssembler(cfg, x)
	current := map[string]*FileResult{}
	ok := func(v *Vault) map[string]bool {
		m := map[string]bool{}
		for _, n := range v.Notes {
			m[n.Path] = true
		}
		return m
	}
	var before map[string]bool
	for step := range 300 {
		var set []string
		for range 1 + rnd.IntN(4) {
			i := rnd.IntN(200)
			p := fmt.Sprintf("n%03d.md", i)
			if rnd.IntN(3) == 0 {
				a.Remove(p)
				delete(current, p)
			} else {
				r := result(i)
				a.Set(r)
				current[p] = r
			}
			set = append(set, p)
		}
		shown := map[string]bool{}
		for _, p := range set {
			shown[p] = true
		}
		got := a.Vault(shown)
		var results []*FileResult
		for _, p := range slices.Sorted(func(yield func(string) bool) {
			for p := range current {
				if !yield(p) {
					return
				}
			}
		}) {
			results = append(results, current[p])
		}
		want := Assemble(cfg, results, x)
		if !reflect.DeepEqual(got.Notes, want.Notes) || !slices.Equal(got.Failed, want.Failed) || !slices.Equal(got.Ordinary, want.Ordinary) {
			t.Fatalf("step %d: the kept vault differs from a fresh one:\n got %d notes %v %v\nwant %d notes %v %v",
				step, len(got.Notes), got.Failed, got.Ordinary, len(want.Notes), want.Failed, want.Ordinary)
		}
		// The diagnostics of what was shown are a fresh vault's.
		var wantDiags []Diagnostic
		for _, d := range want.Diagnostics {
			if shown[d.Path] {
				wantDiags = append(wantDiags, d)
			}
		}
		if !reflect.DeepEqual(got.Diagnostics, wantDiags) {
			t.Fatalf("step %d: diagnostics\n got %v\nwant %v", step, got.Diagnostics, wantDiags)
		}
		// Every note that broke or mended was shown.
		now := ok(want)
		if before != nil {
			for p := range current {
				if before[p] != now[p] && !shown[p] {
					t.Fatalf("step %d: %s broke or mended unshown", step, p)
				}
			}
		}
		before = now
	}
}
