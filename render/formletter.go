package render

import (
	"fmt"
	"strings"

	"followup/vault"
)

// formLetters finds the notes that could go to anyone: an interviewer
// without a personal part or topics of their own, and two personal parts
// nearly the same (compared on their words, not their bytes).
func formLetters(n *vault.Note) []vault.Diagnostic {
	var ds []vault.Diagnostic
	warn := func(p vault.Pos, msg string) {
		ds = append(ds, vault.Diagnostic{Path: n.Path, Line: p.Line, Col: p.Col, Severity: vault.Warning, Code: CodeFormLetter, Message: msg})
	}
	sets := make([]map[string]bool, len(n.Interviewers)) // made once each
	wordSet := func(i int) map[string]bool {
		if sets[i] == nil {
			sets[i] = foldedWords(n.Interviewers[i].Personal.Markdown)
		}
		return sets[i]
	}
	for i, iv := range n.Interviewers {
		if iv.Personal == nil || strings.TrimSpace(iv.Personal.Markdown) == "" {
			if len(iv.Topics) == 0 {
				warn(iv.Pos, fmt.Sprintf("nothing personal for %s: add a heading \"## %s\" with what you talked about, or their topics", iv.Name, iv.Name))
			}
			continue
		}
		for j, other := range n.Interviewers[:i] {
			if other.Personal == nil {
				continue
			}
			if sim := similarity(wordSet(i), wordSet(j)); sim >= 0.7 {
				warn(iv.Personal.Pos, fmt.Sprintf("the note to %s is nearly the same as the one to %s (line %d): tie each to your conversation with that person",
					iv.Name, other.Name, other.Personal.Pos.Line))
				break
			}
		}
	}
	return ds
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
