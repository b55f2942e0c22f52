package calendar

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
)

// A previousEvent is an event of the calendar file as last written.
type previousEvent struct {
	comp     *ical.Component
	content  string
	stamp    time.Time
	sequence int
	note     string // the hash of its note's path
	start    time.Time
}

// parsePrevious reads the previous calendar file into its events by UID.
// Nothing, or an empty file, gives none.
func parsePrevious(data []byte) (map[string]*previousEvent, error) {
	events := map[string]*previousEvent{}
	if len(bytes.TrimSpace(data)) == 0 {
		return events, nil
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return events, fmt.Errorf("calendar: cannot read the previous calendar: %w", err)
	}
	for _, ev := range cal.Events() {
		uid, err := ev.Props.Text(ical.PropUID)
		if err != nil || uid == "" {
			continue
		}
		p := &previousEvent{comp: ev.Component, content: content(ev.Component)}
		if t, err := ev.Props.DateTime(ical.PropDateTimeStamp, time.UTC); err == nil {
			p.stamp = t.UTC()
		}
		if prop := ev.Props.Get(ical.PropSequence); prop != nil {
			p.sequence, _ = strconv.Atoi(prop.Value)
		}
		if prop := ev.Props.Get(propNote); prop != nil {
			p.note = prop.Value
		}
		if t, err := ev.DateTimeStart(time.UTC); err == nil {
			p.start = t
		}
		events[uid] = p
	}
	return events, nil
}
