package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"followup/build"
	"followup/calendar"
	"followup/mailbox"
	"followup/render"
	"followup/vault"
)

const statusHelp = `usage: followup status [--days N] [--json]

Status lists what is due: thank-you notes to send (with the hours left),
follow-ups, and decisions expected, under the headings OVERDUE, TODAY and
NEXT N DAYS, each with the company, the people and the draft to send. It
exits 0 whatever is due.

	--days N   how far ahead to look (default 14)
	--json     print {now, days, overdue, today, upcoming} for scripts; each
	           item is {kind, company, role, people, due, all_day,
	           hours_left, note, draft, replied}

Example:

	followup status --days 7
`

// A dueItem is one thing to do.
type dueItem struct {
	Kind      calendar.Kind `json:"kind"` // ThankYou, FollowUp, StatusCheck or Decision
	Company   string        `json:"company"`
	Role      string        `json:"role,omitempty"`
	People    []string      `json:"people"`
	Due       string        `json:"due"` // RFC 3339, or a date for all-day items
	AllDay    bool          `json:"all_day"`
	HoursLeft *float64      `json:"hours_left,omitempty"` // thank-you deadlines: negative when past
	Note      string        `json:"note"`
	Draft     string        `json:"draft,omitempty"` // the file to send, relative to the vault
	// Replied is when the last reply that push found for the note came,
	// RFC 3339: time to record heard_back or the outcome.
	Replied string `json:"replied,omitempty"`
	when    time.Time
	text    string // when, as people read it: the thank-you deadline as check says it
	replier string // who replied last, as push found
	replied time.Time
}

// statusReport is the JSON of status, a stable shape for scripts.
type statusReport struct {
	Now      string    `json:"now"`
	Days     int       `json:"days"`
	Overdue  []dueItem `json:"overdue"`
	Today    []dueItem `json:"today"`
	Upcoming []dueItem `json:"upcoming"`
}

func runStatus(g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	days := fs.Int("days", 14, "how many days ahead")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, g, args, stdout, statusHelp); err != nil {
		return err
	}
	if *days < 0 {
		return usagef("status: --days must not be negative")
	}
	w, err := openVault(g, reporter{json: *asJSON, stdout: stdout, stderr: stderr})
	if err != nil {
		return err
	}
	v := vault.Open(w.fsys, w.cfg)
	rep := dueReport(v, w.now, *days)
	markReplies(&rep, readReplies(w), v.Notes, w.cfg.Zone)
	if *asJSON {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	if len(v.Notes)+len(v.Failed) == 0 {
		// A new vault: nothing can be due, and the next step is a note.
		fmt.Fprintf(stdout, "No interview notes yet. After an interview, start its note with\n\tfollowup new \"Company\" --role \"Role\" --with \"Name <address>\" --edit\n(%s is an example to copy).\n", path.Join(w.cfg.Templates, initExample))
		return nil
	}
	printStatus(stdout, rep, useColour(stdout))
	if len(v.Failed) > 0 {
		fmt.Fprintf(stderr, "followup: %s not read: run followup check\n", plural(len(v.Failed), "note"))
	}
	return nil
}

// dueReport sorts what every note asks for into overdue, today and the
// next days, in the vault's time zone.
func dueReport(v *vault.Vault, now time.Time, days int) statusReport {
	zone := v.Config.Zone
	now = now.In(zone)
	today := calendar.DateOf(now)
	horizon := today.AddDays(days)
	rep := statusReport{Now: now.Format(time.RFC3339), Days: days, Overdue: []dueItem{}, Today: []dueItem{}, Upcoming: []dueItem{}}
	folders := build.Folders(v, nil)
	add := func(it dueItem, day calendar.Date, overdue bool) {
		switch {
		case overdue:
			rep.Overdue = append(rep.Overdue, it)
		case day == today:
			rep.Today = append(rep.Today, it)
		case today.Before(day) && !horizon.Before(day):
			rep.Upcoming = append(rep.Upcoming, it)
		}
	}
	for _, n := range v.Notes {
		p := calendar.PlanOf(n, v.Config.Rules)
		outbox := path.Join(v.Config.Outbox, folders[n.Path])
		base := dueItem{Company: n.Company, Role: n.Role, Note: n.Path}
		// The thank-you is due while the check's overdue warning would
		// fire for it: the plan says both.
		if p.Waiting {
			it := base
			it.Kind, it.when = calendar.ThankYou, p.ThankYou
			it.Due = p.ThankYou.In(zone).Format(time.RFC3339)
			it.text = vault.DueText(p.ThankYou, n.Zone, zone, !n.Date.HasTime)
			hours := float64(p.ThankYou.Sub(now).Round(time.Minute)) / float64(time.Hour)
			it.HoursLeft = &hours
			for _, iv := range n.Interviewers {
				it.People = append(it.People, iv.Name)
			}
			if n.Status == vault.Ready {
				it.Draft = outbox + "/"
			}
			add(it, calendar.DateOf(p.ThankYou.In(zone)), p.ThankYou.Before(now))
		}
		if s := p.Next; s != nil {
			it := base
			it.Kind, it.AllDay, it.Due, it.when = s.Kind, true, s.Day.String(), s.Day.In(zone)
			if n.Contact != nil {
				it.People = []string{n.Contact.Name}
			}
			if s.Drafted {
				// The file to send: the e-mail, or the letter or talking
				// points to print, as render writes them for the channel.
				it.Draft = outbox + "/" + s.Name() + render.Extensions(n.Contact.Channel)[0]
			}
			add(it, s.Day, s.Day.Before(today))
		}
		if !p.Decision.IsZero() {
			it := base
			it.Kind, it.AllDay, it.Due, it.when = calendar.Decision, true, p.Decision.String(), p.Decision.In(zone)
			if n.Contact != nil {
				it.People = []string{n.Contact.Name}
			}
			add(it, p.Decision, false) // a decision date that passed is a follow-up's business
		}
	}
	for _, list := range [][]dueItem{rep.Overdue, rep.Today, rep.Upcoming} {
		slices.SortStableFunc(list, func(a, b dueItem) int {
			if c := a.when.Compare(b.when); c != 0 {
				return c
			}
			return strings.Compare(a.Note, b.Note)
		})
	}
	return rep
}

