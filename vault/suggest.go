package vault

import (
	"path"
	"strings"
	"unicode/utf8"
)

// nearest returns the candidate closest to word by edit distance, if it is
// a small edit away: one edit for short words, two for longer ones. Case is
// ignored, so "Company" is near "company".
func nearest(word string, candidates []string) (string, bool) {
	w := strings.ToLower(word)
	// One edit for short words, two for longer ones; a word of one or
	// two letters is too short to guess at, but may differ in case.
	n := utf8.RuneCountInString(w)
	limit := 1
	switch {
	case n < 3:
		limit = 0
	case n > 5:
		limit = 2
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		if m := utf8.RuneCountInString(c); m-n > limit || n-m > limit {
			continue // too far apart in length to be near
		}
		d := EditDistance(w, strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > limit {
		return "", false
	}
	return best, true
}

// EditDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// characters each cost one.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// matchGlob reports whether the slash-separated path name matches pattern,
// where "**" as a whole segment matches any number of segments and the other
// segments follow path.Match. A pattern that matches a folder matches
// everything below it. As in .gitignore, a pattern without a slash matches
// at any depth, and one starting with a slash only at the vault's root.
func matchGlob(pattern, name string) bool {
	switch {
	case strings.HasPrefix(pattern, "/"):
		pattern = pattern[1:]
	case !strings.Contains(pattern, "/"):
		pattern = "**/" + pattern
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	// The pattern named a folder: everything below it matches.
	return true
}
