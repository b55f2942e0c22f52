package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/textproto"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"time"

	"followup/build"
	"followup/calendar"
	"followup/calendar/caldav"
	"followup/mailbox"
	"followup/outbox"
	"followup/render"
	"followup/vault"
)

const pushHelp = `usage: followup push [--dry-run]

Push builds the vault, as build does, then puts the e-mail drafts that are
due into your mailbox's Drafts folder (IMAP), where you review and send
them from any device, and the calendar's events into your CalDAV calendar,
as mailbox: and caldav: in followup.yaml say. It never sends mail.

A draft is due when its note is ready (thank-you notes), or from the day
its follow-up is due. Each draft has one copy in Drafts: a changed draft
replaces its copy, a copy you edited, sent or deleted is left alone and
never pushed again, and the drafts of a note no longer ready are removed
when their copy is unedited. Mail from the interviewers and contacts, and
replies to the drafts, are reported (status shows them too).

The password comes from password_cmd, else $FOLLOWUP_IMAP_PASSWORD (and
$FOLLOWUP_CALDAV_PASSWORD); it is never printed or stored. A failure is one
line and exit 2.

	--dry-run   say what would be pushed, and change nothing on the servers

Example:

	followup push --dry-run
`

func runPush(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("push", flag.ContinueOnError)
	dryRun := fs.Bool("dry-run", false, "say what would be pushed, change nothing")
	if err := parseFlags(fs, g, args, stdout, pushHelp); err != nil {
		return err
	}
	rep := reporter{stdout: stdout, stderr: stderr}
	w, err := openVault(g, rep)
	if err != nil {
		return err
	}
	ps, err := newPusher(ctx, w, stderr)
	if err != nil {
		return err
	}
	lock, err := w.lockOutbox()
	if err != nil {
		return err
	}
	defer lock.Unlock()
	// Built as build does, cache included: a build after push has
	// nothing to do.
	e, p, err := buildVault(ctx, w, build.CacheKey(w.fsys, w.cfg), nil, time.Now())
	if p == nil {
		return err
	}
	if err := rep.report(p.Diags); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "followup: %s; %s; %s\n", summaryOf(p.Notes, p.Diags), draftStats(p.Sync), p.Calendar)
	if err != nil {
		return err // the outbox could not be written: nothing to push from
	}
	if err := ps.push(ctx, e, w.now, *dryRun); err != nil {
		return err
	}
	if vault.HasErrors(p.Diags) {
		return errProblems // as build says: the notes with errors were not pushed
	}
	return nil
}

// A pusher pushes the outbox of a workspace to the servers its
// configuration names. The passwords are asked for once, when it is made.
type pusher struct {
	w          *workspace
	stderr     io.Writer
	imapPass   string
	caldavPass string
}

