package vault

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestFindStray(t *testing.T) {
	tests := []struct {
		in   string
		want int // the offset of the stray, or -1
	}{
		{"Jane Doe", -1},
		{"Jane\tDoe", -1},
		{"Zoë Müller", -1},
		{"مهسا رضا\u200cیی", -1}, // ZWNJ inside a Persian name
		{"क्\u200dष", -1},        // ZWJ after a virama
		{"Ana 👩\u200d💻", -1},     // an emoji sequence
		{"❤\ufe0f\u200d🔥", -1},   // after a variation selector
		{"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", -1}, // Scotland
		{"Jane\u200bDoe", 4},
		{"\ufeffJane", 0},
		{"Jane\u00adDoe", 4},
		{"Jane\u2060", 4},
		{"Jane\u200dDoe", 4},            // ZWJ between Latin letters shows nothing
		{"Jane \u200c", 5},              // nor at the end
		{"مهسا\u200c", 8},               // nor at the end of a Persian name
		{"Helen \u202eMoreau", 6},       // right-to-left override
		{"Helen \u2067Moreau\u2069", 6}, // right-to-left isolate
		{"Jane\u200f", 4},               // right-to-left mark
		{"Jane\u061c", 4},               // Arabic letter mark
		{"Jane\U000E0041", 4},           // a tag outside a flag
		{"\u3164", 0},                   // a Hangul filler, a name that looks empty
		{"Jane\u2028Doe", 4},            // a line separator
		{"Jane\u0085Doe", 4},            // NEXT LINE, a C1 control
		{"Jane\nDoe", 4},
		{"Jane\x00", 4},
		{"ok\xffJane\u200b", 7}, // invalid UTF-8 is no excuse
	}
	for _, tt := range tests {
		st, found := findStray(tt.in, false)
		got := -1
		if found {
			got = st.at
		}
		if got != tt.want {
			t.Errorf("findStray(%q) = %d (%U), want %d", tt.in, got, st.r, tt.want)
		}
	}
	if _, found := findStray("Alex Rivera\n+1 555 0100", true); found {
		t.Errorf("findStray refuses a line break in text of several lines")
	}
	if st, _ := findStray("Alex\n\u202eRivera", true); st.at != 5 {
		t.Errorf("findStray in text of several lines misses the override: %d", st.at)
	}
}

// TestStrayCharacters checks each place a one-line value is read, and the
// sections of the body that go into drafts: a character a reader cannot
// see, or one that reorders what is shown, is an error at the value (a
// warning in a person note), and a control character in a personal part
// is an error at its exact line and column. Private text, and the text of
// right-to-left languages, are left alone.
func TestStrayCharacters(t *testing.T) {
	const head = "---\ncompany: Acme\ndate: 2026-11-18\n"
	tests := []struct {
		name, note string
		want       []string // the diagnostics, as printed
	}{
		{"company", "---\ncompany: Acme\u200b Corp\ndate: 2026-11-18\ninterviewers: [Jane]\n---\n", []string{
			`n.md:2:10: error: company contains an invisible character (U+200B) after "Acme": delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"role escaped", head + "role: \"Lead \\u202eEngineer\"\ninterviewers: [Jane]\n---\n", []string{
			`n.md:4:7: error: role contains a bidirectional control character (U+202E) after "Lead ": delete it, as it shows the text in another order than it is written [value]`}},
		{"id", head + "id: acme\u00ad-2026\ninterviewers: [Jane]\n---\n", []string{
			`n.md:4:5: error: id contains an invisible character (U+00AD) after "acme": delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"topic", head + "topics:\n  - billing\n  - \ufeffon-call\ninterviewers: [Jane]\n---\n", []string{
			`n.md:6:5: error: topics item starts with an invisible character (U+FEFF): delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"interviewer string", head + "interviewers:\n  - Jane \u202eDoe <jane@acme.example>\n---\n", []string{
			`n.md:5:5: error: interviewer contains a bidirectional control character (U+202E) after "Jane ": delete it, as it shows the text in another order than it is written [value]`}},
		{"interviewer address", head + "interviewers:\n  - Jane Doe <jane\u200b@acme.example>\n---\n", []string{
			`n.md:5:5: error: interviewer contains an invisible character (U+200B) after "Jane Doe <jane": delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"interviewer link", head + "interviewers:\n  - \"[[Raj\u2066 Patel]]\"\n---\n", []string{
			`n.md:5:5: error: interviewer contains a bidirectional control character (U+2066) after "[[Raj": delete it, as it shows the text in another order than it is written [value]`}},
		{"mapping", head + "interviewers:\n  - name: Jane\u200dDoe\n    title: CTO\n---\n", []string{
			`n.md:5:11: error: name contains an invisible character (U+200D) after "Jane": delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"title and email", head + "interviewers:\n  - name: Jane Doe\n    title: CTO\u200f\n    email: \"jane@acme.example\\u200b\"\n---\n", []string{
			`n.md:6:12: error: title contains a bidirectional control character (U+200F) after "CTO": delete it, as it shows the text in another order than it is written [value]`,
			`n.md:7:12: error: email contains an invisible character (U+200B) after "jane@acme.example": delete it, as it cannot be seen yet keeps the text from matching what you type [value]`}},
		{"person note", head + "interviewers: [\"[[Raj Patel]]\"]\n---\n", []string{
			`people/Raj Patel.md:3:8: warning: title contains a bidirectional control character (U+202E) after "Head of ": delete it, as it shows the text in another order than it is written [person-note]`}},
		{"right to left and emoji", "---\ncompany: شرکت آریا\ndate: 2026-11-18\ninterviewers: [مهسا رضا\u200cیی, Ana 👩\u200d💻]\n---\n", nil},
		{"personal part", head + "interviewers: [Jane Doe]\n---\nPrivate\x00 notes are nobody's business.\n\n## Thank you: Jane Doe\n\nThank you\tfor the talk.\nThe billing\x00 story stayed with me.\n", []string{
			`n.md:11:12: error: the personal part for Jane Doe contains a control character (U+0000): delete it, as it would reach the draft [value]`}},
		{"unfinished", head + "interviewers: [Jane Doe]\n---\n## Jane Doe\nשלום \u202bעולם\u202c, thanks.\n\n## Unfinished business\n\n\u00a0One more\x1b[31m thing.\r\n", []string{
			`n.md:11:11: error: Unfinished business contains a control character (U+001B): delete it, as it would reach the drafts [value]`}},
		{"form feed", head + "interviewers: [Jane Doe]\n---\n## Jane Doe\r\nPasted from a PDF.\r\n\fPage two.\r\n", []string{
			`n.md:8:1: error: the personal part for Jane Doe contains a control character (U+000C): delete it, as it would reach the draft [value]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"n.md":                {Data: []byte(tt.note)},
				"people/Raj Patel.md": {Data: []byte("---\nemail: raj@acme.example\ntitle: Head of \u202eEngineering\n---\n")},
			}
			v := Open(fsys, DefaultConfig(time.UTC))
			var got []string
			for _, d := range v.Diagnostics {
				if d.Code != CodeBrokenLink {
					got = append(got, d.String())
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if failed := len(v.Failed) > 0; failed != HasErrors(v.Diagnostics) {
				t.Errorf("failed = %v with diagnostics %v", failed, got)
			}
		})
	}
}
