package render

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"followup/calendar"
	"followup/vault"
)

// A Draft is one finished note to one person.
type Draft struct {
	Kind     calendar.Kind // ThankYou, FollowUp or StatusCheck
	Note     *vault.Note
	To       *vault.Interviewer
	Channel  vault.Channel
	Name     string // the file name without extension: jane-doe, follow-up-1, status-check
	Subject  string
	Markdown string
	Template string    // the template's path, for diagnostics
	Due      time.Time // when it is to go out: a letter is dated that day
}

// The template data of SPEC "Templates".
type (
	// Data is what a template sees.
	Data struct {
		Candidate  Candidate
		Interview  Interview
		To         Person
		Personal   string // the personal part, Markdown
		Unfinished string // Unfinished business, Markdown: everyone's, then the recipient's own
		Fit        string // why the candidate fits: the recipient's fit, else the note's, else ""
		FollowUp   FollowUpData
		Channel    string    // email, letter or call
		Due        time.Time // the day the draft is to go out, in the note's zone
		// PersonalThanks says that the personal part opens with thanks,
		// so that the sentence before it does not thank as well.
		PersonalThanks bool
		others         func() []Person
		seed           uint32 // the note's, for Variant
		index          int    // the recipient's place among the interviewers
	}
	// Candidate is who writes.
	Candidate struct {
		Name, Email, Phone, Signature string
		Strengths                     []string
	}
	// Interview is the interview the note is about.
	Interview struct {
		Company, Role string
		Date          time.Time // the interview's start, in its zone
		Weekday       string    // "Thursday"
		Decision      string    // "2 December", or "" when none was given
		Topics        []string
		Path          string
	}
	// Person is an interviewer, or the contact of a follow-up. Greeting is
	// the salutation, without its comma: "Dear Jane", "Dear Dr. van der
	// Berg", "Dear Hiring Team", or the note's own greeting ("Hi Sam").
	Person struct {
		Name, FirstName, LastName, Title, Email, Phone, Greeting string
		Topics                                                   []string
	}
	// FollowUpData numbers a follow-up, N of Of, and gives the day of the
	// last one logged ("17 November"), or "".
	FollowUpData struct {
		N, Of int
		Last  string
	}
)

// Others returns the interviewers other than the recipient, for a
// template that names them (.Others). It is a method, made when a template
// asks, because a note with thousands of interviewers would otherwise make
// a list of thousands for every draft, for templates that rarely read it.
func (d Data) Others() []Person {
	if d.others == nil {
		return nil
	}
	return d.others()
}

// Variant returns a number below n for the sentence slot of a template:
// different for each interviewer of a note (as long as there are no more
// than n of them), the same on every build. A template writes n versions
// of a sentence and says the one Variant picks, so that the people one
// interviewed with never receive the same letter.
func (d Data) Variant(slot string, n int) int {
	if n <= 0 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(slot))
	sum := h.Sum32() ^ d.seed
	// The first n interviewers get n different versions. Past n, each
	// round of n is shifted by an amount of the slot's own, so that two
	// people who share one sentence do not share the next.
	round := uint32(d.index / n)
	shift := round * (1 + (sum>>8)%uint32(max(n-1, 1)))
	return int((sum%uint32(n) + uint32(d.index) + shift) % uint32(n))
}

