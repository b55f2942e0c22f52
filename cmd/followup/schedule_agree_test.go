package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"followup/calendar"
	"followup/vault"
)

// TestScheduleAgrees: status, check's overdue warnings and the calendar's
// events say the same of every note, on the example vault and on a
// generated one, before, around and well after the example's interviews.
// Each reads calendar.PlanOf today; this test is what keeps a second copy
// of a deadline from creeping back in.
func TestScheduleAgrees(t *testing.T) {
	generated := t.TempDir()
	genVault(t, generated, 200)
	vaults := []struct{ name, dir string }{{"example", "../../example-vault"}, {"genvault", generated}}
	times := []string{"2026-11-19T12:00:00-05:00", "2026-11-21T09:00:00-05:00", "2026-12-20T09:00:00-05:00"}
	for _, vt := range vaults {
		notes, cfg := openNotes(t, vt.dir)
		events := map[string][]calendar.Event{} // by note
		for _, n := range notes {
			events[n.Path] = calendar.Schedule(n, cfg)
		}
		for _, now := range times {
			t.Run(vt.name+"/"+now, func(t *testing.T) {
				agree(t, vt.dir, now, notes, events)
			})
		}
	}
}

func agree(t *testing.T, dir, now string, notes []*vault.Note, events map[string][]calendar.Event) {
	// Days enough to reach every follow-up of the vault.
	const days = 800
	var out, stderr bytes.Buffer
	if err := run(t.Context(), []string{"--vault", dir, "--now", now, "status", "--json", fmt.Sprint("--days=", days)}, nil, &out, &stderr); err != nil {
		t.Fatalf("status: %v\n%s", err, stderr.String())
	}
	var rep statusReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"--vault", dir, "--now", now, "check", "--json"}, nil, &out, io.Discard); err != nil && !errors.Is(err, errProblems) {
		t.Fatalf("check: %v", err)
	}
	var diags []vault.Diagnostic
	if err := json.Unmarshal(out.Bytes(), &diags); err != nil {
		t.Fatal(err)
	}
	zones := map[string]*time.Location{}
	for _, n := range notes {
		zones[n.Path] = n.Zone
	}
	find := func(note string, kinds ...calendar.Kind) *calendar.Event {
		for i, e := range events[note] {
			if slices.Contains(kinds, e.Kind) {
				return &events[note][i]
			}
		}
		return nil
	}
	today := rep.Now[:len("2006-01-02")]

	// Every thank-you status lists ends when the calendar's event does.
	overdue := map[string]bool{}
	thankYous := 0
	for section, list := range map[string][]dueItem{"overdue": rep.Overdue, "today": rep.Today, "upcoming": rep.Upcoming} {
		for _, it := range list {
			if it.Kind != calendar.ThankYou {
				continue
			}
			thankYous++
			if section == "overdue" {
				overdue[it.Note] = true
			}
			due, err := time.Parse(time.RFC3339, it.Due)
			if err != nil {
				t.Fatal(err)
			}
			e := find(it.Note, calendar.ThankYou)
			switch {
			case e == nil:
				t.Errorf("%s: status lists a thank-you due %s, the calendar none", it.Note, it.Due)
			case !e.AllDay && !e.End.Equal(due):
				t.Errorf("%s: status says the thank-you is due %s, the calendar %s", it.Note, due, e.End)
			case e.AllDay && calendar.DateOf(due.In(zones[it.Note]).Add(-time.Minute)) != e.Day:
				t.Errorf("%s: status says the thank-you is due by the end of %s, the calendar shows it on %s", it.Note, due, e.Day)
			}
		}
	}

	// check warns about exactly the thank-yous status calls overdue.
	warned := map[string]bool{}
	for _, d := range diags {
		if d.Code == vault.CodeOverdue {
			warned[d.Path] = true
		}
	}
	for note := range warned {
		if !overdue[note] {
			t.Errorf("%s: check says the thank-you is overdue, status does not", note)
		}
	}
	for note := range overdue {
		if !warned[note] {
			t.Errorf("%s: status says the thank-you is overdue, check does not", note)
		}
	}

	// Follow-ups and status checks: the same notes, kinds and days. Status
	// lists each whatever its day, as the calendar shows the next one
	// whatever its day.
	var fromStatus, fromCalendar, decisions, decisionEvents []string
	for _, list := range [][]dueItem{rep.Overdue, rep.Today, rep.Upcoming} {
		for _, it := range list {
			switch it.Kind {
			case calendar.FollowUp, calendar.StatusCheck:
				fromStatus = append(fromStatus, it.Note+" "+string(it.Kind)+" "+it.Due)
			case calendar.Decision:
				decisions = append(decisions, it.Note+" "+it.Due)
			}
		}
	}
	for _, n := range notes {
		if e := find(n.Path, calendar.FollowUp, calendar.StatusCheck); e != nil {
			fromCalendar = append(fromCalendar, n.Path+" "+string(e.Kind)+" "+e.Day.String())
		}
		// A decision day that passed is no longer listed by status.
		if e := find(n.Path, calendar.Decision); e != nil && e.Day.String() >= today {
			decisionEvents = append(decisionEvents, n.Path+" "+e.Day.String())
		}
	}
	same := func(what string, status, cal []string) {
		slices.Sort(status)
		slices.Sort(cal)
		if !slices.Equal(status, cal) {
			t.Errorf("%s differ:\nstatus:   %q\ncalendar: %q", what, status, cal)
		}
	}
	same("follow-ups", fromStatus, fromCalendar)
	same("decisions", decisions, decisionEvents)
	t.Logf("%d thank-yous (%d overdue), %d follow-ups, %d decisions agree", thankYous, len(overdue), len(fromStatus), len(decisions))
}

// openNotes reads the notes of the vault in dir with its configuration,
// as the commands do.
func openNotes(t *testing.T, dir string) ([]*vault.Note, *vault.Config) {
	t.Helper()
	w := testWorkspace(t, dir)
	return vault.Open(w.fsys, w.cfg).Notes, w.cfg
}
