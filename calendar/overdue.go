package calendar

import (
	"fmt"
	"time"

	"followup/vault"
)

// A Due is what the overdue check needs of a note, small enough to keep
// between builds. The build's cache stores it: its fields keep their
// names, so that a cache written before still reads.
type Due struct {
	Path, Company string
	Deadline      time.Time // of the thank-you notes, as the note's Plan says
	Zone          string    // the note's time zone, by name
	DateOnly      bool      // the interview has a date without a time
	Pos           vault.Pos // where to report: the status, else the date
	Waiting       bool      // the Plan's Waiting: worth a reminder
}

// DuesOf returns the Due of each of notes, in their order.
func DuesOf(notes []*vault.Note, cfg *vault.Config) []Due {
	dues := make([]Due, 0, len(notes))
	for _, n := range notes {
		pos, ok := n.Keys["status"]
		if !ok {
			pos = n.Keys["date"]
		}
		p := PlanOf(n, cfg.Rules)
		dues = append(dues, Due{Path: n.Path, Company: n.Company, Deadline: p.ThankYou,
			Zone: n.Zone.String(), DateOnly: !n.Date.HasTime, Pos: pos, Waiting: p.Waiting})
	}
	return dues
}

// Overdue returns an overdue warning for each of dues still waiting
// whose thank-you deadline is past at now.
func Overdue(dues []Due, now time.Time, cfg *vault.Config) []vault.Diagnostic {
	var ds []vault.Diagnostic
	if cfg.Disabled(vault.CodeOverdue) {
		return nil
	}
	zones := map[string]*time.Location{}
	for _, d := range dues {
		if !d.Waiting || !d.Deadline.Before(now) {
			continue
		}
		zone, ok := zones[d.Zone]
		if !ok {
			var err error
			if zone, err = time.LoadLocation(d.Zone); err != nil {
				zone = cfg.Zone
			}
			zones[d.Zone] = zone
		}
		late := now.Sub(d.Deadline)
		due := vault.DueText(d.Deadline, zone, cfg.Zone, d.DateOnly)
		ds = append(ds, vault.Diagnostic{Path: d.Path, Line: max(d.Pos.Line, 1), Col: max(d.Pos.Col, 1), Severity: vault.Warning, Code: vault.CodeOverdue,
			Message: fmt.Sprintf("the thank-you notes to %s were due %s, %s ago: send them now, then set status: sent",
				d.Company, due, formatHours(late))})
	}
	return ds
}

func formatHours(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h >= 48:
		return fmt.Sprintf("%d days", h/24)
	case h >= 2:
		return fmt.Sprintf("%d hours", h)
	case h == 1:
		return "an hour"
	}
	return "less than an hour"
}