// newPusher gets the passwords of the configured servers, or says why
// push cannot run.
func newPusher(ctx context.Context, w *workspace, stderr io.Writer) (*pusher, error) {
	cfg := w.cfg
	if cfg.Mailbox == nil && cfg.CalDAV == nil {
		return nil, fmt.Errorf("push: nowhere to push to: add mailbox: (your IMAP account) or caldav: (your calendar) to %s, as docs/configuration.md shows", vault.ConfigFile)
	}
	ps := &pusher{w: w, stderr: stderr}
	var err error
	if m := cfg.Mailbox; m != nil {
		if ps.imapPass, err = password(ctx, "mailbox", m.PasswordCmd, "FOLLOWUP_IMAP_PASSWORD", w.dir, stderr); err != nil {
			return nil, err
		}
	}
	if c := cfg.CalDAV; c != nil {
		if ps.caldavPass, err = password(ctx, "caldav", c.PasswordCmd, "FOLLOWUP_CALDAV_PASSWORD", w.dir, stderr); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

// password returns the password of the section: the first line that cmd
// prints, run by the shell in the vault dir, else the environment
// variable env. It is never printed: a failing command's output is not
// repeated, as it may hold it.
func password(ctx context.Context, section, cmd, env, dir string, stderr io.Writer) (string, error) {
	if cmd == "" {
		if pw := os.Getenv(env); pw != "" {
			return pw, nil
		}
		return "", fmt.Errorf("push: no password for %s: set %s.password_cmd in %s (a command that prints it, such as pass show mail/app) or $%s", section, section, vault.ConfigFile, env)
	}
	c := exec.CommandContext(ctx, "sh", "-c", cmd)
	c.Dir = dir
	// A password manager may ask for its passphrase on the terminal.
	c.Stdin, c.Stderr = os.Stdin, stderr
	out, err := c.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = fmt.Errorf("exit status %d", exit.ExitCode())
		}
		return "", fmt.Errorf("push: %s.password_cmd failed (%v): run it yourself to see why", section, err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		what := "printed nothing"
		if len(out) > 0 {
			what = "printed an empty first line"
		}
		return "", fmt.Errorf("push: %s.password_cmd %s: its first line must be the password", section, what)
	}
	return line, nil
}

// pushStateFile holds, in the outbox, what push left on the servers.
const pushStateFile = ".followup-push.json"

// pushState is the file pushStateFile.
type pushState struct {
	Version int            `json:"version"`
	Mailbox *mailbox.State `json:"mailbox,omitempty"`
	CalDAV  *caldav.State  `json:"caldav,omitempty"`

	saved []byte // the file's bytes as last read or written; nil: no file
}

// readPushState reads the state of the last push; none is a fresh
// start. A damaged one is refused rather than taken for none: push would
// forget which drafts were sent, and push them again.
func readPushState(ob *outbox.Outbox) (*pushState, error) {
	st := &pushState{Version: 1}
	data, err := ob.Read(pushStateFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("push: cannot read %s: %w", ob.Path(pushStateFile), vault.Cause(err))
	case json.Unmarshal(data, st) != nil || st.Version != 1:
		return nil, fmt.Errorf("push: %s is damaged, or from another version of followup: move it away to start afresh (push then forgets which drafts you sent, and puts them into Drafts again)", ob.Path(pushStateFile))
	default:
		st.saved = data
	}
	if st.Mailbox == nil {
		st.Mailbox = &mailbox.State{}
	}
	if st.Mailbox.Drafts == nil {
		st.Mailbox.Drafts = map[string]mailbox.Pushed{}
	}
	if st.CalDAV == nil {
		st.CalDAV = &caldav.State{}
	}
	if st.CalDAV.Objects == nil {
		st.CalDAV.Objects = map[string]caldav.Stored{}
	}
	return st, nil
}

// empty reports whether the state remembers nothing.
func (st *pushState) empty() bool {
	return len(st.Mailbox.Drafts) == 0 && len(st.Mailbox.Replies) == 0 && len(st.CalDAV.Objects) == 0 && st.CalDAV.Calendar == ""
}

// save writes the state atomically when it changed. A push that ends
// remembering nothing leaves no file: a first push that failed changes
// nothing in the outbox.
func (st *pushState) save(ob *outbox.Outbox, existed bool) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	switch {
	case bytes.Equal(data, st.saved):
		return nil
	case !existed && st.empty():
		if st.saved != nil {
			ob.RemoveState(pushStateFile)
			st.saved = nil
		}
		return nil
	}
	if err := ob.WriteState(pushStateFile, data); err != nil {
		return err
	}
	st.saved = data
	return nil
}

// pushTimeout bounds one push: a server that stops answering must not
// hold a watcher's rebuilds up for ever.
const pushTimeout = 5 * time.Minute

// push pushes what the last build of e made, as it stands at now; before
// e's first build there is nothing to push.
func (ps *pusher) push(ctx context.Context, e *build.Engine, now time.Time, dryRun bool) error {
	if !e.Started() || e.Vault() == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	cfg, ob := ps.w.cfg, e.Outbox()
	st, err := readPushState(ob)
	if err != nil {
		return err
	}
	existed := st.saved != nil
	save := func() error {
		if dryRun {
			return nil
		}
		return st.save(ob, existed)
	}
	// The mailbox and the calendar are pushed each on its own: one
	// failing does not keep the other back, unless the push was stopped.
	var failed []string
	if m := cfg.Mailbox; m != nil {
		if err := ps.pushMail(ctx, e.Vault(), ob, st, save, now, dryRun); err != nil {
			failed = append(failed, err.Error())
		}
	}
	if c := cfg.CalDAV; c != nil && ctx.Err() == nil {
		// The calendar as built, the bytes of its file.
		feed, _ := e.Calendar()
		if err := ps.pushEvents(ctx, ob.Path(cfg.Calendar.File), feed, st, save, dryRun); err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("push: %s", strings.Join(failed, "; "))
	}
	return nil
}

