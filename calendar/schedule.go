package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"followup/vault"
)

// Kind is what an event is for; it names the event in its UID.
type Kind string

// The events of SPEC "The calendar".
const (
	Interview   Kind = "interview"
	ThankYou    Kind = "thank-you"
	Decision    Kind = "decision"
	FollowUp    Kind = "follow-up"
	StatusCheck Kind = "status-check"
)

// category returns the event's CATEGORIES value: a status check is a
// follow-up too.
func (k Kind) category() string {
	if k == StatusCheck {
		return string(FollowUp)
	}
	return string(k)
}

// A Date is a day on the calendar, independent of any zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day t falls on in its own zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// AddDays returns the date n days after d.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, on or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// An Event is one entry of the calendar, before encoding.
type Event struct {
	Kind   Kind
	N      int    // the follow-up's number, from 1; 0 for other kinds
	Of     int    // how many follow-ups there are at most
	Note   string // the note's vault path
	UID    string
	AllDay bool
	Start  time.Time // timed events
	End    time.Time
	Day    Date // all-day events: the one day they cover
	Alarm  time.Duration
	// Summary and Description follow calendar.details.
	Summary     string
	Description string
}

// sortKey orders events by start, all-day events at midnight UTC.
func (e Event) sortKey() time.Time {
	if e.AllDay {
		return e.Day.In(time.UTC)
	}
	return e.Start
}

// Rules are the timing rules the schedule follows.
type Rules = vault.Rules

// businessDays returns the day n business days after d: each step moves to
// the next day that is one of the workdays and not a holiday. With n = 0 it
// returns d itself, or the next business day when d is none.
func businessDays(d Date, n int, r Rules) Date {
	holidays := make([]Date, len(r.Holidays))
	for i, h := range r.Holidays {
		holidays[i] = DateOf(h.Time)
	}
	business := func(d Date) bool {
		return slices.Contains(r.Workdays, d.Weekday()) && !slices.Contains(holidays, d)
	}
	if len(r.Workdays) == 0 {
		return d.AddDays(n) // unreachable with a loaded configuration
	}
	if n == 0 {
		for !business(d) {
			d = d.AddDays(1)
		}
		return d
	}
	for ; n > 0; n-- {
		d = d.AddDays(1)
		for !business(d) {
			d = d.AddDays(1)
		}
	}
	return d
}

// Schedule returns the events of one note: the interview, the thank-you
// deadline until the notes are sent, the decision date and the next
// follow-up while the outcome is pending, as the note's Plan says.
// Summaries and descriptions reveal what details allows: none, names or
// full.
func Schedule(n *vault.Note, cfg *vault.Config) []Event {
	p := PlanOf(n, cfg.Rules)
	names := interviewerNames(n)
	var evs []Event
	add := func(e Event) {
		e.Note = n.Path
		e.UID = n.ID + "/" + string(e.Kind)
		if e.Kind == FollowUp {
			e.UID += fmt.Sprintf("-%d", e.N)
		}
		e.UID += "@followup"
		e.Summary, e.Description = describe(e, n, cfg.Calendar.Details, names)
		// The vault refuses control characters in what describe uses;
		// this keeps a stray one from breaking the whole feed.
		e.Summary, e.Description = clean(e.Summary), clean(e.Description)
		evs = append(evs, e)
	}

	iv := Event{Kind: Interview}
	if n.Date.HasTime {
		iv.Start, iv.End = n.Date.Time, n.End()
	} else {
		iv.AllDay, iv.Day = true, DateOf(n.Date.Time)
	}
	add(iv)

	if p.Unsent {
		ty := Event{Kind: ThankYou, Alarm: cfg.Calendar.Alarm}
		if n.Date.HasTime {
			ty.End = p.ThankYou
			ty.Start = ty.End.Add(-30 * time.Minute)
		} else {
			ty.AllDay, ty.Day = true, DateOf(n.Date.Time).AddDays(1)
		}
		add(ty)
	}

	if !p.Decision.IsZero() {
		add(Event{Kind: Decision, AllDay: true, Day: p.Decision})
	}

	if s := p.Next; s != nil {
		add(Event{Kind: s.Kind, N: s.N, Of: s.Of, AllDay: true, Day: s.Day})
	}
	return evs
}

func interviewerNames(n *vault.Note) []string {
	var names []string
	for _, iv := range n.Interviewers {
		names = append(names, iv.Name)
	}
	return names
}

// describe returns an event's SUMMARY and DESCRIPTION. "none" reveals the
// company only; "names" adds the people and the role; "full" adds topics,
// e-mail addresses and the note's path. The note's own text never appears.
func describe(e Event, n *vault.Note, details string, names []string) (summary, description string) {
	company := n.Company
	switch e.Kind {
	case Interview:
		summary = "Interview: " + company
		if details != vault.DetailsNone && n.Role != "" {
			summary += " — " + n.Role
		}
	case ThankYou:
		summary = "Send thank-you notes: " + company
		if details != vault.DetailsNone {
			summary += " (" + strings.Join(names, ", ") + ")"
		}
	case Decision:
		summary = "Decision expected: " + company
	case FollowUp:
		summary = fmt.Sprintf("Follow up: %s (%d of %d)", company, e.N, e.Of)
	case StatusCheck:
		summary = "Ask about the status: " + company
	}
	if details == vault.DetailsNone {
		return summary, ""
	}
	var lines []string
	if n.Role != "" {
		lines = append(lines, "Role: "+n.Role)
	}
	for _, iv := range n.Interviewers {
		line := "With: " + iv.Name
		if iv.Title != "" {
			line += ", " + iv.Title
		}
		if details == vault.DetailsFull && iv.Email != "" {
			line += " <" + iv.Email + ">"
		}
		lines = append(lines, line)
	}
	if (e.Kind == FollowUp || e.Kind == StatusCheck) && n.Contact != nil {
		line := "Contact: " + n.Contact.Name
		if details == vault.DetailsFull && n.Contact.Email != "" {
			line += " <" + n.Contact.Email + ">"
		}
		lines = append(lines, line)
	}
	if details == vault.DetailsFull {
		if len(n.Topics) > 0 {
			lines = append(lines, "Topics: "+strings.Join(n.Topics, "; "))
		}
		lines = append(lines, "Note: "+n.Path)
	}
	return summary, strings.Join(lines, "\n")
}

// clean drops control characters other than line breaks.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