// Drafts renders the drafts of note n: for a ready note, one thank-you per
// interviewer on their channel; when the plan's next step has a draft, the
// follow-up or status check to the contact, named as the step says. A
// template that fails is reported and its drafts left out; the other
// drafts are still made.
//
// The plan's thank-you deadline dates a thank-you letter.
func (t *Templates) Drafts(n *vault.Note, cfg *vault.Config, plan calendar.Plan) ([]Draft, []vault.Diagnostic) {
	var (
		drafts []Draft
		diags  []vault.Diagnostic
	)
	note := newNoteData(n, cfg)
	make := func(kind calendar.Kind, tmplName string, to *vault.Interviewer, channel vault.Channel, name string, fu FollowUpData, due time.Time) {
		tmpl, err := t.get(tmplName)
		if err != nil {
			diags = append(diags, vault.Diagnostic{Path: n.Path, Line: 1, Col: 1, Severity: vault.Warning, Code: vault.CodeTemplate,
				Message: fmt.Sprintf("no %s draft for %s: %v", kind, to.Name, err)})
			return
		}
		data := note.to(to, fu, channel, due)
		subject, body, d := tmpl.execute(data)
		if d != nil {
			d.Message = fmt.Sprintf("%s (rendering %s for %s)", d.Message, n.Path, to.Name)
			diags = append(diags, *d)
			return
		}
		drafts = append(drafts, Draft{Kind: kind, Note: n, To: to, Channel: channel, Name: name,
			Subject: subject, Markdown: body, Template: tmpl.Path, Due: data.Due})
	}
	if n.Status == vault.Ready {
		slugs := newSlugs()
		for _, iv := range n.Interviewers {
			tmpl := ThankYouTemplate
			switch iv.Channel {
			case vault.Letter:
				tmpl = LetterTemplate
			case vault.Call:
				tmpl = CallTemplate
			}
			make(calendar.ThankYou, tmpl, iv, iv.Channel, slugs.next(iv.Name), FollowUpData{}, plan.ThankYou)
		}
	}
	if s := plan.Next; s != nil && s.Drafted {
		// Follow-ups go the way the contact prefers, by e-mail unless
		// the note says otherwise.
		tmpl := FollowUpTemplate
		if s.Kind == calendar.StatusCheck {
			tmpl = StatusCheckTemplate
		}
		make(s.Kind, tmpl, n.Contact, n.Contact.Channel, s.Name(), FollowUpData{N: s.N, Of: s.Of}, s.Day.In(n.Zone))
	}
	return drafts, diags
}

// noteData is what the drafts of one note share, made once whatever the
// number of drafts.
type noteData struct {
	n        *vault.Note
	data     Data   // without a recipient
	last     string // the day of the last follow-up logged, or ""
	everyone []Person
	place    map[*vault.Interviewer]int // each interviewer's place, made once
}

func newNoteData(n *vault.Note, cfg *vault.Config) *noteData {
	c := cfg.Candidate
	signature := c.Signature
	if signature == "" {
		signature = c.Name
	}
	// Each line of the signature stays a line in HTML: a Markdown hard
	// break is two spaces at the end of a line.
	signature = strings.Join(strings.Split(strings.TrimSpace(signature), "\n"), "  \n")
	nd := &noteData{n: n, data: Data{
		Candidate: Candidate{Name: c.Name, Email: c.Email, Phone: c.Phone, Signature: signature, Strengths: c.Strengths},
		Interview: Interview{
			Company: n.Company, Role: n.Role, Date: n.Date.Time, Weekday: n.Date.Time.Weekday().String(),
			Topics: n.Topics, Path: n.Path,
		},
	}}
	if !n.Decision.IsZero() {
		nd.data.Interview.Decision = n.Decision.Time.Format("2 January")
	}
	if n.Unfinished != nil {
		nd.data.Unfinished = unwrap(n.Unfinished.Markdown)
	}
	nd.data.Fit = unwrap(n.Fit)
	h := fnv.New32a()
	h.Write([]byte(n.ID))
	nd.data.seed = h.Sum32()
	if last := lastFollowUp(n); !last.IsZero() {
		nd.last = last.Format("2 January")
	}
	return nd
}

// to returns the data of the draft to to, on channel, due on the day of
// due.
func (nd *noteData) to(to *vault.Interviewer, fu FollowUpData, channel vault.Channel, due time.Time) Data {
	d := nd.data
	d.To = person(to)
	d.To.Greeting = greeting(to, channel)
	d.Channel = string(channel)
	if !due.IsZero() {
		d.Due = due.In(nd.n.Zone)
	}
	if to.Personal != nil {
		d.Personal = unwrap(to.Personal.Markdown)
		d.PersonalThanks = opensWithThanks(d.Personal)
	}
	if to.Unfinished != nil {
		d.Unfinished = strings.TrimSpace(d.Unfinished + "\n\n" + unwrap(to.Unfinished.Markdown))
	}
	if to.Fit != "" {
		d.Fit = unwrap(to.Fit)
	}
	if nd.place == nil {
		nd.place = make(map[*vault.Interviewer]int, len(nd.n.Interviewers))
		for i, iv := range nd.n.Interviewers {
			nd.place[iv] = i
		}
	}
	d.index = nd.place[to] // 0 for a contact who is no interviewer
	d.FollowUp = fu
	d.FollowUp.Last = nd.last
	d.others = func() []Person { return nd.others(to) }
	return d
}

