package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"followup/render"
	"followup/vault"
)

const newHelp = `usage: followup new COMPANY [--role R] [--date D] [--decision D] [--with "Name <address>"]... [--edit]

New writes interviews/DATE-COMPANY.md, an interview note ready to fill in:
the front matter, a heading for each interviewer's personal part and one
for unfinished business. Without --with there is one placeholder
interviewer to replace. The date defaults to now, rounded down to the
hour in the vault's time zone. An existing note is never overwritten: the
new one gets -2, -3… New prints the path of the note.

	--role R       the position
	--date D       the interview's start: 2026-11-18, 2026-11-18T14:00, …
	--decision D   when they said they would decide
	--with P       an interviewer, "Jane Doe <jane@acme.com>" or "Jane Doe"; repeat for each
	--edit         open the note in $VISUAL or $EDITOR

Example:

	followup new "Acme Corp" --role "Backend Engineer" --with "Jane Doe <jane@acme.com>" --with "Raj Patel" --edit
`

// multiFlag collects a flag given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ", ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runNew(g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	role := fs.String("role", "", "the position")
	date := fs.String("date", "", "the interview's start")
	decision := fs.String("decision", "", "when they said they would decide")
	edit := fs.Bool("edit", false, "open the note in $VISUAL or $EDITOR")
	var with multiFlag
	fs.Var(&with, "with", "an interviewer")
	g.register(fs)
	fs.SetOutput(io.Discard)
	// Flags may come before or after the company.
	var company []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, newHelp)
				return err
			}
			return usagef("new: %v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		company = append(company, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(company) != 1 || strings.TrimSpace(company[0]) == "" {
		return usagef("new: give the company once, in quotes if it has spaces: followup new \"Acme Corp\"")
	}
	// With --edit and no editor, say so before writing anything: a second
	// try would write a second note.
	editor := cmpOr(os.Getenv("VISUAL"), os.Getenv("EDITOR"))
	if *edit && editor == "" {
		return usagef("new: --edit needs an editor: set $VISUAL or $EDITOR (export EDITOR=nano), or leave out --edit")
	}
	// What new writes must pass check.
	for key, s := range map[string]string{"the company": company[0], "--role": *role} {
		if err := vault.CheckLine(key, s); err != nil {
			return usagef("new: %v", err)
		}
	}
	w, err := openWorkspace(g)
	if err != nil {
		return err
	}
	if err := w.loadConfig(reporter{stdout: stdout, stderr: stderr}); err != nil {
		return err
	}
	start := vault.Moment{Time: startOfHour(w.now), HasTime: true}
	if *date != "" {
		if start, err = vault.ParseMoment(*date, w.cfg.Zone); err != nil {
			return usagef("new: --date: %v", err)
		}
	}
	var decisionDay vault.Moment
	if *decision != "" {
		if decisionDay, err = vault.ParseMoment(*decision, w.cfg.Zone); err != nil {
			return usagef("new: --decision: %v", err)
		}
	}
	people := []string(with)
	for _, p := range people {
		if name, _, err := vault.SplitAddress(p); err != nil || name == "" {
			if err == nil {
				err = errors.New("it has no name")
			}
			return usagef("new: --with %q: %v", p, err)
		}
	}
	text := newNote(strings.TrimSpace(company[0]), *role, start, decisionDay, people)
	// A note written where the scan never looks would vanish.
	if w.cfg.Skip("interviews") {
		return fmt.Errorf("new: interviews is skipped by %s (it is, or lies in, the outbox, the templates or an ignore: glob), so a note there would never be read: change %s", vault.ConfigFile, vault.ConfigFile)
	}
	rel, err := createNote(w.root, start.Time.Format("2006-01-02")+"-"+render.Slug(company[0]), []byte(text))
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rel)
	if *edit {
		return openEditor(editor, filepath.Join(w.dir, rel))
	}
	return nil
}

// createNote writes interviews/NAME.md, or NAME-2.md, NAME-3.md… when it
// exists, and returns its path relative to the vault. It never writes
// through a symbolic link: a note written where a link leads (outside the
// vault, or to a folder that is skipped) is a note nothing reads.
func createNote(root *os.Root, name string, data []byte) (string, error) {
	if info, err := root.Lstat("interviews"); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return "", fmt.Errorf("new: interviews is a symbolic link, and followup writes notes only into a folder of the vault itself: make interviews a folder")
	}
	if err := root.MkdirAll("interviews", 0o755); err != nil {
		return "", fmt.Errorf("new: cannot create the folder interviews: %w", err)
	}
	for i := 1; ; i++ {
		rel := path.Join("interviews", name+".md")
		if i > 1 {
			rel = path.Join("interviews", fmt.Sprintf("%s-%d.md", name, i))
		}
		// O_EXCL: never an existing file, nor a link, even one leading
		// nowhere.
		f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("new: cannot write %s: %w", rel, err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = root.Remove(rel)
			return "", fmt.Errorf("new: cannot write %s: %w", rel, err)
		}
		return filepath.FromSlash(rel), nil
	}
}

// quote writes s as a YAML scalar, quoted when YAML needs it.
func quote(s string) string {
	b, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// newNote is the text of a new interview note.
func newNote(company, role string, start, decision vault.Moment, people []string) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "company: %s\n", quote(company))
	if role != "" {
		fmt.Fprintf(&b, "role: %s\n", quote(role))
	}
	if start.HasTime {
		fmt.Fprintf(&b, "date: %s\n", start.Time.Format("2006-01-02T15:04"))
	} else {
		fmt.Fprintf(&b, "date: %s\n", start.Time.Format("2006-01-02"))
	}
	if !decision.IsZero() {
		fmt.Fprintf(&b, "decision_date: %s\n", decision.Time.Format("2006-01-02"))
	}
	b.WriteString("status: draft               # ready when the thank-you notes below are finished\n")
	b.WriteString("topics: []                  # what the interview was about\n")
	b.WriteString("interviewers:\n")
	if len(people) == 0 {
		people = []string{"[Name] <name@example.com>"}
		b.WriteString("  # replace the line below with everyone you spoke with, one per line\n")
	}
	var names []string
	for _, p := range people {
		fmt.Fprintf(&b, "  - %s\n", quote(p))
		name, _, _ := vault.SplitAddress(p)
		names = append(names, name)
	}
	b.WriteString("---\n")
	b.WriteString("Private notes: what happened, what you learned, your doubts. This part stays private.\n")
	for _, name := range names {
		fmt.Fprintf(&b, "\n## Thank you: %s\n\n", name)
	}
	b.WriteString("\n## Unfinished business\n\n")
	return b.String()
}

// openEditor opens a file in editor ($VISUAL or $EDITOR), as git does.
func openEditor(editor, file string) error {
	// The editor may come with arguments ("code --wait"): let the shell
	// split them, and pass the file as an argument of its own.
	cmd := exec.Command("sh", "-c", editor+` "$1"`, "sh", file)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("new: %s: %w", editor, err)
	}
	return nil
}
