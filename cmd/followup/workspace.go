package main

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"followup/build"
	"followup/outbox"
	"followup/vault"
)

// A workspace is the vault a command works on, its configuration and the
// current time.
type workspace struct {
	dir  string
	root *os.Root
	fsys fs.FS
	cfg  *vault.Config
	now  time.Time
	g    *globals
}

// openWorkspace opens the vault named by --vault, $FOLLOWUP_VAULT or the
// current folder. Reads go through an os.Root, so no symbolic link can
// lead them outside the vault.
func openWorkspace(g *globals) (*workspace, error) {
	dir := g.vault
	if dir == "" {
		dir = "."
	}
	info, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, usagef("vault folder %s does not exist", dir)
		}
		return nil, fmt.Errorf("cannot open the vault: %w", err)
	}
	if !info.IsDir() {
		return nil, usagef("vault %s is not a folder", dir)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the vault: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open the vault: %w", err)
	}
	return &workspace{dir: dir, root: root, fsys: vaultFS{root.FS().(linkFS), abs}, g: g}, nil
}

// linkFS is a file system with symbolic links, as os.Root's is.
type linkFS interface {
	fs.FS
	fs.ReadLinkFS
}

// vaultFS is the vault seen through an os.Root, whose ReadLink turns an
// absolute link to a file inside the vault into a relative one: os.Root
// refuses to follow absolute links, but such a link stays in the vault.
type vaultFS struct {
	linkFS
	abs string // the vault's absolute path, without symbolic links
}

func (v vaultFS) ReadLink(name string) (string, error) {
	target, err := v.linkFS.ReadLink(name)
	if err != nil || !filepath.IsAbs(target) {
		return target, err
	}
	rel, err := filepath.Rel(v.abs, filepath.Clean(target))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return target, nil
	}
	fromLink, err := filepath.Rel(filepath.FromSlash(path.Dir(name)), rel)
	if err != nil {
		return target, nil
	}
	return filepath.ToSlash(fromLink), nil
}

// errConfig says that followup.yaml is wrong, already reported: exit 2.
var errConfig = errors.New("the configuration has errors")

// loadConfig reads followup.yaml and the current time, which needs the
// vault's time zone for a --now given as a date.
func (w *workspace) loadConfig(rep reporter) error {
	cfg, ds := vault.LoadConfig(w.fsys, time.Local)
	if len(ds) > 0 {
		if err := rep.report(ds); err != nil {
			return err
		}
		return errConfig
	}
	w.cfg = cfg
	now, err := currentTime(w.g.now, os.Getenv("SOURCE_DATE_EPOCH"), cfg.Zone)
	if err != nil {
		return err
	}
	w.now = now
	return nil
}

// currentTime is --now, else $SOURCE_DATE_EPOCH, else the clock. A --now
// given as a date is midnight in the vault's zone.
func currentTime(flagNow, epoch string, zone *time.Location) (time.Time, error) {
	if flagNow != "" {
		m, err := vault.ParseMoment(flagNow, zone)
		if err != nil {
			return time.Time{}, usagef("--now: %v", err)
		}
		return m.Time, nil
	}
	if epoch = strings.TrimSpace(epoch); epoch != "" {
		secs, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return time.Time{}, usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", epoch)
		}
		return time.Unix(secs, 0).In(zone), nil
	}
	return time.Now().In(zone), nil
}

// lockOutbox checks that the outbox is a folder of its own, then takes
// its lock, so that nothing is created where it should not be.
func (w *workspace) lockOutbox() (*outbox.Lock, error) {
	if err := outbox.Check(w.fsys, w.cfg); err != nil {
		return nil, err
	}
	return outbox.TakeLock(w.root, w.cfg.Outbox, cmp.Or(w.g.hooks.lockWait, lockWait))
}

// vault is the vault for a build.
func (w *workspace) vault() build.Vault {
	return build.Vault{Dir: w.dir, Root: w.root, FS: w.fsys, Config: w.cfg}
}

// engine opens a build engine on the vault, whose outbox is locked.
func (w *workspace) engine() (*build.Engine, error) { return build.Open(w.vault(), w.g.hooks.build) }

// openVault opens the vault of g with its configuration, reporting the
// configuration's problems to rep, and refuses a folder that is no
// vault: what every command that reads notes does first.
func openVault(g *globals, rep reporter) (*workspace, error) {
	w, err := openWorkspace(g)
	if err != nil {
		return nil, err
	}
	err = w.loadConfig(rep)
	if err == nil {
		err = w.requireVault()
	}
	if err != nil {
		w.root.Close()
		return nil, err
	}
	return w, nil
}

// requireVault refuses a folder that is no vault, neither followup.yaml
// nor an interview note in it, before anything is read as notes or
// written there.
func (w *workspace) requireVault() error {
	if vault.IsVault(w.fsys, w.cfg) {
		return nil
	}
	dir, err := filepath.Abs(w.dir)
	if err != nil {
		dir = w.dir
	}
	return fmt.Errorf("%s is not a followup vault (no %s, no interview note): make one with \"followup init DIR\", or point at yours with --vault DIR or $FOLLOWUP_VAULT", dir, vault.ConfigFile)
}