// pushMail puts the due drafts into the mailbox's Drafts folder.
func (ps *pusher) pushMail(ctx context.Context, v *vault.Vault, ob *outbox.Outbox, st *pushState, save func() error, now time.Time, dryRun bool) error {
	m := ps.w.cfg.Mailbox
	drafts, people, unnamed := dueDrafts(v, ob, now, st.Mailbox.Drafts)
	for _, file := range unnamed {
		fmt.Fprintf(ps.stderr, "followup: %s has no %s header (edited by hand?): not pushed; delete it and build to make it again\n", file, render.HeaderID)
	}
	opts := mailbox.Options{Config: *m, Password: ps.imapPass, DryRun: dryRun}
	r, err := mailbox.Push(ctx, opts, drafts, people, st.Mailbox, func(*mailbox.State) error { return save() })
	// What was done before a failure is said too: it is done.
	named := map[string][2]string{} // file and recipient, by draft ID
	for id, p := range st.Mailbox.Drafts {
		named[id] = [2]string{p.File, ""}
	}
	for _, d := range drafts {
		named[d.ID] = [2]string{d.File, d.To}
	}
	for _, group := range []struct {
		verb string
		ids  []string
	}{{verbOf(dryRun, "appended", "would append"), r.Appended}, {verbOf(dryRun, "replaced", "would replace"), r.Replaced}, {verbOf(dryRun, "removed the copy of", "would remove the copy of"), r.Removed}} {
		slices.SortFunc(group.ids, func(a, b string) int { return strings.Compare(named[a][0], named[b][0]) })
		for _, id := range group.ids {
			if n := named[id]; n[1] != "" {
				fmt.Fprintf(ps.stderr, "followup: %s %s (to %s)\n", group.verb, n[0], n[1])
			} else {
				fmt.Fprintf(ps.stderr, "followup: %s %s\n", group.verb, n[0])
			}
		}
	}
	if err != nil {
		if strings.Contains(err.Error(), " refused: ") && strings.Contains(err.Error(), "login to ") {
			return fmt.Errorf("%w: check mailbox.username, and the password password_cmd or $FOLLOWUP_IMAP_PASSWORD gives", err)
		}
		return err
	}
	for _, line := range r.Kept {
		fmt.Fprintf(ps.stderr, "followup: %s\n", line)
	}
	for _, rp := range r.Replies {
		fmt.Fprintf(ps.stderr, "%s: %s replied on %s: record heard_back or the outcome\n", rp.Note, rp.From, rp.Date.In(ps.w.cfg.Zone).Format("Mon 2 Jan"))
	}
	fmt.Fprintf(ps.stderr, "followup: %s on %s: %d %s, %d %s, %d %s, %d unchanged\n", r.Mailbox, m.IMAP,
		len(r.Appended), verbOf(dryRun, "appended", "to append"), len(r.Replaced), verbOf(dryRun, "replaced", "to replace"), len(r.Removed), verbOf(dryRun, "removed", "to remove"), r.Unchanged)
	return nil
}

// pushEvents puts the events of feed, the calendar file, into the CalDAV
// calendar.
func (ps *pusher) pushEvents(ctx context.Context, file string, feed []byte, st *pushState, save func() error, dryRun bool) error {
	cfg := ps.w.cfg
	objects, err := calendar.Objects(feed)
	if err != nil {
		return fmt.Errorf("push: %s: %w", file, err)
	}
	opts := caldav.Options{Config: *cfg.CalDAV, Password: ps.caldavPass, Name: cfg.Calendar.Name, DryRun: dryRun}
	r, err := caldav.Push(ctx, opts, objects, st.CalDAV, func(*caldav.State) error { return save() })
	if errors.Is(err, caldav.ErrLogin) {
		return fmt.Errorf("%w: check caldav.username, and the password password_cmd or $FOLLOWUP_CALDAV_PASSWORD gives", err)
	}
	if err != nil {
		return err
	}
	if r.NewCalendar {
		fmt.Fprintf(ps.stderr, "followup: %s the calendar %q at %s\n", verbOf(dryRun, "made", "would make"), cfg.Calendar.Name, r.Calendar)
	}
	for _, line := range r.Kept {
		fmt.Fprintf(ps.stderr, "followup: %s\n", line)
	}
	fmt.Fprintf(ps.stderr, "followup: calendar %q on %s: %d %s, %d %s, %d %s, %d unchanged\n", cfg.Calendar.Name, hostOf(cfg.CalDAV.URL),
		len(r.Created), verbOf(dryRun, "created", "to create"), len(r.Updated), verbOf(dryRun, "updated", "to update"), len(r.Deleted), verbOf(dryRun, "deleted", "to delete"), r.Unchanged)
	return nil
}

