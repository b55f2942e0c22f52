package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"followup/render"
	"followup/vault"
)

const initHelp = `usage: followup init [DIR]

Init makes DIR (default: the vault, else the current folder) a new vault:
a commented followup.yaml to fill in, templates/ with the default
templates to edit and an example interview note to copy (templates are
never read as notes, so the example schedules nothing), an empty
interviews/ folder, a .gitignore and a .gitattributes. It refuses a
folder that already holds a vault and never overwrites a file.

Example:

	followup init ~/job-search
`

func runInit(g *globals, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	if err := parseFlagsArgs(fs, g, args, stdout, initHelp, 1); err != nil {
		return err
	}
	dir := cmpOr(fs.Arg(0), g.vault, ".")
	for _, marker := range []string{vault.ConfigFile, "followup.yml", "interviews", "templates"} {
		if _, err := os.Lstat(filepath.Join(dir, marker)); err == nil {
			return usagef("init: %s already holds a vault (%s exists): nothing was changed", dir, marker)
		}
	}
	now, err := currentTime(g.now, os.Getenv("SOURCE_DATE_EPOCH"), time.Local)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{
		{vault.ConfigFile, []byte(initConfig)},
		{".gitignore", []byte(initGitignore)},
		{".gitattributes", []byte(initGitattributes)},
		{"templates/" + initExample, []byte(initNote(now))},
	}
	for _, name := range render.TemplateNames {
		text, err := render.Defaults(name)
		if err != nil {
			return err
		}
		files = append(files, struct {
			name string
			data []byte
		}{"templates/" + name, text})
	}
	for _, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(f.name))
		if _, err := os.Lstat(full); err == nil && strings.HasPrefix(f.name, ".git") {
			// A folder already in git has its own: it is kept, and init
			// goes on rather than stopping halfway.
			fmt.Fprintf(stdout, "kept %s: it exists; add to it what followup's would say:\n%s", full, indent(string(f.data)))
			continue
		}
		if err := createFile(full, f.data); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s\n", filepath.Join(dir, filepath.FromSlash(f.name)))
	}
	if err := os.MkdirAll(filepath.Join(dir, "interviews"), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s\n", filepath.Join(dir, "interviews")+string(filepath.Separator))
	fmt.Fprintf(stdout, "\nNext: put your name, address and signature into %s; after an interview,\n\tfollowup --vault %s new \"Company\" --with \"Name <address>\" --edit\n(%s shows a finished note).\n",
		filepath.Join(dir, vault.ConfigFile), dir, filepath.Join(dir, "templates", initExample))
	return nil
}

// createFile writes a new file, making its folder; it never replaces one.
func createFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: not overwritten", name)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func cmpOr(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

const initConfig = `# followup.yaml: the settings of this vault. Every key is optional; an unknown
# key is an error that names the nearest known one.

# Who writes the thank-you notes. Fill these in before your first build: the
# drafts are sent from this address and signed with this signature.
candidate:
  name: ""                      # your name as you sign it, e.g. Alex Rivera
  email: ""                     # the address your mail goes out from
  phone: ""
  signature: ""                 # the lines under "Best regards,"; default: your name
  strengths: []                 # short phrases completing "what I bring: …",
                                # e.g. ["eight years of Go", "a billing migration I led"]

# The zone of interview times written without an offset, unless a note says
# otherwise with timezone:. Any IANA name: Europe/Berlin, America/New_York…
# timezone: America/New_York

outbox: outbox                  # where the drafts and the calendar are written
templates: templates            # your versions of the templates
ignore: []                      # globs of files never read as notes, e.g. ["Archive/**"]

calendar:
  file: calendar.ics            # inside the outbox
  name: Job search follow-ups
  details: names                # none | names | full: what the events reveal
  alarm: 2h                     # before each thank-you deadline; 0 turns alarms off

rules:
  thank_you_within: 24h         # counted from the end of the interview
  follow_up_after_decision: 2   # business days after the decision date they gave
  follow_up_without_decision: 7 # business days after the interview without one
  follow_up_every: 5            # business days between follow-ups
  max_follow_ups: 2             # then one polite "ask about the status"
  workdays: [Mon, Tue, Wed, Thu, Fri]
  holidays: []                  # dates skipped like weekends

checks:
  disable: []                   # codes of warnings you do not want

serve:
  addr: 127.0.0.1:8765
  token: ""                     # set a long random string to publish the feed at /<token>/calendar.ics

# followup push puts the drafts that are due into your mail account's Drafts
# folder, and the events into your CalDAV calendar. Never write a password
# here (this file is kept in git): password_cmd prints it, or set
# $FOLLOWUP_IMAP_PASSWORD and $FOLLOWUP_CALDAV_PASSWORD.
# mailbox:
#   imap: imap.fastmail.com:993
#   username: you@example.com
#   password_cmd: pass show mail/followup
# caldav:
#   url: https://caldav.fastmail.com/
#   username: you@example.com
#   password_cmd: pass show mail/followup
`

const initGitignore = `# The outbox holds drafts and the calendar that followup makes from your
# notes: they can always be made again. Keep this line to leave them out of
# git; remove it to keep a history of what you sent.
/outbox/

# followup's temporary files, should a build be interrupted.
.followup-tmp-*
`

const initGitattributes = `# Mail drafts and calendars use CRLF line endings by standard: git must not
# convert them.
*.ics -text
*.eml -text
`

// initExample is the example interview note a new vault holds, in its
// templates folder: never read as a note, so it puts no deadline into the
// user's calendar or status.
const initExample = "interview-example.md"

// initNote is the example interview note of a new vault, dated now.
func initNote(now time.Time) string {
	return fmt.Sprintf(`---
# An example of an interview note, to learn the format from or to copy.
# followup never reads this folder as notes, so this one schedules nothing:
# your notes go into interviews/ (followup new writes one for you).
company: Example Corp
role: Backend Engineer
date: %s
decision_date: %s
status: draft               # set to ready when the thank-you notes below are finished
topics: [the team's move to Go]
interviewers:
  - "Jane Example <jane@example.com>"
  - name: Raj Sample
    title: Engineering Manager
    email: raj@example.com
---
Private notes: what happened, what you learned, your doubts. Everything here
stays private, except the sections below.

## Thank you: Jane Example
A sentence or two for Jane about what you talked about with her: the thing she
said that stayed with you, and why it matters to you.

## Thanks – Raj
The same for Raj, different from Jane's: a form letter is almost as bad as no
thank-you at all.

## Unfinished business
Anything you want to add or correct after the interview goes to everyone.
`, startOfHour(now).Format("2006-01-02T15:04"), now.AddDate(0, 0, 10).Format("2006-01-02"))
}

// startOfHour rounds t down to the hour in its own zone (Truncate would
// count from UTC, wrong in zones such as India's +05:30).
func startOfHour(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), 0, 0, 0, t.Location())
}

// indent indents every line of text by a tab.
func indent(text string) string {
	return "\t" + strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n\t") + "\n"
}
