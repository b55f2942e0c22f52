package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"followup/build"
	"followup/outbox"
	"followup/vault"
)

const watchHelp = `usage: followup watch [--poll DURATION] [--push]

Watch builds the vault, then rebuilds on every change until interrupted
(Ctrl-C). Only what changed is rebuilt: a note's own drafts and events; the
notes that link to a person note that changed; every note when a template
or followup.yaml changes. Each rebuild prints one line: what changed, what
was written and how long it took, after the problems of the notes it read.
The outbox, hidden folders (.git, .obsidian, .trash) and editors'
temporary files never start a rebuild.

	--poll DURATION   also rescan the vault this often, such as 5s: for
	                  network drives and folders whose changes the system
	                  does not report
	--push            push after each rebuild that changed drafts or the
	                  calendar, and each morning, as followup push does

Example:

	followup --vault ~/job-search watch
`

func runWatch(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	poll := fs.Duration("poll", 0, "rescan the vault every `DURATION`")
	push := fs.Bool("push", false, "push after each rebuild")
	if err := parseFlags(fs, g, args, stdout, watchHelp); err != nil {
		return err
	}
	if *poll < 0 {
		return usagef("watch: --poll must not be negative")
	}
	return watch(ctx, g, watchOptions{poll: *poll, push: *push}, stderr, nil)
}

// The quiet period after the last change before a rebuild, and the
// longest a rebuild waits for a file that is written without pause.
const (
	quietPeriod = 150 * time.Millisecond
	maxWait     = 2 * time.Second
	// A batch of more changes than this is rebuilt by rescanning the
	// whole vault, as after an overflow of the system's event queue.
	maxBatch = 2000
)

// watch builds the vault and rebuilds it on every change until ctx is
// done. Each build's calendar goes to published, when given (serve).
func watch(ctx context.Context, g *globals, opts watchOptions, stderr io.Writer, published func([]byte)) error {
	return watchLocked(ctx, g, opts, stderr, published, nil)
}

// watchOptions are the flags of watch that serve shares.
type watchOptions struct {
	poll time.Duration // rescan this often; 0 never
	push bool          // push after each rebuild that changed something
}

