package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// findings runs the text checks and lists "code:what" for each finding.
func findings(text string, names ...string) []string {
	var out []string
	text = blankCode(text)
	ns := nameSetOf(names)
	for _, f := range proofreadText(text, ns, false) {
		out = append(out, string(f.code)+":"+text[f.off:f.off+f.n])
	}
	// Template text goes through memos: it must find the same, twice.
	for range 2 {
		var shared []string
		for _, f := range proofreadText(text, ns, true) {
			shared = append(shared, string(f.code)+":"+text[f.off:f.off+f.n])
		}
		slices.Sort(shared)
		if plain := slices.Sorted(slices.Values(out)); !slices.Equal(plain, shared) {
			out = append(out, fmt.Sprintf("as template text: %q", shared))
		}
	}
	return out
}

func TestTextChecks(t *testing.T) {
	tests := []struct {
		text  string
		names []string
		want  string // findings joined by " | ", "" for none
	}{
		// misspelled-name fires
		{"I enjoyed meeting the team at Acme Crop.", []string{"Acme Corp"}, "misspelled-name:Acme Crop"},
		{"Please thank Jane Dow for me.", []string{"Acme Corp", "Jane Doe"}, "misspelled-name:Jane Dow"},
		{"How Priya Sha runs on-call", []string{"Acme", "Priya Shah"}, "misspelled-name:Priya Sha"},
		{"Dear Jnae,", []string{"Acme", "Jane Doe"}, "misspelled-name:Jnae"},
		{"the Globx team", []string{"Globex"}, "misspelled-name:Globx"},
		// ... and stays silent on the right spelling, other words, accents
		{"I enjoyed meeting the team at Acme Corp.", []string{"Acme Corp"}, ""},
		{"See you in June.", []string{"Acme", "Jane Doe"}, ""},
		{"I will ask Will Smith.", []string{"Acme", "Will Smith"}, ""},
		{"Thanks to Zoe Muller and Zoë Müller.", []string{"Acme", "Zoë Müller"}, ""},
		{"Jan and Jane both asked.", []string{"Acme", "Jan Berg", "Jane Doe"}, ""},
		{"Dear Mark, the market grew.", []string{"Acme", "Mark Lane"}, ""},
		{"Priya Raghunathan's rule, and Raghunathan’s too", []string{"Acme", "Priya Raghunathan"}, ""},
		{"Thanks to Siobhán O’Neill.", []string{"Acme", "Siobhán O'Neill"}, ""},
		{"Data quality is key. Bills that came twice. Marks on it.", []string{"Acme", "Dana Lee", "Bill Oz", "Mark Ray"}, ""},
		{"and then Bills arrived", []string{"Acme", "Bill Oz"}, ""},
		// placeholder
		{"Say hi to [Name].", nil, "placeholder:[Name]"},
		{"Thanks, <name>!", nil, "placeholder:<name>"},
		{"Hello {{ .To.Name }}", nil, "placeholder:{{"},
		{"TODO: thank them", nil, "placeholder:TODO"},
		{"see XYZ about it", nil, "placeholder:XYZ"},
		{"TK", nil, "placeholder:TK"},
		{"the TODO list app I built", nil, ""},
		{"ABC Corp's API", []string{"ABC Corp"}, ""},
		{"working with XYZ Logistics", nil, ""},
		{"where XYZ\nRobotics builds arms", nil, ""},
		{"the XYZ gantry", []string{"XYZ Robotics"}, ""},
		{"Subject XYZ\n\nDear Jane", nil, "placeholder:XYZ"},
		{"`Planner<Arm>` and `// TODO: merge`", nil, ""},
		{"```\n// TODO later\n```", nil, ""},
		{"we [the night crew] know", nil, ""},
		{"say hi to [name]", nil, "placeholder:[name]"},
		{"The desperately needed index shipped.", nil, ""},
		{"I can’t wait to hear back", nil, "tone:can’t wait to hear"},
		{"a [link](https://example.com), [[Note]] and <br>", nil, ""},
		{"- [ ] a task", nil, ""},
		// spelling
		{"I recieve it", nil, "spelling:recieve"},
		{"the the end", nil, "spelling:the the"},
		{"that that is, had had", nil, ""},
		{"the colour and the color", nil, ""},
		{"in 2026 2026", nil, ""},
		// tone
		{"This is my last chance.", nil, "tone:last chance"},
		{"I really need this job", nil, "tone:really need this job"},
		{"Please please reply", nil, "tone:Please please"},
		{"I am desperate", nil, "tone:desperate"},
		{"As I said before, I am keen.", nil, "tone:As I said before"},
		{"Just checking in. Just checking in again.", nil, "tone:Just checking in"},
		{"Just checking in on the role.", nil, ""},
		{"I chanced upon your last talk.", nil, ""},
	}
	for _, tt := range tests {
		got := strings.Join(findings(tt.text, tt.names...), " | ")
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	a := "Your questions about the design of the ledger were sharp."
	if s := similarity(foldedWords(a), foldedWords("Your questions about the design of the ledger were sharp!")); s < 0.99 {
		t.Errorf("same words, other punctuation: %v", s)
	}
	if s := similarity(foldedWords(a), foldedWords("Thank you for the tour of the data centre and the coffee.")); s >= 0.7 {
		t.Errorf("different notes: %v", s)
	}
}
