package caldav

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"followup/calendar/caldav/caldavtest"
)

var errKilled = errors.New("killed")

// killAfter makes a push stop after n writes, before it saves the last.
func killAfter(n int) func(string) error {
	return func(string) error {
		if n--; n <= 0 {
			return errKilled
		}
		return nil
	}
}

// A push killed midway, between a write and its save, converges on the
// next: what it wrote unsaved is recognised by its content, not taken
// for the user's.
func TestPushKilledMidway(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	h := newHarness(t, srv)
	objects := feedObjects(t)

	h.opts.afterWrite = killAfter(5) // MKCALENDAR is no write of an object
	if _, err := h.push(objects); !errors.Is(err, errKilled) {
		t.Fatalf("push = %v, want the kill", err)
	}
	if n := len(h.state().Objects); n != 4 {
		t.Fatalf("the killed push saved %d objects, want 4", n)
	}
	h.opts.afterWrite = nil
	rep := h.mustPush(objects)
	if len(rep.Created) != len(objects)-4 || len(rep.Kept) > 0 || rep.Unchanged != 4 {
		t.Errorf("after a kill: %+v", rep)
	}
	if w := h.log.writes(); len(w) != len(objects)-5 {
		t.Errorf("after a kill: %d writes, want %d (the fifth was written)", len(w), len(objects)-5)
	}
	checkCalendar(t, srv, rep.Calendar, objects)

	// Killed among updates: the update it made unsaved is taken as ours.
	changed := slices.Clone(objects)
	for i := range changed {
		changed[i].Data = bytes.Replace(changed[i].Data, []byte("SUMMARY:"), []byte("SUMMARY:New: "), 1)
	}
	h.opts.afterWrite = killAfter(3)
	if _, err := h.push(changed); !errors.Is(err, errKilled) {
		t.Fatalf("push = %v, want the kill", err)
	}
	h.opts.afterWrite = nil
	rep = h.mustPush(changed)
	if len(rep.Updated) != len(objects)-2 || len(rep.Kept) > 0 {
		t.Errorf("after a kill among updates: %+v", rep)
	}
	checkCalendar(t, srv, rep.Calendar, changed)
	if rep = h.mustPush(changed); rep.Unchanged != len(objects) || len(h.log.writes()) > 0 {
		t.Errorf("push after convergence: %+v", rep)
	}
}

// Changes made by another client between the listing and a write fail
// the write's precondition: a copy with our content is ours, any other
// is the user's.
func TestPushPreconditionFailed(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	h := newHarness(t, srv)
	objects := feedObjects(t)
	first := h.mustPush(objects[:1])
	col := first.Calendar

	// While push writes the first object, another client puts the second
	// (ours, byte for byte) and the third (another event, same UID).
	h.opts.afterWrite = func(uid string) error {
		if uid != objects[1].UID {
			return nil
		}
		do(t, srv, "PUT", col+objectName(objects[2].UID), string(objects[2].Data), http.StatusCreated)
		do(t, srv, "PUT", col+objectName(objects[3].UID), strings.Replace(string(objects[3].Data), "SUMMARY:", "SUMMARY:Theirs: ", 1), http.StatusCreated)
		return nil
	}
	rep := h.mustPush(objects[:4])
	if !slices.Equal(rep.Created, []string{objects[1].UID, objects[2].UID}) || len(rep.Kept) != 1 || !strings.HasPrefix(rep.Kept[0], objects[3].UID+": on the server already") {
		t.Errorf("creates: %+v", rep)
	}

	// While push updates the first, the user edits the second.
	changed := slices.Clone(objects[:3])
	for i := range changed {
		changed[i].Data = bytes.Replace(changed[i].Data, []byte("SUMMARY:"), []byte("SUMMARY:New: "), 1)
	}
	h.opts.afterWrite = func(uid string) error {
		if uid == changed[0].UID {
			do(t, srv, "PUT", col+objectName(changed[1].UID), strings.Replace(string(objects[1].Data), "SUMMARY:", "SUMMARY:Mine: ", 1), http.StatusNoContent)
		}
		return nil
	}
	rep = h.mustPush(changed)
	if !slices.Equal(rep.Updated, []string{changed[0].UID, changed[2].UID}) || len(rep.Kept) != 1 || !strings.HasPrefix(rep.Kept[0], changed[1].UID+": changed on the server") {
		t.Errorf("updates: %+v", rep)
	}
	got := query(t, srv, col)
	if s := got[changed[1].UID].Summary; !strings.HasPrefix(s, "Mine: ") {
		t.Errorf("the user's edit was overwritten: %q", s)
	}
	if s := got[objects[3].UID].Summary; !strings.HasPrefix(s, "Theirs: ") {
		t.Errorf("the other client's event was overwritten: %q", s)
	}
}

// A calendar deleted on the server is made again, with every event: what
// push had put in the old one went with it.
func TestPushCalendarDeleted(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	h := newHarness(t, srv)
	objects := feedObjects(t)
	col := h.mustPush(objects).Calendar
	do(t, srv, "DELETE", col, "", http.StatusOK)
	rep := h.mustPush(objects)
	if !rep.NewCalendar || rep.Calendar != col || len(rep.Created) != len(objects) || len(rep.Kept) > 0 {
		t.Errorf("push after the calendar was deleted: %+v", rep)
	}
	checkCalendar(t, srv, col, objects)
}