// readReplies returns the replies the last push found, from its state in
// the outbox; none when push never ran.
func readReplies(w *workspace) []mailbox.Reply {
	data, err := w.root.ReadFile(path.Join(w.cfg.Outbox, pushStateFile))
	if err != nil {
		return nil
	}
	var st pushState
	if json.Unmarshal(data, &st) != nil || st.Mailbox == nil {
		return nil
	}
	return st.Mailbox.Replies
}

// markReplies marks the items of each note with the last reply push
// found for it, unless the note records an answer on that day or later
// (heard_back): then it is recorded already.
func markReplies(rep *statusReport, replies []mailbox.Reply, notes []*vault.Note, zone *time.Location) {
	heard := map[string]time.Time{}
	for _, n := range notes {
		if !n.HeardBack.IsZero() {
			heard[n.Path] = n.HeardBack.Time
		}
	}
	last := map[string]mailbox.Reply{}
	for _, r := range replies {
		if h, ok := heard[r.Note]; ok && !calendar.DateOf(h.In(zone)).Before(calendar.DateOf(r.Date.In(zone))) {
			continue
		}
		if r.Date.After(last[r.Note].Date) {
			last[r.Note] = r
		}
	}
	for _, list := range [][]dueItem{rep.Overdue, rep.Today, rep.Upcoming} {
		for i := range list {
			if r, ok := last[list[i].Note]; ok {
				list[i].replier, list[i].replied = r.From, r.Date.In(zone)
				list[i].Replied = r.Date.In(zone).Format(time.RFC3339)
			}
		}
	}
}

// useColour reports whether status may colour its output: only on a
// terminal, and never with NO_COLOR set.
func useColour(w io.Writer) bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func printStatus(w io.Writer, rep statusReport, colour bool) {
	paint := func(code, s string) string {
		if !colour {
			return s
		}
		return "\x1b[" + code + "m" + s + "\x1b[0m"
	}
	sections := []struct {
		title, colour string
		items         []dueItem
	}{
		{"OVERDUE", "1;31", rep.Overdue},
		{"TODAY", "1;33", rep.Today},
		{fmt.Sprintf("NEXT %d DAYS", rep.Days), "1", rep.Upcoming},
	}
	for _, s := range sections {
		if len(s.items) == 0 {
			continue
		}
		fmt.Fprintln(w, paint(s.colour, s.title))
		for _, it := range s.items {
			fmt.Fprintf(w, "  %s\n", describeItem(it))
			if it.replier != "" {
				fmt.Fprintf(w, "    %s replied %s: record heard_back or the outcome\n", it.replier, it.replied.Format("Mon 2 Jan"))
			}
			if it.Draft != "" {
				fmt.Fprintf(w, "    %s\n", it.Draft)
			}
		}
		fmt.Fprintln(w)
	}
	if len(rep.Overdue)+len(rep.Today)+len(rep.Upcoming) == 0 {
		fmt.Fprintf(w, "Nothing due in the next %d days.\n", rep.Days)
		return
	}
	fmt.Fprintf(w, "%d overdue, %d today, %d in the next %d days.\n", len(rep.Overdue), len(rep.Today), len(rep.Upcoming), rep.Days)
}

func describeItem(it dueItem) string {
	people := strings.Join(it.People, ", ")
	due := it.Due
	if it.text != "" {
		due = it.text
	} else if t, err := time.Parse("2006-01-02", it.Due); err == nil {
		due = t.Format("Mon 2 Jan")
	}
	switch it.Kind {
	case calendar.ThankYou:
		h, word := *it.HoursLeft, "left"
		if h < 0 {
			h, word = -h, "late"
		}
		left := fmt.Sprintf(", %.0fh %s", h, word)
		if h < 1 {
			left = fmt.Sprintf(", %.0fm %s", h*60, word) // not "0h left" half an hour before
		}
		return fmt.Sprintf("Send thank-you notes: %s (%s), due %s%s", it.Company, people, due, left)
	case calendar.FollowUp:
		return fmt.Sprintf("Follow up: %s (%s), %s", it.Company, people, due)
	case calendar.StatusCheck:
		return fmt.Sprintf("Ask about the status: %s (%s), %s", it.Company, people, due)
	default:
		return fmt.Sprintf("Decision expected: %s, %s", it.Company, due)
	}
}
