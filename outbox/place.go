package outbox

import (
	"fmt"
	"followup/vault"
	"io/fs"
	"path"
)

// Check checks, before anything is written there, that the outbox
// of cfg is a folder of its own in the vault fsys: no part of its path is
// a symbolic link, it holds no interview note (the scan skips the outbox,
// so they would vanish from every build), and no folder it lies in, but
// the vault root, holds one. The configuration has already refused the
// vault root, hidden folders and the templates folder.
//
// An outbox without a manifest is searched for notes whole; one with a
// manifest only at its top, where followup writes no draft: a manifest
// may have been planted in a folder of notes, and Prune never removes a
// file that reads as an interview note anyway.
func Check(fsys fs.FS, cfg *vault.Config) error {
	dir := cfg.Outbox
	fix := fmt.Sprintf("set outbox: in %s to a folder of its own, such as outbox", vault.ConfigFile)
	lstat := func(p string) (fs.FileInfo, error) { return fs.Lstat(fsys, p) }
	exists, err := walkOutbox(lstat, dir, func(p string) error {
		if note := vault.InterviewIn(fsys, p, false, nil); note != "" {
			return fmt.Errorf("the outbox %s lies in %s, a folder of interview notes (%s): %s", dir, p, note, fix)
		}
		return nil
	})
	if err != nil || !exists {
		return err
	}
	// With a manifest, the outbox is followup's: only its own top, where
	// no draft is ever written, is looked at (a manifest can be planted).
	_, err = fs.Stat(fsys, path.Join(dir, ManifestFile))
	if note := vault.InterviewIn(fsys, dir, err != nil, nil); note != "" {
		return fmt.Errorf("the outbox %s holds interview notes (%s), which followup would then never read: %s", dir, note, fix)
	}
	return nil
}
