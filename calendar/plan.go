package calendar

import (
	"fmt"
	"time"

	"followup/vault"
)

// A Plan is what one note asks for, and when. The calendar's events,
// status, the overdue check and the follow-up drafts all read it, so that
// they cannot disagree: a rule about deadlines or follow-ups is changed
// here, and only here.
type Plan struct {
	// ThankYou is when the thank-you notes are due: the interview's end
	// plus thank_you_within, in absolute time. For an interview without a
	// time it is the end of the next day.
	ThankYou time.Time
	// Unsent says that the thank-you notes are not sent: their deadline
	// is on the calendar.
	Unsent bool
	// Waiting says that they are unsent and still awaited: once the
	// employer answered or the process is over, a late thank-you is no
	// longer worth a reminder (status, the overdue check).
	Waiting bool
	// Decision is the day the decision is expected while the outcome is
	// pending, else the zero Date.
	Decision Date
	// Next is the next follow-up or the status check, or nil when none is
	// due.
	Next *Step
}

// A Step is one follow-up, or the status check that comes after the
// last of them.
type Step struct {
	Kind Kind // FollowUp or StatusCheck
	N    int  // the follow-up's number, from 1; 0 for the status check
	Of   int  // how many follow-ups there are at most
	Day  Date // in the note's zone
	// Drafted says that the step has a draft to send: the note is ready
	// or sent, and names a contact to write to.
	Drafted bool
}

// Name returns the base name of the step's draft, which is follow-up-N
// or status-check.
func (s Step) Name() string {
	if s.Kind == StatusCheck {
		return string(StatusCheck)
	}
	return fmt.Sprintf("%s-%d", FollowUp, s.N)
}

// IsZero reports whether d is the zero Date, which is no day.
func (d Date) IsZero() bool { return d == Date{} }

// PlanOf returns the plan of note n under the rules r.
func PlanOf(n *vault.Note, r Rules) Plan {
	p := Plan{
		ThankYou: n.End().Add(r.ThankYouWithin),
		Unsent:   n.Status != vault.Sent,
		Waiting:  n.Status != vault.Sent && n.Outcome == vault.Pending && n.HeardBack.IsZero(),
	}
	if n.Outcome == vault.Pending && !n.Decision.IsZero() {
		p.Decision = DateOf(n.Decision.Time.In(n.Zone))
	}
	if num, day, ok := nextFollowUp(n, r); ok {
		s := &Step{Kind: FollowUp, N: num, Of: r.MaxFollowUps, Day: day,
			Drafted: n.Contact != nil && (n.Status == vault.Ready || n.Status == vault.Sent)}
		if num == 0 {
			s.Kind = StatusCheck
		}
		p.Next = s
	}
	return p
}

// nextFollowUp returns the next follow-up of n: its number (from 1) and
// day, or number 0 for the status check, and false when none is due:
// once follow-ups are over (vault.Note.FollowUpsOver), or after the status
// check. It is never before the first follow-up day, which comes
// follow_up_after_decision business days after the decision date, or
// follow_up_without_decision after the interview.
func nextFollowUp(n *vault.Note, r Rules) (num int, day Date, ok bool) {
	if n.FollowUpsOver() {
		return 0, Date{}, false
	}
	first := businessDays(DateOf(n.Date.Time), r.FollowUpWithoutDecision, r)
	if !n.Decision.IsZero() {
		first = businessDays(DateOf(n.Decision.Time.In(n.Zone)), r.FollowUpAfterDecision, r)
	}
	logged := len(n.FollowUps)
	if logged > r.MaxFollowUps {
		return 0, Date{}, false // the status check was sent too
	}
	day = first
	if logged > 0 {
		last := DateOf(n.FollowUps[0].Time.In(n.Zone))
		for _, f := range n.FollowUps[1:] {
			if d := DateOf(f.Time.In(n.Zone)); last.Before(d) {
				last = d
			}
		}
		if next := businessDays(last, r.FollowUpEvery, r); first.Before(next) {
			day = next
		}
	}
	if logged == r.MaxFollowUps {
		return 0, day, true
	}
	return logged + 1, day, true
}
