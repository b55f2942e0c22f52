package vault

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestHostileNotes reads notes made to exhaust a parser: a billion laughs
// of YAML aliases, nesting 100,000 deep, 200,000 keys, a line of 5 MB.
// Each is a diagnostic in its note (or read as it is), the other note is
// still read, and the memory all of them take together stays bounded.
func TestHostileNotes(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("---\ncompany: Acme\ndate: 2026-11-18\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&laughs, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	laughs.WriteString("topics: *a9\ninterviewers: [Jane]\n---\n")
	var keys strings.Builder
	keys.WriteString("---\ncompany: Acme\ndate: 2026-11-18\ninterviewers: [Jane]\n")
	for i := range 200_000 {
		fmt.Fprintf(&keys, "k%d: v\n", i)
	}
	keys.WriteString("---\n")
	notes := map[string]string{
		"laughs.md":  laughs.String(),
		"deep.md":    "---\ncompany: Acme\ndate: 2026-11-18\ninterviewers: [Jane]\ntopics: " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n---\n",
		"deepmap.md": "---\ncompany: Acme\ndate: 2026-11-18\ninterviewers: [Jane]\ntopics: " + strings.Repeat("{a: ", 50_000) + "b" + strings.Repeat("}", 50_000) + "\n---\n",
		"keys.md":    keys.String(),
		"long.md":    "---\ncompany: " + strings.Repeat("A", 5<<20) + "\ndate: 2026-11-18\ninterviewers: [Jane]\n---\n",
		"good.md":    "---\ncompany: Acme\ndate: 2026-11-18\ninterviewers: [Jane Doe]\n---\n## Jane Doe\nThanks.\n",
	}
	fsys := fstest.MapFS{}
	for name, text := range notes {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := Open(fsys, DefaultConfig(time.UTC))
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("reading the hostile notes allocated %d MB", alloc>>20)
	}
	t.Logf("allocated %d MB", (after.TotalAlloc-before.TotalAlloc)>>20)
	good := false
	for _, n := range v.Notes {
		good = good || n.Path == "good.md"
	}
	if !good {
		t.Errorf("the good note was not read beside the hostile ones: %v", v.Diagnostics)
	}
	for _, name := range []string{"laughs.md", "deep.md", "deepmap.md"} {
		found := false
		for _, d := range v.Diagnostics {
			found = found || d.Path == name && d.Severity == Error
		}
		if !found {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSplitAddressLength: an address longer than RFC 5321 allows is
// refused with its length, not quoted whole.
func TestSplitAddressLength(t *testing.T) {
	local := strings.Repeat("a", 64)
	ok := local + "@" + strings.Repeat("b", 189) // 254 characters
	if _, addr, err := SplitAddress("Jane <" + ok + ">"); err != nil || addr != ok {
		t.Errorf("254 characters: %q, %v", addr, err)
	}
	if _, _, err := SplitAddress("Jane <" + ok + "c>"); err == nil || !strings.Contains(err.Error(), "255 characters long") {
		t.Errorf("255 characters: %v", err)
	}
}
