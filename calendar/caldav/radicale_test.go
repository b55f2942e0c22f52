package caldav

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"followup/calendar"
	"followup/calendar/caldav/caldavtest"
	"followup/vault"
)

// The tests here push the example vault's calendar into a real Radicale
// and read it back with other clients.

const calName = "Job search follow-ups"

// feedObjects returns the objects of the example vault's calendar.
func feedObjects(t *testing.T) []calendar.Object {
	t.Helper()
	feed, err := os.ReadFile("../testdata/example-vault.ics")
	if err != nil {
		t.Fatal(err)
	}
	objects, err := calendar.Objects(feed)
	if err != nil {
		t.Fatal(err)
	}
	return objects
}

// A harness pushes to one server as the command would: the state goes
// through JSON between pushes, and only what was saved is remembered.
type harness struct {
	t     *testing.T
	srv   *caldavtest.Server
	opts  Options
	saved []byte
	saves int
	log   *methodLog
}

func newHarness(t *testing.T, srv *caldavtest.Server) *harness {
	log := &methodLog{next: http.DefaultTransport}
	return &harness{t: t, srv: srv, log: log, opts: Options{
		Config:   vault.CalDAV{URL: srv.URL, Username: srv.User},
		Password: srv.Password,
		Name:     calName,
		client:   &http.Client{Transport: log},
	}}
}

func (h *harness) state() *State {
	h.t.Helper()
	st := &State{}
	if h.saved != nil {
		if err := json.Unmarshal(h.saved, st); err != nil {
			h.t.Fatal(err)
		}
	}
	return st
}

func (h *harness) push(objects []calendar.Object) (Report, error) {
	h.t.Helper()
	h.log.reset()
	return Push(context.Background(), h.opts, objects, h.state(), func(st *State) error {
		data, err := json.Marshal(st)
		h.saved = data
		h.saves++
		return err
	})
}

func (h *harness) mustPush(objects []calendar.Object) Report {
	h.t.Helper()
	rep, err := h.push(objects)
	if err != nil {
		h.t.Fatal(err)
	}
	return rep
}

// methodLog records the requests, so that tests can tell reads from
// writes without trusting Report.
type methodLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []string // "METHOD path"
}

func (l *methodLog) RoundTrip(req *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.reqs = append(l.reqs, req.Method+" "+req.URL.Path)
	l.mu.Unlock()
	return l.next.RoundTrip(req)
}

func (l *methodLog) reset() {
	l.mu.Lock()
	l.reqs = nil
	l.mu.Unlock()
}

// writes returns the requests that change something on the server.
func (l *methodLog) writes() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var w []string
	for _, r := range l.reqs {
		switch strings.Fields(r)[0] {
		case "GET", "HEAD", "PROPFIND", "REPORT", "OPTIONS":
		default:
			w = append(w, r)
		}
	}
	return w
}

// serverEvent is an event as a client reads it back.
type serverEvent struct {
	Href    string
	DTStart string
	Alarm   bool
	Summary string
}