// hostOf returns the host of the address u, for messages.
func hostOf(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		rest = strings.TrimPrefix(u, "http://")
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// dueDrafts returns the e-mail drafts of the outbox that are due at now:
// the thank-you notes of ready notes, and a follow-up or status check from
// its day on; and the people whose mail is a reply. A note with errors
// keeps the drafts pushed already as they are: a typo must not take them
// out of the mailbox.
//
// Drafts whose file lost its X-Followup-Draft header are not pushed:
// unnamed lists them.
func dueDrafts(v *vault.Vault, ob *outbox.Outbox, now time.Time, pushed map[string]mailbox.Pushed) (drafts []mailbox.Draft, people []mailbox.Person, unnamed []string) {
	add := func(n *vault.Note, note, file, to string) {
		data, err := ob.Read(file)
		if err != nil {
			return // gone since the build, or a link: nothing to push
		}
		id := draftID(data)
		if id == "" {
			// Edited by hand without its identity: push could never find
			// its copy again, and would add one on every run.
			unnamed = append(unnamed, ob.Path(file))
			return
		}
		if n == nil {
			if _, ok := pushed[id]; !ok {
				return
			}
		}
		drafts = append(drafts, mailbox.Draft{ID: id, Note: note, File: ob.Path(file), To: to, Data: data})
	}
	for _, n := range v.Notes {
		plan := calendar.PlanOf(n, v.Config.Rules)
		today := calendar.DateOf(now.In(n.Zone))
		for _, file := range ob.FilesOf(n.Path) {
			name, ok := strings.CutSuffix(path.Base(file), ".eml")
			if !ok {
				continue
			}
			switch next := plan.Next; {
			case name == "status-check" || strings.HasPrefix(name, "follow-up-"):
				if next != nil && next.Drafted && name == next.Name() && !today.Before(next.Day) && n.Contact != nil {
					add(n, n.Path, file, n.Contact.Name)
				}
			case n.Status == vault.Ready:
				add(n, n.Path, file, recipient(n, name))
			}
		}
		if n.Status == vault.Ready || n.Status == vault.Sent {
			for _, iv := range n.Interviewers {
				if iv.Email != "" {
					people = append(people, mailbox.Person{Note: n.Path, Name: iv.Name, Email: iv.Email, Since: n.Date.Time})
				}
			}
			if c := n.Contact; c != nil && c.Email != "" {
				people = append(people, mailbox.Person{Note: n.Path, Name: c.Name, Email: c.Email, Since: n.Date.Time})
			}
		}
	}
	for _, q := range slices.Sorted(maps.Keys(v.Keep())) {
		for _, file := range ob.FilesOf(q) {
			if strings.HasSuffix(file, ".eml") {
				add(nil, q, file, strings.TrimSuffix(path.Base(file), ".eml"))
			}
		}
	}
	return drafts, people, unnamed
}

// recipient returns the name of the interviewer whose thank-you draft is
// name, or name itself.
func recipient(n *vault.Note, name string) string {
	for _, iv := range n.Interviewers {
		if render.Slug(iv.Name) == name {
			return iv.Name
		}
	}
	return name
}

// draftID returns the X-Followup-Draft header of the e-mail data, "" when
// it has none.
func draftID(data []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	id := strings.TrimSpace(h.Get(render.HeaderID))
	if len(id) > 128 || strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "" // an edited file: not an identity push made
	}
	return id
}

// verbOf returns done, or doing in a dry run.
func verbOf(dryRun bool, done, doing string) string {
	if dryRun {
		return doing
	}
	return done
}
