package vault

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Status says how far the thank-you notes of an interview are.
type Status string

// The statuses of SPEC "Front matter".
const (
	Draft Status = "draft"
	Ready Status = "ready"
	Sent  Status = "sent"
)

// Channel says how a thank-you reaches an interviewer.
type Channel string

// The channels of SPEC "Front matter".
const (
	Email  Channel = "email"
	Letter Channel = "letter"
	Call   Channel = "call"
)

// Outcome is where the application stands; anything but Pending ends the
// follow-ups.
type Outcome string

// The outcomes of SPEC "Front matter".
const (
	Pending   Outcome = "pending"
	NextRound Outcome = "next-round"
	Offer     Outcome = "offer"
	Rejected  Outcome = "rejected"
	Withdrawn Outcome = "withdrawn"
)

// DefaultDuration is how long an interview lasts when its note does not say.
const DefaultDuration = time.Hour

// maxDuration is the longest interview: a week, longer than any assessment
// centre. It keeps the interview's end, and the deadline after it, within
// the year after latestYear.
const maxDuration = 7 * 24 * time.Hour

// A Note is one interview note of the vault, decoded and checked.
type Note struct {
	Path         string // relative to the vault, with forward slashes
	ID           string // stable identity for calendar UIDs
	Company      string
	Role         string
	Date         Moment // the interview's start
	Zone         *time.Location
	Duration     time.Duration
	Decision     Moment // zero when not given
	Status       Status
	Sent         Moment // zero when not given
	Channel      Channel
	Interviewers []*Interviewer
	Topics       []string
	FollowUps    []Moment
	HeardBack    Moment
	Outcome      Outcome
	Contact      *Interviewer // who follow-ups go to
	Unfinished   *Section     // the "Unfinished business" section, or nil
	Fit          string       // why the candidate fits this role (Markdown), or
	Body         []byte       // the Markdown after the front matter
	BodyLine     int          // the file line on which Body starts
	Keys         map[string]Pos
}

// End returns when the interview ends. A date without a time ends at the
// end of that day.
func (n *Note) End() time.Time {
	if !n.Date.HasTime {
		y, m, d := n.Date.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, n.Zone)
	}
	return n.Date.Time.Add(n.Duration)
}

// FollowUpsOver reports whether follow-ups have ended for n: once the
// outcome is decided, or once they answered on or after the decision date
// (or at all, when the note gives none). An answer before the decision
// date is a reply to the thank-you: the decision is still to come, and so
// are the follow-ups if it does not.
func (n *Note) FollowUpsOver() bool {
	if n.Outcome != Pending {
		return true
	}
	if n.HeardBack.IsZero() {
		return false
	}
	return n.Decision.IsZero() || !before(n.HeardBack, n.Decision)
}

// NoteKeys are the front matter keys of SPEC "Front matter".
var NoteKeys = []string{
	"company", "role", "date", "timezone", "duration", "decision_date", "status", "sent",
	"channel", "interviewers", "topics", "followups", "heard_back", "outcome", "contact", "id", "fit",
}

