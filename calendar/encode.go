// Package calendar turns interview notes into an iCalendar feed (RFC 5545,
// with the calendar properties of RFC 7986): the interviews, the thank-you
// deadlines, the decision dates and the next follow-up of every note.
package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// ProductID is the calendar's PRODID: fixed, so that the same notes give
// the same bytes on every machine.
const ProductID = "-//followup//followup calendar//EN"

// Ours reports whether data is a calendar followup wrote: it starts as
// one and carries ProductID. Such a file may be replaced even when the
// outbox's manifest does not list it (the manifest was lost); any other
// file is the user's.
func Ours(data []byte) bool {
	return bytes.HasPrefix(data, []byte("BEGIN:VCALENDAR\r\n")) &&
		bytes.Contains(data, []byte("\r\nPRODID:"+ProductID+"\r\n"))
}

// propNote holds an opaque hash of the note's path, so that a later build
// can keep the events of a note that cannot be read for now.
const propNote = "X-FOLLOWUP-NOTE"

// eventComponent encodes e as a VEVENT without its DTSTAMP, LAST-MODIFIED
// and SEQUENCE, which stamp adds.
func eventComponent(e Event, obsidianVault string) *ical.Component {
	ev := ical.NewEvent()
	p := ev.Props
	p.SetText(ical.PropUID, e.UID)
	if e.AllDay {
		p.SetDate(ical.PropDateTimeStart, e.Day.In(time.UTC))
		p.SetDate(ical.PropDateTimeEnd, e.Day.AddDays(1).In(time.UTC))
	} else {
		// In UTC: go-ical would write any other zone as a TZID without a
		// VTIMEZONE to define it.
		p.SetDateTime(ical.PropDateTimeStart, e.Start.UTC())
		p.SetDateTime(ical.PropDateTimeEnd, e.End.UTC())
	}
	p.SetText(ical.PropSummary, e.Summary)
	if e.Description != "" {
		p.SetText(ical.PropDescription, e.Description)
	}
	p.SetText(ical.PropCategories, e.Kind.category())
	p.SetText(ical.PropTransparency, "TRANSPARENT")
	if obsidianVault != "" {
		p.SetURI(ical.PropURL, obsidianURL(obsidianVault, e.Note))
	}
	setText(p, propNote, noteHash(e.Note))
	if e.Kind == ThankYou && e.Alarm > 0 {
		alarm := ical.NewComponent(ical.CompAlarm)
		alarm.Props.SetText(ical.PropAction, "DISPLAY")
		trigger := durationProp(ical.PropTrigger, -e.Alarm, false)
		trigger.Params.Set("RELATED", "END")
		alarm.Props.Set(trigger)
		alarm.Props.SetText(ical.PropDescription, e.Summary)
		ev.Children = append(ev.Children, alarm)
	}
	return ev.Component
}

// setText sets a text property that go-ical does not know, without the
// VALUE=TEXT it would add: text is the default type of unknown properties.
func setText(props ical.Props, name, text string) {
	props.SetText(name, text)
	props.Get(name).Params.Del(ical.ParamValue)
}

// durationProp returns a property holding d in the form RFC 5545 section
// 3.3.6 gives, such as PT1H or -PT2H30M (go-ical writes seconds only).
func durationProp(name string, d time.Duration, typed bool) *ical.Prop {
	p := ical.NewProp(name)
	if typed {
		p.Params.Set(ical.ParamValue, string(ical.ValueDuration))
	}
	p.Value = formatDuration(d)
	return p
}

func formatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d
	}
	b.WriteByte('P')
	if days := d / (24 * time.Hour); days > 0 && d%(24*time.Hour) == 0 {
		fmt.Fprintf(&b, "%dD", days)
		return b.String()
	}
	b.WriteByte('T')
	h, m, s := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s > 0 || h == 0 && m == 0 {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}

// obsidianURL opens a note in Obsidian. Obsidian wants every reserved
// character percent-encoded, spaces as %20 rather than +.
func obsidianURL(vaultName, notePath string) *url.URL {
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return &url.URL{Scheme: "obsidian", Opaque: "//open", RawQuery: "vault=" + esc(vaultName) + "&file=" + esc(strings.TrimSuffix(notePath, ".md"))}
}

// noteHash identifies a note's path without revealing it.
func noteHash(p string) string {
	sum := sha256.Sum256([]byte(p))
	return hex.EncodeToString(sum[:8])
}