// watchLocked is watch with the outbox's lock already held, or nil to
// take it.
func watchLocked(ctx context.Context, g *globals, opts watchOptions, stderr io.Writer, published func([]byte), lock *outbox.Lock) error {
	// The goroutines started here end with it, whichever way it returns.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rep := reporter{stdout: io.Discard, stderr: stderr}
	w, err := openVault(g, rep)
	if err != nil {
		return err
	}
	defer w.root.Close()
	// The passwords are asked for once, before anything is built.
	var ps *pusher
	if opts.push {
		if ps, err = newPusher(ctx, w, stderr); err != nil {
			return err
		}
	}
	// The watcher writes the outbox for as long as it runs: no other
	// process may, or the engine's idea of the outbox would be wrong.
	if lock == nil {
		if lock, err = w.lockOutbox(); err != nil {
			return err
		}
	}
	defer func() { lock.Unlock() }() // the lock held last
	e, err := w.engine()
	if err != nil {
		return err
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("cannot watch the vault: %w", inotifyHint(err))
	}
	defer fw.Close()
	if err := addFolders(fw, w, "."); err != nil {
		return err
	}
	reason := "" // what made the next rebuild one of everything
	// The calendar last published: by which engine, after how many writes.
	var (
		publishedBy     *build.Engine
		publishedWrites int
	)
	var said warnings
	rebuild := func(paths []string) error {
		now, err := currentTime(g.now, os.Getenv("SOURCE_DATE_EPOCH"), w.cfg.Zone)
		if err != nil {
			return err
		}
		if e.Started() && !lock.Held(w.root, w.cfg.Outbox) {
			// The outbox, or its lock, was deleted: take the lock again,
			// and rebuild everything, as the files are gone.
			lock.Unlock()
			if lock, err = w.lockOutbox(); err != nil {
				fmt.Fprintf(stderr, "followup: error: %v\n", err)
				return nil // tried again at the next change
			}
			if e, err = w.engine(); err != nil {
				return err
			}
			paths, reason = nil, w.cfg.Outbox+" was deleted"
		}
		fresh := !e.Started()
		_, calBefore := e.Calendar()
		p, err := e.Build(ctx, paths, now)
		_, calAfter := e.Calendar()
		quiet := p != nil && !fresh && len(p.Changed) == 0 && p.Rendered == 0 && p.Sync.Written+p.Sync.Removed == 0
		if p != nil && !quiet {
			if fresh {
				said = warnings{}
				_ = rep.report(said.news(p.Diags, nil)) // the first build: every problem
			} else {
				_ = rep.report(said.news(slices.DeleteFunc(slices.Clone(p.Diags), func(d vault.Diagnostic) bool {
					return !p.Touched[d.Path] && !strings.HasPrefix(d.Path, w.cfg.Outbox+"/")
				}), p.Touched))
			}
			if reason != "" {
				p.Changed = []string{reason} // everything, because of it
				reason = ""
			}
			fmt.Fprintf(stderr, "followup: %s %s; %s; %s; %s\n", time.Now().Format("15:04:05"), describeChange(p), draftStats(p.Sync), p.Calendar, p.Took.Round(time.Millisecond))
			if data, writes := e.Calendar(); published != nil && data != nil && (e != publishedBy || writes != publishedWrites) {
				published(data)
				publishedBy, publishedWrites = e, writes
			}
		}
		if ps != nil && p != nil && (fresh || p.Sync.Written+p.Sync.Removed > 0 || calAfter != calBefore) {
			pushNow(ctx, ps, e, now, stderr)
		}
		if err != nil {
			// A full disk or a read-only outbox: say so and keep watching;
			// the next change tries again.
			fmt.Fprintf(stderr, "followup: error: %v\n", err)
		}
		return nil
	}
	if err := rebuild(nil); err != nil {
		return err
	}
	// What the first save's rebuild would make while the user waits,
	// made now.
	e.Warm()
	fmt.Fprintf(stderr, "followup: watching %s (Ctrl-C to stop)\n", w.dir)

	changes := make(chan string, 256)
	batches := make(chan []string)
	go collect(ctx, changes, batches, quietPeriod, maxWait)
	var tick <-chan time.Time
	if opts.poll > 0 {
		t := time.NewTicker(opts.poll)
		defer t.Stop()
		tick = t.C
	}
	// A follow-up is pushed on its day: each morning, push again.
	var morning <-chan time.Time
	if ps != nil {
		morning = time.After(untilMorning(time.Now().In(w.cfg.Zone)))
	}
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, "followup: stopped")
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return nil
			}
			rel, ok := vaultPath(w, ev.Name)
			if !ok {
				continue
			}
			switch classify(rel, ev.Op, w.cfg) {
			case ignore:
				continue
			case folder:
				// New folders are watched, and read: files may be in them
				// before the watch is. A folder renamed away is watched no
				// more under its old name.
				if ev.Op.Has(fsnotify.Rename) || ev.Op.Has(fsnotify.Remove) {
					unwatchUnder(fw, ev.Name)
				}
				if ev.Op.Has(fsnotify.Create) {
					if err := addFolders(fw, w, rel); err != nil {
						fmt.Fprintf(stderr, "followup: error: %v\n", err)
					}
				}
			case config:
				if err := reloadConfig(w, rep, &e); err != nil {
					fmt.Fprintf(stderr, "followup: %v: keeping the previous configuration\n", err)
					continue
				}
				if opts.push {
					// The servers may have changed: ask for their passwords
					// again; without them, push stops until the next change.
					if ps, err = newPusher(ctx, w, stderr); err != nil {
						fmt.Fprintf(stderr, "followup: error: %v: not pushing until followup.yaml is changed again\n", err)
					}
				}
				rel, reason = "", vault.ConfigFile // a full rebuild
			case outboxGone:
				rel = "" // a full rebuild, which takes the lock again
			}
			select {
			case changes <- rel:
			case <-ctx.Done():
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				fmt.Fprintln(stderr, "followup: too many changes at once for the system to report: rescanning the vault")
				changes <- ""
				continue
			}
			fmt.Fprintf(stderr, "followup: error: %v\n", err)
		case batch := <-batches:
			if slices.Contains(batch, "") || len(batch) > maxBatch {
				batch = nil // rescan everything
			}
			if err := rebuild(batch); err != nil {
				return err
			}
		case <-tick:
			if err := rebuild(nil); err != nil {
				return err
			}
		case <-morning:
			now, err := currentTime(g.now, os.Getenv("SOURCE_DATE_EPOCH"), w.cfg.Zone)
			if err != nil {
				return err
			}
			pushNow(ctx, ps, e, now, stderr)
			morning = time.After(untilMorning(time.Now().In(w.cfg.Zone)))
		}
	}
}