// decodeNote reads an interview note from its front matter root, reporting
// problems into d.
func decodeNote(d *diags, path string, h *header, defaultZone *time.Location, people *people) *Note {
	n := &Note{
		Path: path, ID: strings.TrimSuffix(path, ".md"), Zone: defaultZone,
		Duration: DefaultDuration, Status: Draft, Channel: Email, Outcome: Pending,
		Body: h.body, BodyLine: h.bodyLine, Keys: map[string]Pos{},
	}
	vals := map[string]*yaml.Node{}
	for _, f := range d.fields(h.root) {
		if !slices.Contains(NoteKeys, f.key.Value) {
			d.unknownKey(f.key, NoteKeys)
			continue
		}
		vals[f.key.Value] = f.val
		n.Keys[f.key.Value] = nodePos(f.key)
	}
	// The zone comes first: dates written without an offset are read in it.
	if v := vals["timezone"]; !isNull(v) {
		if loc, ok := d.zone("timezone", v); ok {
			n.Zone = loc
		}
	}
	n.Company = n.required(d, "company", vals, h)
	if s, ok := d.text("role", vals["role"]); ok {
		n.Role = s
	}
	if isEmpty(vals["date"]) {
		n.missing(d, "date", h, "the interview's start, such as 2026-11-18T14:00")
	} else if m, ok := d.moment("date", vals["date"], n.Zone); ok {
		n.Date = m
	}
	if v := vals["duration"]; !isNull(v) {
		if dur, ok := d.duration("duration", v); ok {
			switch {
			case dur == 0:
				d.errorf(nodePos(deref(v)), CodeDuration, "duration must be longer than zero")
			case dur > maxDuration:
				d.errorf(nodePos(deref(v)), CodeDuration, "duration %s is longer than a week: write how long the interview itself lasted, such as 1h30m", strings.TrimSpace(deref(v).Value))
			default:
				n.Duration = dur
			}
		}
	}
	if m, ok := d.moment("decision_date", vals["decision_date"], n.Zone); ok {
		n.Decision = m
		if !n.Date.IsZero() && before(m, n.Date) {
			layout := "2006-01-02"
			if m.HasTime && n.Date.HasTime {
				layout = "2006-01-02 15:04"
			}
			d.errorf(nodePos(deref(vals["decision_date"])), CodeDecision,
				"decision_date %s is before the interview on %s", m.Time.Format(layout), n.Date.Time.Format(layout))
		}
	}
	if s, ok := d.enum("status", vals["status"], string(Draft), string(Ready), string(Sent)); ok {
		n.Status = Status(s)
	}
	if m, ok := d.moment("sent", vals["sent"], n.Zone); ok {
		n.Sent, n.Status = m, Sent
	}
	if s, ok := d.enum("channel", vals["channel"], string(Email), string(Letter), string(Call)); ok {
		n.Channel = Channel(s)
	}
	n.Topics = d.texts("topics", vals["topics"])
	n.FollowUps = d.moments("followups", vals["followups"], n.Zone)
	if m, ok := d.moment("heard_back", vals["heard_back"], n.Zone); ok {
		n.HeardBack = m
	}
	if s, ok := d.enum("outcome", vals["outcome"], string(Pending), string(NextRound), string(Offer), string(Rejected), string(Withdrawn)); ok {
		n.Outcome = Outcome(s)
	}
	if s, ok := d.text("id", vals["id"]); ok {
		n.ID = s
	}
	if s, ok := d.textLines("fit", vals["fit"]); ok {
		n.Fit = s
	}
	n.Interviewers = decodeInterviewers(d, vals["interviewers"], n.Keys["interviewers"], n.Channel, people)
	n.Contact = n.contact(d, vals["contact"], people)
	n.checkFollowUps(d, vals["followups"])
	n.Unfinished = readSections(d, n)
	return n
}

// required reads a text key that must be present.
func (n *Note) required(d *diags, key string, vals map[string]*yaml.Node, h *header) string {
	if isEmpty(vals[key]) {
		n.missing(d, key, h, "")
		return ""
	}
	s, _ := d.text(key, vals[key])
	return s
}

// missing reports a required key that is absent or empty, at the key when
// it is written and at the opening delimiter otherwise.
func (n *Note) missing(d *diags, key string, h *header, hint string) {
	pos, written := n.Keys[key]
	if !written {
		pos = h.open
	}
	msg := "missing required key " + key
	if written {
		msg = key + " is empty"
	}
	if hint != "" {
		msg += ": " + hint
	}
	d.errorf(pos, CodeMissing, "%s", msg)
}

// contact finds who follow-ups go to: an interviewer named by contact, a
// person written in any interviewer form, or the first interviewer.
func (n *Note) contact(d *diags, v *yaml.Node, people *people) *Interviewer {
	if isNull(v) {
		if len(n.Interviewers) > 0 {
			return n.Interviewers[0]
		}
		return nil
	}
	if s, ok := deref(v).Value, deref(v).Kind == yaml.ScalarNode; ok {
		for _, iv := range n.Interviewers {
			if iv.answersTo(s) {
				return iv
			}
		}
	}
	return decodeInterviewer(d, v, n.Channel, people)
}

// before reports whether a falls on an earlier day than b, or earlier in
// time when both have a time.
func before(a, b Moment) bool {
	if a.HasTime && b.HasTime {
		return a.Time.Before(b.Time)
	}
	ay, am, ad := a.Date()
	by, bm, bd := b.Time.In(a.Time.Location()).Date()
	return time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC).Before(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC))
}
