package calendar

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-ical"
)

// TestObjects cuts the golden calendar into objects and reads each back
// with go-ical: one VEVENT, the feed's UID, the same properties and the
// same alarm as in the feed.
func TestObjects(t *testing.T) {
	feed, err := os.ReadFile("testdata/example-vault.ics")
	if err != nil {
		t.Fatal(err)
	}
	objects, err := Objects(feed)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*ical.Component{}
	for _, ev := range cal.Events() {
		uid, _ := ev.Props.Text(ical.PropUID)
		want[uid] = ev.Component
	}
	if len(objects) != len(want) || len(objects) == 0 {
		t.Fatalf("%d objects, want %d", len(objects), len(want))
	}
	if !slices.IsSortedFunc(objects, func(a, b Object) int { return strings.Compare(a.UID, b.UID) }) {
		t.Error("objects are not sorted by UID")
	}
	alarms := 0
	for _, o := range objects {
		got, err := ical.NewDecoder(bytes.NewReader(o.Data)).Decode()
		if err != nil {
			t.Fatalf("%s: %v\n%s", o.UID, err, o.Data)
		}
		if len(got.Children) != 1 || got.Children[0].Name != ical.CompEvent {
			t.Fatalf("%s: want one VEVENT, got %d components", o.UID, len(got.Children))
		}
		ev := got.Children[0]
		if uid, _ := ev.Props.Text(ical.PropUID); uid != o.UID {
			t.Errorf("object %s holds the event %s", o.UID, uid)
		}
		if !reflect.DeepEqual(ev, want[o.UID]) {
			t.Errorf("%s: the event differs from the feed's", o.UID)
		}
		for _, name := range []string{ical.PropVersion, ical.PropProductID} {
			if g, w := got.Props.Get(name), cal.Props.Get(name); g == nil || g.Value != w.Value {
				t.Errorf("%s: %s = %v, want %q", o.UID, name, g, w.Value)
			}
		}
		if !Ours(o.Data) {
			t.Errorf("%s: Ours = false", o.UID)
		}
		if len(ev.Children) > 0 {
			alarms++
		}
	}
	if alarms == 0 {
		t.Error("no object holds an alarm; the golden calendar has thank-you events")
	}
	again, err := Objects(feed)
	if err != nil || !reflect.DeepEqual(again, objects) {
		t.Error("the same feed gave other objects")
	}
}

func TestObjectsEmptyAndBroken(t *testing.T) {
	feed, err := os.ReadFile("testdata/example-vault.ics")
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := bytes.Cut(feed, []byte("BEGIN:VEVENT"))
	empty := append(bytes.Clone(head), "END:VCALENDAR\r\n"...)
	if objects, err := Objects(empty); err != nil || len(objects) != 0 {
		t.Errorf("an empty calendar: %d objects, %v", len(objects), err)
	}
	for _, in := range []string{"not a calendar", string(feed[:len(feed)/2])} {
		if _, err := Objects([]byte(in)); err == nil {
			t.Errorf("Objects(%.20q…) = nil error", in)
		}
	}
}