// warnings holds, by path, the warnings a watcher printed last, so that a
// save prints a warning again only when it is new or changed (the overdue
// ones would otherwise come back with every save of their note).
type warnings map[string]map[string]bool

// news returns the diagnostics of ds to print: every error, and the
// warnings not printed for their path last time. It then records ds's
// warnings as the last printed for their paths, and for the paths
// touched (rebuilt) that have none now.
func (w warnings) news(ds []vault.Diagnostic, touched map[string]bool) []vault.Diagnostic {
	now := map[string]map[string]bool{}
	for p := range touched {
		now[p] = map[string]bool{}
	}
	var out []vault.Diagnostic
	for _, d := range ds {
		if now[d.Path] == nil {
			now[d.Path] = map[string]bool{}
		}
		if d.Severity != vault.Warning {
			out = append(out, d)
			continue
		}
		key := d.String()
		now[d.Path][key] = true
		if !w[d.Path][key] {
			out = append(out, d)
		}
	}
	maps.Copy(w, now)
	return out
}

// reloadConfig reads followup.yaml again; when it is good, the engine
// starts afresh with it.
func reloadConfig(w *workspace, rep reporter, e **build.Engine) error {
	old := w.cfg
	if err := w.loadConfig(rep); err != nil {
		w.cfg = old
		return errors.New("followup.yaml has errors")
	}
	// The lock held is the old outbox's: writing into another without
	// its lock would race a build there.
	if w.cfg.Outbox != old.Outbox {
		moved := w.cfg.Outbox
		w.cfg = old
		return fmt.Errorf("outbox: changed to %s while watching %s: stop and start followup again to write there", moved, old.Outbox)
	}
	fresh, err := w.engine()
	if err != nil {
		w.cfg = old
		return err
	}
	*e = fresh
	return nil
}

// describeChange says what a rebuild was about: the first paths that
// changed, and how many notes it read and rendered.
func describeChange(p *build.Pass) string {
	what := "nothing changed"
	switch n := len(p.Changed); {
	case n == 1:
		what = p.Changed[0]
	case n > 1 && n <= 3:
		what = strings.Join(p.Changed, ", ")
	case n > 3:
		what = fmt.Sprintf("%s and %d more", p.Changed[0], n-1)
	}
	return fmt.Sprintf("%s: %d read, %d rendered", what, p.Parsed, p.Rendered)
}

