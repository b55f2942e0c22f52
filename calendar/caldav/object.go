package caldav

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"github.com/emersion/go-ical"

	"followup/calendar"
)

// objectName is the file name of the object of the event uid: UIDs hold
// slashes and @, and a server may refuse them in a path.
func objectName(uid string) string {
	return sum([]byte(uid)) + ".ics"
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// sameEvent reports whether two calendar objects hold the same event. A
// server may store an object in its own way (Radicale orders and folds
// the lines anew), so they are compared as go-ical reads and writes them,
// events only.
func sameEvent(a, b []byte) bool {
	ea, oka := canonicalEvents(a)
	eb, okb := canonicalEvents(b)
	return oka && okb && bytes.Equal(ea, eb)
}

func canonicalEvents(data []byte) ([]byte, bool) {
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	for _, ev := range cal.Events() {
		out := ical.NewCalendar()
		out.Props.SetText(ical.PropVersion, "2.0")
		out.Props.SetText(ical.PropProductID, calendar.ProductID)
		out.Children = []*ical.Component{ev.Component}
		if err := ical.NewEncoder(&buf).Encode(out); err != nil {
			return nil, false
		}
	}
	return buf.Bytes(), buf.Len() > 0
}
