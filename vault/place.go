package vault

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// CheckOutbox checks, before anything is written there, that the outbox
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
func CheckOutbox(fsys fs.FS, cfg *Config) error {
	dir := cfg.Outbox
	fix := fmt.Sprintf("set outbox: in %s to a folder of its own, such as outbox", ConfigFile)
	lstat := func(p string) (fs.FileInfo, error) { return fs.Lstat(fsys, p) }
	exists, err := walkOutbox(lstat, dir, func(p string) error {
		if note := interviewIn(fsys, p, false, nil); note != "" {
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
	if note := interviewIn(fsys, dir, err != nil, nil); note != "" {
		return fmt.Errorf("the outbox %s holds interview notes (%s), which followup would then never read: %s", dir, note, fix)
	}
	return nil
}

// IsVault reports whether fsys looks like a vault: it holds followup.yaml,
// or a Markdown file meant to be an interview note where a scan reads
// notes. A folder that is neither is most likely not the one meant (a new
// shell that lost $FOLLOWUP_VAULT): nothing is written there.
func IsVault(fsys fs.FS, cfg *Config) bool {
	if _, err := fs.Stat(fsys, ConfigFile); err == nil {
		return true
	}
	v := &Vault{Config: cfg}
	return interviewIn(fsys, ".", true, v.skip) != ""
}

// interviewIn returns the path of an interview note in the folder dir (and
// its folders when deep), as a file meant to be one: a Markdown file with
// an interviewers key near its top. Hidden files and folders, links, and
// what skip (when given) says to skip are not looked at, as the scan does
// not read them.
func interviewIn(fsys fs.FS, dir string, deep bool, skip func(string) bool) string {
	found := ""
	_ = WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil
		case p != dir && (strings.HasPrefix(d.Name(), ".") || skip != nil && skip(p)):
			if d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir() && p != dir && !deep:
			return fs.SkipDir
		case d.Type().IsRegular() && isMarkdown(p) && interviewKey.Match(readHead(fsys, p)):
			found = p
			return fs.SkipAll
		}
		return nil
	})
	return found
}