// others returns the interviewers of the note but to; the Persons of all
// are made once, the first time a template asks.
func (nd *noteData) others(to *vault.Interviewer) []Person {
	if nd.everyone == nil {
		nd.everyone = make([]Person, len(nd.n.Interviewers))
		for i, iv := range nd.n.Interviewers {
			nd.everyone[i] = person(iv)
		}
	}
	var others []Person
	for i, iv := range nd.n.Interviewers {
		if iv != to {
			others = append(others, nd.everyone[i])
		}
	}
	return others
}

// lastFollowUp returns the latest follow-up logged in n, or the zero time.
func lastFollowUp(n *vault.Note) time.Time {
	var last time.Time
	for _, f := range n.FollowUps {
		if f.Time.After(last) {
			last = f.Time
		}
	}
	return last
}

func person(iv *vault.Interviewer) Person {
	return Person{Name: iv.Name, FirstName: iv.FirstName(), LastName: iv.LastName(), Title: iv.Title,
		Email: iv.Email, Phone: iv.Phone, Topics: iv.Topics}
}

// Extensions returns the extensions of the files of a draft on channel,
// the one to send first: .eml (the e-mail) only on the e-mail channel,
// then .html (a preview page, or the letter or talking points to print)
// and .md on every channel.
func Extensions(channel vault.Channel) []string {
	if channel == vault.Email {
		return []string{".eml", ".html", ".md"}
	}
	return []string{".html", ".md"}
}

// Files returns the outbox files of a draft, by extension, as Extensions
// names them.
func (d Draft) Files(cfg *vault.Config) (map[string][]byte, error) {
	body, err := d.BodyHTML()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, ext := range Extensions(d.Channel) {
		var data []byte
		switch ext {
		case ".eml":
			data, err = d.eml(cfg, body)
		case ".html":
			data, err = d.html(cfg, body)
		case ".md":
			data = []byte(d.Markdown)
		}
		if err != nil {
			return nil, err
		}
		files[ext] = data
	}
	return files, nil
}

// clean removes control characters (a line break, a NUL) from text bound
// for a header or a one-line field: nothing in a note can add a header.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }), " ")
}

// greeting is how a draft on channel greets iv, without its comma: the
// note's own greeting when it gives one; "Dear" and the honorific with
// the surname when the name has one ("Dear Dr. van der Berg", never "Dear
// Dr."); a name that is not a person's as written ("Dear Hiring Team");
// else the first name, or on a letter the whole name.
func greeting(iv *vault.Interviewer, channel vault.Channel) string {
	if iv.Greeting != "" {
		return iv.Greeting
	}
	n := vault.ParseName(iv.Name)
	switch {
	case !n.Person:
		return "Dear " + iv.Name
	case n.Formal() != "":
		return "Dear " + n.Formal()
	case channel == vault.Letter && n.Plain() != "":
		return "Dear " + n.Plain()
	}
	return "Dear " + iv.FirstName()
}

// opensWithThanks reports whether text opens by thanking ("Thank you
// for…", "Thanks to you…", "Many thanks…").
func opensWithThanks(text string) bool {
	first := strings.ToLower(strings.TrimLeft(text, " *_>#\n"))
	for _, p := range []string{"thank you", "thanks", "thank-you", "many thanks", "i want to thank", "i wanted to thank", "i'd like to thank", "i would like to thank"} {
		if strings.HasPrefix(first, p) {
			return true
		}
	}
	return false
}
