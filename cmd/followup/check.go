package main

import (
	"context"
	"encoding/json"
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

const checkHelp = `usage: followup check [--json] [--strict]

Check reads every interview note of the vault and reports its problems as
PATH:LINE:COL: error|warning: MESSAGE [code] on standard error, sorted by
path and line. It exits 1 if any note has an error, or with --strict any
warning, and 2 if followup.yaml is wrong.

	--json     print a JSON array of {path, line, col, severity, code, message, suggestion} on standard output instead
	--strict   treat warnings as errors for the exit status

Example:

	followup --vault ~/job-search check --strict
`

func runCheck(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print diagnostics as JSON on standard output")
	strict := fs.Bool("strict", false, "exit 1 on warnings too")
	if err := parseFlags(fs, g, args, stdout, checkHelp); err != nil {
		return err
	}
	w, err := openWorkspace(g)
	if err != nil {
		return err
	}
	rep := reporter{json: *asJSON, stdout: stdout, stderr: stderr}
	if err := w.loadConfig(rep); err != nil {
		return err
	}
	v := vault.Open(w.fsys, w.cfg)
	if err := rep.report(v.Diagnostics); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintf(stderr, "followup: %s\n", summary(v))
	}
	if vault.HasErrors(v.Diagnostics) || *strict && len(v.Diagnostics) > 0 {
		return errProblems
	}
	return nil
}

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
	ob, err := vault.OpenOutbox(w.root, w.cfg.Outbox)
	if err != nil {
		return err
	}
	drafts, err := writeDrafts(w, v, ob)
	if err != nil {
		return err
	}
	cal, err := writeCalendar(w, v, ob)
	if err != nil {
		return err
	}
	if err := ob.Close(); err != nil {
		return err
	}
	v.Diagnostics = slices.DeleteFunc(v.Diagnostics, func(d vault.Diagnostic) bool {
		return d.Severity == vault.Warning && w.cfg.Disabled(d.Code)
	})
	vault.SortDiagnostics(v.Diagnostics)
	if err := rep.report(v.Diagnostics); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "followup: %s; %s; %s; %s\n", summary(v), drafts, cal, time.Since(start).Round(time.Millisecond))
	if len(v.Failed) > 0 {
		return errProblems
	}
	return nil
}

// writeDrafts renders the drafts of every note into the outbox and
// removes those no longer wanted, and says what it did. Notes with errors,
// and notes whose template failed, keep the drafts they have.
func writeDrafts(w *workspace, v *vault.Vault, ob *vault.Outbox) (string, error) {
	tmpls, diags := render.LoadTemplates(w.fsys, w.cfg.Templates)
	v.Diagnostics = append(v.Diagnostics, diags...)
	keep := map[string]bool{}
	for _, p := range slices.Concat(v.Failed, v.Unsure) {
		keep[p] = true
	}
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
		for _, d := range drafts {
			byExt, err := d.Files(w.cfg)
			if err != nil {
				return "", err
			}
			for _, ext := range slices.Sorted(maps.Keys(byExt)) {
				files = append(files, vault.File{Name: folders[n.Path] + "/" + d.Name + ext, Note: n.Path, Data: byExt[ext]})
			}
		}
	}
	st, diags, err := ob.Sync(files, keep)
	if err != nil {
		return "", err
	}
	v.Diagnostics = append(v.Diagnostics, diags...)
	msg := fmt.Sprintf("drafts: %d written, %d unchanged, %d removed", st.Written, st.Unchanged, st.Removed)
	if st.Kept > 0 {
		msg += fmt.Sprintf(", %d edited by hand and kept", st.Kept)
	}
	return msg, nil
}

// noteFolders names the outbox folder of every interview note after its
// file name; when two notes in different folders share a name, the second
// by path gets NAME-2. Notes with errors count too, so that a note that
// breaks does not move another's folder.
func noteFolders(v *vault.Vault) map[string]string {
	paths := slices.Concat(v.Failed, v.Unsure)
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

// summary says in one line what was read and found.
func summary(v *vault.Vault) string {
	errs, warns := 0, 0
	for _, d := range v.Diagnostics {
		if d.Severity == vault.Error {
			errs++
		} else {
			warns++
		}
	}
	notes := len(v.Notes) + len(v.Failed)
	return fmt.Sprintf("%s, %s, %s", plural(notes, "interview note"), plural(errs, "error"), plural(warns, "warning"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// A reporter prints diagnostics as text on standard error, or as JSON on
// standard output.
type reporter struct {
	json           bool
	stdout, stderr io.Writer
}

func (r reporter) report(ds []vault.Diagnostic) error {
	if r.json {
		if ds == nil {
			ds = []vault.Diagnostic{}
		}
		b, err := json.MarshalIndent(ds, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(r.stdout, "%s\n", b)
		return err
	}
	for _, d := range ds {
		fmt.Fprintln(r.stderr, d)
	}
	return nil
}