// vaultPath turns a watcher's path into a vault path.
func vaultPath(w *workspace, name string) (string, bool) {
	rel, err := filepath.Rel(w.dir, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// A kind is what a change in the vault calls for.
type kind int

const (
	ignore     kind = iota
	note            // a file or folder that may hold notes, or person notes
	folder          // a folder: watch it, then read it
	config          // followup.yaml: start afresh
	outboxGone      // the outbox removed: take the lock again, rebuild everything
)

// classify decides what a change of the vault path rel calls for. Pure
// permission changes, the outbox, hidden files and folders, and editors'
// and sync tools' temporary files call for nothing.
func classify(rel string, op fsnotify.Op, cfg *vault.Config) kind {
	if op == fsnotify.Chmod || rel == "." || rel == "" {
		return ignore
	}
	if rel == vault.ConfigFile {
		return config
	}
	if rel == cfg.Outbox && op.Has(fsnotify.Remove) || rel == cfg.Outbox && op.Has(fsnotify.Rename) {
		return outboxGone
	}
	base := path.Base(rel)
	if temporary(base) || under(rel, cfg.Outbox) {
		return ignore
	}
	for p := rel; p != "."; p = path.Dir(p) {
		if strings.HasPrefix(path.Base(p), ".") {
			return ignore // .git, .obsidian, .trash, .syncthing.*.tmp
		}
	}
	if path.Ext(base) == "" {
		return folder // or a file without an extension: reading it is harmless
	}
	if under(rel, cfg.Templates) {
		return note // the engine reloads the templates on every build
	}
	if strings.EqualFold(path.Ext(base), ".md") || path.Ext(base) == "" {
		return note
	}
	return ignore
}

func under(rel, dir string) bool {
	return strings.EqualFold(rel, dir) || len(rel) > len(dir) && strings.EqualFold(rel[:len(dir)], dir) && rel[len(dir)] == '/'
}

// temporary reports whether a file name is an editor's or a sync tool's
// scratch file: vim's swap files and its 4913 probe, backups ending in ~,
// Emacs' #autosave# and .#locks, and the tool's own temporary files.
func temporary(base string) bool {
	switch {
	case base == "4913", strings.HasSuffix(base, "~"),
		strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"),
		strings.HasPrefix(base, outbox.TempPrefix):
		return true
	}
	switch path.Ext(base) {
	case ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload":
		return true
	}
	return false
}

// addFolders watches the folder rel and every folder under it that may
// hold notes, templates or the targets of links to notes, walking as the
// scan does: a symbolic link to a folder is neither read nor watched.
func addFolders(fw *fsnotify.Watcher, w *workspace, rel string) error {
	return vault.WalkDir(w.fsys, rel, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // gone already, or unreadable: the build says so
		}
		if !d.IsDir() {
			return nil
		}
		if p != "." && (strings.HasPrefix(d.Name(), ".") || under(p, w.cfg.Outbox)) {
			return fs.SkipDir
		}
		if err := fw.Add(filepath.Join(w.dir, filepath.FromSlash(p))); err != nil {
			return fmt.Errorf("cannot watch %s: %w", p, inotifyHint(err))
		}
		return nil
	})
}

// unwatchUnder stops watching the folder name and every folder under it,
// which moved or went: the system goes on reporting a moved folder's
// changes under its old name, and a folder added again under its new one
// would come back with that name.
func unwatchUnder(fw *fsnotify.Watcher, name string) {
	for _, p := range fw.WatchList() {
		if p == name || strings.HasPrefix(p, name+string(filepath.Separator)) {
			_ = fw.Remove(p)
		}
	}
}

// inotifyHint explains the errors Linux gives when its limits on watches
// are reached.
func inotifyHint(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("%w: the system's limit on watched folders is reached; raise it with "+
			"sudo sysctl fs.inotify.max_user_watches=524288, or use --poll 5s", err)
	case errors.Is(err, syscall.EMFILE):
		return fmt.Errorf("%w: too many watchers are open; raise the limit with "+
			"sudo sysctl fs.inotify.max_user_instances=1024, or use --poll 5s", err)
	}
	return err
}

// collect gathers the paths sent on changes into batches: a batch is sent
// once no change came for quiet, or maxWait after its first change, so
// that a burst (a git checkout) is one rebuild and a file written without
// pause is still picked up.
func collect(ctx context.Context, changes <-chan string, batches chan<- []string, quiet, maxWait time.Duration) {
	var (
		pending []string
		seen    = map[string]bool{}
		first   time.Time // of the pending batch
		timer   = time.NewTimer(time.Hour)
	)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-changes:
			if len(pending) == 0 {
				first = time.Now()
			}
			if !seen[p] {
				seen[p] = true
				pending = append(pending, p)
			}
			timer.Reset(max(0, min(quiet, maxWait-time.Since(first))))
		case <-timer.C:
			batch := pending
			pending, seen = nil, map[string]bool{}
			select {
			case batches <- batch:
			case <-ctx.Done():
				return
			}
		}
	}
}

// pushNow pushes what the engine e built; a failure is said, and the
// watcher goes on: the next rebuild or morning tries again.
func pushNow(ctx context.Context, ps *pusher, e *build.Engine, now time.Time, stderr io.Writer) {
	if ps == nil {
		return // its passwords are missing, as said
	}
	if err := ps.push(ctx, e, now, false); err != nil {
		fmt.Fprintf(stderr, "followup: error: %v\n", err)
	}
}

// untilMorning is how long from now until five past midnight of the next
// day, in now's zone: the follow-ups of that day are then due.
func untilMorning(now time.Time) time.Duration {
	y, m, d := now.Date()
	return time.Date(y, m, d+1, 0, 5, 0, 0, now.Location()).Sub(now)
}
