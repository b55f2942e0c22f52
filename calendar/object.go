package calendar

import (
	"errors"
	"slices"
	"strings"

	"github.com/emersion/go-ical"
)

// An Object is one event of the feed as a calendar of its own: a
// VCALENDAR with one VEVENT (and its VALARM), as a CalDAV server stores
// it.
type Object struct {
	UID  string
	Data []byte
}

var errObjects = errors.New("calendar: not a calendar followup wrote")

// Objects cuts a calendar file as this package writes it into one Object
// per event, sorted by UID. Each event keeps its bytes, so the same file
// gives the same objects. The objects keep VERSION, PRODID and CALSCALE
// but not the feed's name and refresh interval, which describe a
// subscription, not an event.
func Objects(feed []byte) ([]Object, error) {
	blocks, err := splitEvents(feed)
	if err != nil {
		return nil, errObjects
	}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	head, tail, err := around(cal)
	if err != nil {
		return nil, err
	}
	objects := make([]Object, 0, len(blocks))
	for _, b := range blocks {
		data := make([]byte, 0, len(head)+len(b.data)+len(tail))
		data = append(append(append(data, head...), b.data...), tail...)
		objects = append(objects, Object{UID: b.uid, Data: data})
	}
	slices.SortFunc(objects, func(a, b Object) int { return strings.Compare(a.UID, b.UID) })
	for i := 1; i < len(objects); i++ {
		if objects[i].UID == objects[i-1].UID {
			return nil, errors.New("calendar: two events have the UID " + objects[i].UID)
		}
	}
	return objects, nil
}