// query reads every event of the calendar with a calendar-query REPORT
// of our own (RFC 4791, section 7.8), by UID.
func query(t *testing.T, srv *caldavtest.Server, collection string) map[string]serverEvent {
	t.Helper()
	body := `<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>
</C:calendar-query>`
	req, err := http.NewRequest("REPORT", collection, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Depth", "1")
	req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	req.SetBasicAuth(srv.User, srv.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		t.Fatalf("REPORT %s: %s", collection, resp.Status)
	}
	var ms struct {
		Responses []struct {
			Href string `xml:"href"`
			Data string `xml:"propstat>prop>calendar-data"`
		} `xml:"response"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&ms); err != nil {
		t.Fatal(err)
	}
	events := map[string]serverEvent{}
	for _, r := range ms.Responses {
		cal, err := ical.NewDecoder(strings.NewReader(r.Data)).Decode()
		if err != nil {
			t.Fatalf("%s: %v\n%s", r.Href, err, r.Data)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%s holds %d events", r.Href, len(evs))
		}
		uid, _ := evs[0].Props.Text(ical.PropUID)
		summary, _ := evs[0].Props.Text(ical.PropSummary)
		events[uid] = serverEvent{
			Href:    r.Href,
			DTStart: evs[0].Props.Get(ical.PropDateTimeStart).Value,
			Alarm:   len(evs[0].Children) > 0 && evs[0].Children[0].Name == ical.CompAlarm,
			Summary: summary,
		}
	}
	return events
}

// wantEvents is what query should find for objects.
func wantEvents(t *testing.T, objects []calendar.Object) map[string]serverEvent {
	t.Helper()
	want := map[string]serverEvent{}
	for _, o := range objects {
		cal, err := ical.NewDecoder(bytes.NewReader(o.Data)).Decode()
		if err != nil {
			t.Fatal(err)
		}
		ev := cal.Events()[0]
		summary, _ := ev.Props.Text(ical.PropSummary)
		want[o.UID] = serverEvent{DTStart: ev.Props.Get(ical.PropDateTimeStart).Value, Alarm: len(ev.Children) > 0, Summary: summary}
	}
	return want
}

// checkCalendar fails unless the calendar holds exactly the events of
// objects and those of extra (by UID, whatever their content).
func checkCalendar(t *testing.T, srv *caldavtest.Server, collection string, objects []calendar.Object, extra ...string) {
	t.Helper()
	got := query(t, srv, collection)
	want := wantEvents(t, objects)
	for _, uid := range extra {
		if _, ok := got[uid]; !ok {
			t.Errorf("the event %s is gone", uid)
		}
		delete(got, uid)
	}
	for uid, w := range want {
		g, ok := got[uid]
		switch {
		case !ok:
			t.Errorf("%s: missing from the calendar", uid)
		case g.DTStart != w.DTStart || g.Alarm != w.Alarm || g.Summary != w.Summary:
			t.Errorf("%s: got start %s, alarm %v, %q; want %s, %v, %q", uid, g.DTStart, g.Alarm, g.Summary, w.DTStart, w.Alarm, w.Summary)
		}
	}
	for uid := range got {
		if _, ok := want[uid]; !ok {
			t.Errorf("%s: in the calendar, not in the feed", uid)
		}
	}
}

func TestPushRadicale(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	h := newHarness(t, srv)
	objects := feedObjects(t)
	uids := make([]string, len(objects))
	for i, o := range objects {
		uids[i] = o.UID
	}

	// The first push finds no calendar from the server's root, makes
	// it, and writes every event.
	rep := h.mustPush(objects)
	if !rep.NewCalendar || !slices.Equal(rep.Created, uids) || len(rep.Kept) > 0 {
		t.Fatalf("first push: %+v", rep)
	}
	if got := len(h.log.writes()); got != len(objects)+1 {
		t.Errorf("first push: %d writes, want MKCALENDAR and %d PUTs", got, len(objects))
	}
	t.Logf("first push: %d events, %d requests", len(objects), rep.requests)
	col := rep.Calendar
	checkCalendar(t, srv, col, objects)
	checkPython(t, srv, objects)

	// Nothing changed: a read, no write.
	rep = h.mustPush(objects)
	if w := h.log.writes(); len(w) > 0 || rep.Unchanged != len(objects) || rep.requests != 1 {
		t.Errorf("second push: %+v, writes %v", rep, w)
	}
	quiet := rep.requests
	// Without the state's shortcut, discovery finds the calendar by name.
	h.opts.Name = calName
	st := h.state()
	st.URL = ""
	h.saved, _ = json.Marshal(st)
	rep = h.mustPush(objects)
	if w := h.log.writes(); len(w) > 0 || rep.NewCalendar || rep.Calendar != col || rep.Unchanged != len(objects) {
		t.Errorf("push after discovery: %+v, writes %v", rep, w)
	}
	t.Logf("push with nothing changed: %d request(s); with discovery: %d", quiet, rep.requests)

	// One event changed: one PUT.
	changed := slices.Clone(objects)
	changed[3].Data = bytes.Replace(changed[3].Data, []byte("SUMMARY:"), []byte("SUMMARY:Moved: "), 1)
	start := time.Now()
	rep = h.mustPush(changed)
	t.Logf("push of one changed event: %d requests, %v", rep.requests, time.Since(start).Round(time.Millisecond))
	if w := h.log.writes(); len(w) != 1 || !strings.HasPrefix(w[0], "PUT ") || !slices.Equal(rep.Updated, []string{changed[3].UID}) {
		t.Errorf("one change: %+v, writes %v", rep, w)
	}
	checkCalendar(t, srv, col, changed)

	// An event made on the phone, in the same calendar.
	handmade := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//phone//EN\r\nBEGIN:VEVENT\r\nUID:handmade@phone\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T090000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	do(t, srv, "PUT", col+"handmade.ics", handmade, http.StatusCreated)

	// Two events left the feed: two DELETEs, of those two only.
	removed := []string{changed[0].UID, changed[5].UID}
	fewer := slices.Delete(slices.Clone(changed), 5, 6)
	fewer = slices.Delete(fewer, 0, 1)
	rep = h.mustPush(fewer)
	if w := h.log.writes(); len(w) != 2 || !slices.Equal(rep.Deleted, slices.Sorted(slices.Values(removed))) {
		t.Errorf("two events gone: %+v, writes %v", rep, w)
	}
	checkCalendar(t, srv, col, fewer, "handmade@phone")

	// The user edits one of ours on the server: kept, reported once.
	edited := fewer[1]
	href := st.Objects[edited.UID].Href
	do(t, srv, "PUT", srv.URL+strings.TrimPrefix(href, "/"), strings.Replace(string(edited.Data), "SUMMARY:", "SUMMARY:Mine: ", 1), http.StatusNoContent)
	rep = h.mustPush(fewer)
	if w := h.log.writes(); len(w) > 0 || len(rep.Kept) != 1 || !strings.HasPrefix(rep.Kept[0], edited.UID+": changed on the server") {
		t.Errorf("edited on the server: %+v, writes %v", rep, w)
	}
	// Ours changes too: still theirs, and nothing is written.
	fewer[1].Data = bytes.Replace(fewer[1].Data, []byte("SUMMARY:"), []byte("SUMMARY:Ours: "), 1)
	rep = h.mustPush(fewer)
	if w := h.log.writes(); len(w) > 0 || len(rep.Kept) > 0 {
		t.Errorf("after the edit: %+v, writes %v", rep, w)
	}
	got := query(t, srv, col)
	if s := got[edited.UID].Summary; !strings.HasPrefix(s, "Mine: ") {
		t.Errorf("the user's edit was overwritten: %q", s)
	}

	// The user deletes one of ours: not made again.
	deleted := fewer[2]
	do(t, srv, "DELETE", srv.URL+strings.TrimPrefix(h.state().Objects[deleted.UID].Href, "/"), "", http.StatusOK)
	rep = h.mustPush(fewer)
	if w := h.log.writes(); len(w) > 0 || len(rep.Kept) != 1 || !strings.HasPrefix(rep.Kept[0], deleted.UID+": deleted on the server") {
		t.Errorf("deleted on the server: %+v, writes %v", rep, w)
	}

	// Every event leaves the feed: ours go, the user's stay.
	rep = h.mustPush(nil)
	if len(rep.Deleted) != len(fewer)-2 {
		t.Errorf("empty feed: %+v", rep)
	}
	got = query(t, srv, col)
	if len(got) != 2 || got["handmade@phone"].Href == "" || got[edited.UID].Href == "" {
		t.Errorf("after an empty feed the calendar holds %v, want the handmade and the edited events", slices.Sorted(maps.Keys(got)))
	}
	if st := h.state(); len(st.Objects) != 0 {
		t.Errorf("state still holds %v", st.Objects)
	}
}

// do sends one request as another client would, and checks its status.
func do(t *testing.T, srv *caldavtest.Server, method, url, body string, want int) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.User, srv.Password)
	if body != "" {
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want && !(want == http.StatusNoContent && resp.StatusCode/100 == 2) && !(want == http.StatusOK && resp.StatusCode/100 == 2) {
		t.Fatalf("%s %s: %s, want %d", method, url, resp.Status, want)
	}
}

// pythonRead lists the events of the calendar named calName as Python's
// caldav package sees them, discovering it from the server's root.
const pythonRead = `
import json, sys, caldav
url, user, password, name = sys.argv[1:5]
client = caldav.DAVClient(url, username=user, password=password)
cals = [c for c in client.principal().calendars() if c.name == name]
if len(cals) != 1:
    sys.exit("calendars named %r: %d" % (name, len(cals)))
out = {}
for ev in cals[0].events():
    v = ev.vobject_instance.vevent
    start = v.dtstart.value
    out[v.uid.value] = {
        "start": start.strftime("%Y%m%dT%H%M%SZ") if hasattr(start, "hour") else start.strftime("%Y%m%d"),
        "alarm": hasattr(v, "valarm"),
    }
print(json.dumps(out))
`

// checkPython reads the calendar back with Python's caldav, as a second
// client: the UIDs, the starts and the alarms of objects.
func checkPython(t *testing.T, srv *caldavtest.Server, objects []calendar.Object) {
	t.Helper()
	python := caldavtest.PythonCalDAV(t)
	out, err := exec.Command(python, "-c", pythonRead, srv.URL, srv.User, srv.Password, calName).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("python caldav: %v\n%s", err, exit.Stderr)
		}
		t.Fatal(err)
	}
	var got map[string]struct {
		Start string
		Alarm bool
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := wantEvents(t, objects)
	if len(got) != len(want) {
		t.Errorf("python caldav reads %d events, want %d", len(got), len(want))
	}
	for uid, w := range want {
		if g, ok := got[uid]; !ok || g.Start != w.DTStart || g.Alarm != w.Alarm {
			t.Errorf("python caldav: %s: got %+v (found %v), want start %s, alarm %v", uid, g, ok, w.DTStart, w.Alarm)
		}
	}
}
