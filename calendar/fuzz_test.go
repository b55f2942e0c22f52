package calendar

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzFolder checks that any content line folds into lines of at most 75
// octets that unfold to the original.
func FuzzFolder(f *testing.F) {
	for _, s := range []string{"SUMMARY:Interview: Acme Corp", strings.Repeat("é", 60), "X:" + strings.Repeat("😀a", 40), "", strings.Repeat("\x80", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\r\n") {
			return // go-ical refuses such values before they reach the folder
		}
		var buf bytes.Buffer
		fo := &folder{w: &buf}
		if _, err := fo.Write([]byte(line + "\r\n")); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n") {
			if len(l) > maxLine {
				t.Fatalf("line of %d octets: %q", len(l), l)
			}
		}
		// Invalid UTF-8 is cut anywhere; valid UTF-8 never inside a character.
		if got := strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n ", ""); got != line {
			t.Fatalf("unfolded %q, want %q", got, line)
		}
	})
}
