package outbox

import (
	"fmt"
	"os"
	"testing"
)

// BenchmarkPruneStale prunes a manifest whose entries all name files that
// are gone (deleted by hand, or a manifest from another machine): each
// size is 10× the one before, and the time should grow about 10×, not
// 100× as when every entry removed shifted the rest.
func BenchmarkPruneStale(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := os.MkdirAll(dir+"/outbox", 0o755); err != nil {
				b.Fatal(err)
			}
			root, err := os.OpenRoot(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer root.Close()
			for b.Loop() {
				b.StopTimer()
				ob, _, err := Open(root, "outbox")
				if err != nil {
					b.Fatal(err)
				}
				for i := range n {
					ob.manifest.set(fmt.Sprintf("note-%06d/jane-doe.eml", i), entry{Hash: "sha256:00", Note: fmt.Sprintf("n%d.md", i)})
				}
				ob.manifest.sorted()
				b.StartTimer()
				if _, _, err := ob.Prune(func(string) bool { return false }, nil, nil); err != nil {
					b.Fatal(err)
				}
				if len(ob.manifest.Files) != 0 || len(ob.manifest.names) != 0 {
					b.Fatalf("%d entries left", len(ob.manifest.Files))
				}
			}
		})
	}
}
