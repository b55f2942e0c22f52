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

	"followup/calendar"
	"followup/render"
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
	w, err := openWorkspace(g)
	if err != nil {
		return err
	}
	rep := reporter{stdout: stdout, stderr: stderr}
	if err := w.loadConfig(rep); err != nil {
		return err
	}
	if err := w.requireVault(); err != nil {
		return err
	}
	lock, err := w.lockOutbox()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	start := time.Now()
	key := cacheKey(w)
	// The vault is scanned while the cache is read.
	scanned := make(chan []vault.Entry, 1)
	go func() { scanned <- vault.Scan(w.fsys, w.cfg) }()
	entries := sync.OnceValue(func() []vault.Entry { return <-scanned })
	if c := loadCache(w, key, entries); c != nil {
		// Nothing changed since the last build: only the time did.
		cacheHits.Add(1)
		ds := tidyDiagnostics(slices.Concat(c.Diags, calendar.Overdue(c.Dues, w.now, w.cfg)), w.cfg)
		if err := rep.report(ds); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "followup: %s; %s; %s unchanged (%s); %s\n", summaryOf(c.Notes, ds), draftStats(vault.SyncStats{Unchanged: c.Drafts}),
			path.Join(w.cfg.Outbox, w.cfg.Calendar.File), plural(c.Events, "event"), time.Since(start).Round(time.Millisecond))
		if vault.HasErrors(ds) {
			return errProblems
		}
		return nil
	}
	e, err := newEngine(w)
	if err != nil {
		return err
	}
	e.scanned = entries()
	p, buildErr := e.build(ctx, nil, w.now)
	if p == nil {
		return buildErr
	}
	p.Started = start
	saveCache(w, e, key, p, buildErr != nil)
	p.Took = time.Since(start)
	if err := rep.report(p.Diags); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "followup: %s; %s; %s; %s\n", summaryOf(len(e.v.Notes)+len(e.v.Failed), p.Diags), draftStats(p.Sync), p.Calendar, p.Took.Round(time.Millisecond))
	if buildErr != nil {
		return buildErr
	}
	if vault.HasErrors(p.Diags) {
		return errProblems
	}
	return nil
}

// lockWait is how long a build waits for another to finish writing the
// outbox.
var lockWait = 3 * time.Second

func draftStats(st vault.SyncStats) string {
	s := fmt.Sprintf("drafts: %d written, %d unchanged, %d removed", st.Written, st.Unchanged, st.Removed)
	if st.Kept > 0 {
		s += fmt.Sprintf(", %d edited by hand and kept", st.Kept)
	}
	return s
}

// tidyDiagnostics drops the warnings checks.disable turns off, sorts the
// rest and says each once: a template's problem shows in every draft.
func tidyDiagnostics(ds []vault.Diagnostic, cfg *vault.Config) []vault.Diagnostic {
	ds = slices.DeleteFunc(ds, func(d vault.Diagnostic) bool {
		return d.Severity == vault.Warning && cfg.Disabled(d.Code)
	})
	vault.SortDiagnostics(ds)
	return slices.Compact(ds)
}

// renderDrafts renders the drafts of every note in memory, on every
// core, adding their problems to v's diagnostics.
func renderDrafts(w *workspace, v *vault.Vault) {
	tmpls, diags := render.LoadTemplates(w.fsys, w.cfg.Templates)
	v.Diagnostics = append(v.Diagnostics, diags...)
	folders := noteFolders(v, nil)
	renders := make([]*rendered, len(v.Notes))
	vault.Parallel(len(v.Notes), func(i int) {
		n := v.Notes[i]
		renders[i], _ = renderNote(tmpls, w.cfg, n, folders[n.Path])
	})
	for _, r := range renders {
		v.Diagnostics = append(v.Diagnostics, r.diags...)
	}
}
