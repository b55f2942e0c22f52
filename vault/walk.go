package vault

import (
	"errors"
	"io/fs"
	"path"
)

// WalkDir walks the tree at the vault path root as fs.WalkDir does, but
// never through a symbolic link: not one met on the way, as fs.WalkDir
// already does, not root itself, which fs.WalkDir follows, and not one
// above root, where root is not in the vault as a walk of it sees it (a
// root that does not exist). Every walk of the vault goes through it, the
// scan for notes and a watcher's search for folders to watch, whether
// from the vault's top or from a path a watcher names: so a folder
// reached through a link is read by none, and a link is what it is (a
// file named .md to check, or nothing) whichever walk meets it.
func WalkDir(fsys fs.FS, root string, fn fs.WalkDirFunc) error {
	info, err := fs.Lstat(fsys, root)
	for dir := path.Dir(root); err == nil && dir != "." && dir != "/"; dir = path.Dir(dir) {
		if up, upErr := fs.Lstat(fsys, dir); upErr != nil || !up.IsDir() {
			err = &fs.PathError{Op: "lstat", Path: root, Err: fs.ErrNotExist}
		}
	}
	if err != nil {
		err = fn(root, nil, err)
	} else {
		err = walkDir(fsys, root, fs.FileInfoToDirEntry(info), fn)
	}
	if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

// walkDir is fs.WalkDir's own recursion, from the entry d of name.
func walkDir(fsys fs.FS, name string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(name, d, nil); err != nil || !d.IsDir() {
		if errors.Is(err, fs.SkipDir) && d.IsDir() {
			err = nil
		}
		return err
	}
	dirs, err := fs.ReadDir(fsys, name)
	if err != nil {
		if err = fn(name, d, err); err != nil {
			if errors.Is(err, fs.SkipDir) {
				err = nil
			}
			return err
		}
	}
	for _, d1 := range dirs {
		if err := walkDir(fsys, path.Join(name, d1.Name()), d1, fn); err != nil {
			if errors.Is(err, fs.SkipDir) {
				break
			}
			return err
		}
	}
	return nil
}
