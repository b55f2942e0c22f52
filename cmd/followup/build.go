package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strings"
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
	start := time.Now()
	v := vault.Open(w.fsys, w.cfg)
	v.Diagnostics = append(v.Diagnostics, v.Overdue(w.now)...)
	ob, err := vault.OpenOutbox(w.root, w.cfg.Outbox)
	if err != nil {
		return err
	}
	files, keep := renderDrafts(w, v)
	st, diags, syncErr := ob.Sync(files, keep)
	v.Diagnostics = append(v.Diagnostics, diags...)
	cal, calErr := writeCalendar(w, v, ob)
	// The manifest is saved whatever failed: it must know every file
	// that was written.
	closeErr := ob.Close()

	v.Diagnostics = tidyDiagnostics(v.Diagnostics, w.cfg)
	if err := rep.report(v.Diagnostics); err != nil {
		return err
	}
	drafts := fmt.Sprintf("drafts: %d written, %d unchanged, %d removed", st.Written, st.Unchanged, st.Removed)
	if st.Kept > 0 {
		drafts += fmt.Sprintf(", %d edited by hand and kept", st.Kept)
	}
	fmt.Fprintf(stderr, "followup: %s; %s; %s; %s\n", summary(v), drafts, cal, time.Since(start).Round(time.Millisecond))
	if err := errors.Join(syncErr, calErr, closeErr); err != nil {
		return err
	}
	if vault.HasErrors(v.Diagnostics) {
		return errProblems
	}
	return nil
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

// renderDrafts renders the drafts of every note, in memory, adding their
// problems to v's diagnostics. It returns the outbox files and the notes
// whose outputs must stay as they are: notes with errors, files that are
// not interview notes for now, and notes whose template failed.
func renderDrafts(w *workspace, v *vault.Vault) ([]vault.File, map[string]bool) {
	tmpls, diags := render.LoadTemplates(w.fsys, w.cfg.Templates)
	v.Diagnostics = append(v.Diagnostics, diags...)
	keep := v.Keep()
	folders := noteFolders(v)
	var files []vault.File
	for _, n := range v.Notes {
		var plan *render.FollowUpPlan
		if num, _, ok := calendar.NextFollowUp(n, w.cfg.Rules); ok {
			plan = &render.FollowUpPlan{N: num, Of: w.cfg.Rules.MaxFollowUps}
		}
		drafts, diags := tmpls.Drafts(n, w.cfg, plan)
		if len(diags) > 0 {
			keep[n.Path] = true
			v.Diagnostics = append(v.Diagnostics, diags...)
		}
		v.Diagnostics = append(v.Diagnostics, tmpls.Proofread(n, drafts, w.cfg)...)
		for _, d := range drafts {
			byExt, err := d.Files(w.cfg)
			if err != nil {
				keep[n.Path] = true
				v.Diagnostics = append(v.Diagnostics, vault.Diagnostic{Path: n.Path, Line: 1, Col: 1, Severity: vault.Error,
					Code: render.CodeTemplate, Message: fmt.Sprintf("cannot render the draft for %s: %v", d.To.Name, err)})
				continue
			}
			group := folders[n.Path] + "/" + d.Name
			for _, ext := range slices.Sorted(maps.Keys(byExt)) {
				files = append(files, vault.File{Name: group + ext, Note: n.Path, Group: group, Data: byExt[ext]})
			}
		}
	}
	return files, keep
}

// noteFolders names the outbox folder of every interview note after its
// file name; when two notes in different folders share a name, the second
// by path gets NAME-2. Notes with errors count too, so that a note that
// breaks does not move another's folder.
func noteFolders(v *vault.Vault) map[string]string {
	paths := slices.Clone(v.Failed)
	for _, n := range v.Notes {
		paths = append(paths, n.Path)
	}
	slices.Sort(paths)
	taken := map[string]bool{}
	folders := map[string]string{}
	for _, p := range paths {
		base := render.Slug(strings.TrimSuffix(path.Base(p), path.Ext(p)))
		name := base
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		taken[name] = true
		folders[p] = name
	}
	return folders
}

// writeCalendar builds the calendar into the outbox, carrying over what it
// can from the file last written, and says what it did. A calendar that
// differs from what the tool last wrote is rewritten with a warning.
func writeCalendar(w *workspace, v *vault.Vault, ob *vault.Outbox) (string, error) {
	name := w.cfg.Calendar.File
	prev, _ := ob.Read(name)
	edited := ob.EditedByHand(name)
	res, err := calendar.Build(v, calendar.Options{Now: w.now, Previous: prev})
	if err != nil {
		return "", err
	}
	if (edited || res.PreviousUnreadable) && !w.cfg.Disabled(vault.CodeEditedOutput) {
		v.Diagnostics = append(v.Diagnostics, vault.Diagnostic{
			Path: ob.Path(name), Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeEditedOutput,
			Message: name + " differs from what followup last wrote: it is generated, so it was rewritten",
		})
	}
	wrote, err := ob.Write(name, res.Data)
	if err != nil {
		return "", err
	}
	state := "unchanged"
	if wrote {
		state = "written"
	}
	return fmt.Sprintf("%s %s (%s)", ob.Path(name), state, plural(res.Events, "event")), nil
}
