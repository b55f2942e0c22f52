package vault

import (
	"io/fs"
	"strings"
)

// IsVault reports whether fsys looks like a vault: it holds followup.yaml,
// or a Markdown file meant to be an interview note where a scan reads
// notes. A folder that is neither is most likely not the one meant (a new
// shell that lost $FOLLOWUP_VAULT): nothing is written there.
func IsVault(fsys fs.FS, cfg *Config) bool {
	if _, err := fs.Stat(fsys, ConfigFile); err == nil {
		return true
	}
	v := &Vault{Config: cfg}
	return InterviewIn(fsys, ".", true, v.skip) != ""
}

// InterviewIn returns the path of an interview note in the folder dir (and
// its folders when deep), as a file meant to be one: a Markdown file with
// an interviewers key near its top. Hidden files and folders, links, and
// what skip (when given) says to skip are not looked at, as the scan does
// not read them.
func InterviewIn(fsys fs.FS, dir string, deep bool, skip func(string) bool) string {
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

// LooksLikeNote reports whether the file name, holding data, reads as an
// interview note: a Markdown file with an interviewers key near its top.
func LooksLikeNote(name string, data []byte) bool {
	return isMarkdown(name) && interviewKey.Match(data[:min(len(data), 64<<10)])
}
