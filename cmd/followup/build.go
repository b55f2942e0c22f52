package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path"
	"slices"
	"sync"
	"time"

	"followup/build"
	"followup/calendar"
	"followup/outbox"
	"followup/vault"
)

const buildHelp = `usage: followup build

Build checks the vault, then writes the outbox and the calendar. Notes with
errors are reported and skipped; the rest are still built. It exits 1 if
any note had an error.

Example:

	followup --vault ~/job-search build
`

func runBuild(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	if err := parseFlags(fs, g, args, stdout, buildHelp); err != nil {
		return err
	}
	rep := reporter{stdout: stdout, stderr: stderr}
	w, err := openVault(g, rep)
	if err != nil {
		return err
	}
	lock, err := w.lockOutbox()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	start := time.Now()
	key := build.CacheKey(w.fsys, w.cfg)
	// The vault is scanned while the cache is read.
	scanned := make(chan []vault.Entry, 1)
	go func() { scanned <- vault.Scan(w.fsys, w.cfg) }()
	entries := sync.OnceValue(func() []vault.Entry { return <-scanned })
	if c := build.LoadCache(w.vault(), key, entries); c != nil {
		// Nothing changed since the last build: only the time did.
		if g.hooks.cacheHit != nil {
			g.hooks.cacheHit()
		}
		ds := vault.Tidy(slices.Concat(c.Diags, calendar.Overdue(c.Dues, w.now, w.cfg)), w.cfg)
		if err := rep.report(ds); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "followup: %s; %s; %s unchanged (%s); %s\n", summaryOf(c.Notes, ds), draftStats(outbox.SyncStats{Unchanged: c.Drafts}),
			path.Join(w.cfg.Outbox, w.cfg.Calendar.File), plural(c.Events, "event"), time.Since(start).Round(time.Millisecond))
		if vault.HasErrors(ds) {
			return errProblems
		}
		return nil
	}
	_, p, buildErr := buildVault(ctx, w, key, entries(), start)
	if p == nil {
		return buildErr
	}
	if err := rep.report(p.Diags); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "followup: %s; %s; %s; %s\n", summaryOf(p.Notes, p.Diags), draftStats(p.Sync), p.Calendar, p.Took.Round(time.Millisecond))
	if buildErr != nil {
		return buildErr
	}
	if vault.HasErrors(p.Diags) {
		return errProblems
	}
	return nil
}

// buildVault builds the whole vault, scanned already or not (nil), with
// a new engine, and records the build in the cache for the next one. The
// build began at start.
func buildVault(ctx context.Context, w *workspace, key string, scanned []vault.Entry, start time.Time) (*build.Engine, *build.Pass, error) {
	e, err := w.engine()
	if err != nil {
		return nil, nil, err
	}
	if scanned != nil {
		e.Scanned(scanned)
	}
	p, err := e.Build(ctx, nil, w.now)
	if p == nil {
		return nil, nil, err
	}
	p.Started = start
	e.SaveCache(key, p, err != nil)
	p.Took = time.Since(start)
	return e, p, err
}

func draftStats(st outbox.SyncStats) string {
	s := fmt.Sprintf("drafts: %d written, %d unchanged, %d removed", st.Written, st.Unchanged, st.Removed)
	if st.Kept > 0 {
		s += fmt.Sprintf(", %d edited by hand and kept", st.Kept)
	}
	return s
}
