package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"followup/build"
	"followup/calendar"
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
	rep := reporter{json: *asJSON, stdout: stdout, stderr: stderr}
	w, err := openVault(g, rep)
	if err != nil {
		return err
	}
	v := vault.Open(w.fsys, w.cfg)
	v.Diagnostics = append(v.Diagnostics, calendar.Overdue(calendar.DuesOf(v.Notes, w.cfg), w.now, w.cfg)...)
	// The drafts are rendered too, in memory: a template's errors are
	// problems to report before a build.
	build.Proofread(w.fsys, v)
	v.Diagnostics = vault.Tidy(v.Diagnostics, w.cfg)
	if err := rep.report(v.Diagnostics); err != nil {
		return err
	}
	if !*asJSON {
		fmt.Fprintf(stderr, "followup: %s\n", summary(v, v.Diagnostics))
	}
	if vault.HasErrors(v.Diagnostics) || *strict && len(v.Diagnostics) > 0 {
		return errProblems
	}
	return nil
}

// summary says in one line what was read and found.
func summary(v *vault.Vault, ds []vault.Diagnostic) string {
	return summaryOf(len(v.Notes)+len(v.Failed), ds)
}

// summaryOf counts notes and problems.
func summaryOf(notes int, ds []vault.Diagnostic) string {
	errs, warns := 0, 0
	for _, d := range ds {
		if d.Severity == vault.Error {
			errs++
		} else {
			warns++
		}
	}
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
	w := bufio.NewWriter(r.stderr)
	for _, d := range ds {
		fmt.Fprintln(w, d)
	}
	return w.Flush()
}
