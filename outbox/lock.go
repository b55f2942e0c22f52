package outbox

import (
	"errors"
	"fmt"
	"followup/vault"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// LockFile, in the outbox, is held by the process writing the outbox:
// two writers would each trust the manifest the other is rewriting.
const LockFile = ".followup-lock"

// ErrLocked says that another process holds the outbox's lock.
var ErrLocked = errors.New("locked")

// A Lock is the outbox's lock, held.
type Lock struct {
	f *os.File
}

// TakeLock takes the lock of the outbox dir of the vault root, waiting
// up to wait for another process to release it. The lock file says which
// process holds it, so that the error can say so.
func TakeLock(root *os.Root, dir string, wait time.Duration) (*Lock, error) {
	if info, err := root.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("the outbox %s is a file, not a folder: move it away or set outbox: in %s", dir, vault.ConfigFile)
	}
	if err := root.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the outbox %s: %w", dir, vault.Cause(err))
	}
	name := path.Join(dir, LockFile)
	if err := outboxIsLink(root, dir); err != nil {
		return nil, err
	}
	f, err := openOwn(root, name, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock: %w", vault.Cause(err))
	}
	deadline := time.Now().Add(wait)
	for {
		err = lockFile(f)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrLocked) {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", name, err)
		}
		if time.Now().After(deadline) {
			holder := "another followup"
			if b, rerr := root.ReadFile(name); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
					holder = fmt.Sprintf("another followup (process %d)", pid)
				}
			}
			f.Close()
			return nil, fmt.Errorf("%s is writing %s (a watch or serve, or a build): wait for it, or stop it: %w", holder, dir, ErrLocked)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock. The file stays: removing it would let a
// third process lock a new file while a second waits on the old one.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	// The process number stays in the file: it names a holder only while
	// the file is locked, and truncating here could reach a file that
	// replaced the lock since.
	err := unlockFile(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// Held reports whether the lock file of the outbox dir of root is still
// the file l holds. Deleting the outbox, or the lock, frees the name: a
// second process could then lock a new file there and write beside us.
func (l *Lock) Held(root *os.Root, dir string) bool {
	if l == nil || l.f == nil {
		return false
	}
	mine, err := l.f.Stat()
	if err != nil {
		return false
	}
	cur, err := root.Lstat(path.Join(dir, LockFile))
	return err == nil && os.SameFile(mine, cur)
}
