package outbox

import (
	"errors"

	"followup/vault"
)

// syncFiles makes the outbox hold files, Put then Prune as a build does, by the rules of SPEC: a file is
// written when its bytes change; one the tool did not write, or that was
// edited since, is never overwritten or removed, and a warning says so,
// and the other files of its draft are left as they are too, so that the
// .eml never says something else than the edited .md; a generated file no
// longer wanted is removed, unless it comes from a note in keep (a note
// with errors keeps its drafts until it is fixed). A file that cannot be
// written does not stop the others: the errors are returned together.
//
// Only the files of notes in scope are considered for removal; a nil scope
// is every note.
func syncFiles(o *Outbox, files []File, scope []string, keep map[string]bool) (SyncStats, []vault.Diagnostic, error) {
	st, diags, err := o.Put(files)
	wanted := map[string]bool{}
	for _, f := range files {
		wanted[f.Name] = true
	}
	pst, pdiags, perr := o.Prune(func(name string) bool { return wanted[name] }, scope, keep)
	st.Removed, st.Kept = pst.Removed, st.Kept+pst.Kept
	return st, append(diags, pdiags...), errors.Join(err, perr)
}

// errKilled is what a test's fault returns to stand for the process
// killed at that point.
var errKilled error = killErr{}

type killErr struct{}

func (killErr) Error() string { return "killed" }
func (killErr) Killed() bool  { return true }
