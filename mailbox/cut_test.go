package mailbox

import (
	"bytes"
	"errors"
	"testing"
)

// A push killed at any point and run again leaves exactly one copy of
// each draft, its latest version, and nothing of the others.
func TestPushCutOffConverges(t *testing.T) {
	testCutOff(t, func(t *testing.T) server {
		srv, _ := startMem(t, memOptions{})
		return srv
	})
}

func testCutOff(t *testing.T, start func(t *testing.T) server) {
	a, b := draft("acme-thanks", "Thank you, Helen."), draft("globex-thanks", "Thank you, Sam.")
	a2, a3 := draft(a.ID, "Thank you, Helen, for the tour."), draft(a.ID, "Thank you, Helen, once more.")
	for _, sc := range []struct {
		name   string
		before []Draft // pushed whole first
		cut    []Draft // pushed and killed
		after  []Draft // pushed whole next
	}{
		{"first push", nil, []Draft{a, b}, []Draft{a, b}},
		{"replace", []Draft{a, b}, []Draft{a2, b}, []Draft{a2, b}},
		{"replace, changed again", []Draft{a, b}, []Draft{a2, b}, []Draft{a3, b}},
		{"remove", []Draft{a, b}, []Draft{b}, []Draft{b}},
		{"replace, then no longer due", []Draft{a, b}, []Draft{a2, b}, []Draft{b}},
	} {
		for _, point := range []string{atAppended, atRemove, atSave} {
			t.Run(sc.name+"/"+point, func(t *testing.T) {
				srv := start(t)
				var d disk
				if sc.before != nil {
					srv.mustPush(t, &d, sc.before...)
				}
				killed := errors.New("killed")
				_, err := srv.pushTo(t, &d, sc.cut, nil, func(p string) error {
					if p == point {
						return killed
					}
					return nil
				})
				if err != nil && !errors.Is(err, killed) {
					t.Fatalf("cut push: %v", err)
				}
				srv.mustPush(t, &d, sc.after...)

				msgs := srv.look(t, "Drafts")
				if len(msgs) != len(sc.after) {
					t.Errorf("Drafts holds %d messages, want %d:\n%s", len(msgs), len(sc.after), describe(msgs))
				}
				for _, want := range sc.after {
					got := copiesOf(msgs, want.ID)
					if len(got) != 1 || !bytes.Equal(got[0].Data, want.Data) {
						t.Errorf("copies of %s:\n%s", want.ID, describe(got))
					}
				}
				rep := srv.mustPush(t, &d, sc.after...)
				if rep.Unchanged != len(sc.after) || len(rep.Appended)+len(rep.Replaced)+len(rep.Removed)+len(rep.Kept) != 0 {
					t.Errorf("push after convergence: %+v", rep)
				}
			})
		}
	}
}
