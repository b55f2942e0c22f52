package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"followup/calendar"
	"followup/calendar/caldav/caldavtest"
)

// TestPushCalendar pushes the example vault's calendar to a real CalDAV
// server, Radicale: the calendar is made, holds exactly the events of
// calendar.ics, a second push changes nothing, and deleting a note
// deletes its events only.
func TestPushCalendar(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	dir := copyExample(t)
	appendConfig(t, dir, "caldav:\n  url: "+srv.URL+"\n  username: "+srv.User+"\n")
	t.Setenv("FOLLOWUP_CALDAV_PASSWORD", srv.Password)
	push := func() string {
		t.Helper()
		var stderr bytes.Buffer
		err := run(context.Background(), []string{"--vault", dir, "--now", "2026-11-20T17:00:00-05:00", "push"}, nil, io.Discard, &stderr)
		if err != nil && err != errProblems {
			t.Fatalf("push: %v\n%s", err, stderr.String())
		}
		if strings.Contains(stderr.String(), srv.Password) {
			t.Fatalf("push printed the password:\n%s", stderr.String())
		}
		return stderr.String()
	}
	out := push()
	feed, err := os.ReadFile(filepath.Join(dir, "outbox", "calendar.ics"))
	if err != nil {
		t.Fatal(err)
	}
	objects, err := calendar.Objects(feed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `made the calendar "Job search follow-ups"`) || !strings.Contains(out, "on 127.0.0.1") {
		t.Errorf("the first push says:\n%s", out)
	}
	if got := storedEvents(t, srv.Folder); got != len(objects) {
		t.Errorf("the server holds %d events, the feed %d", got, len(objects))
	}
	if out := push(); !strings.Contains(out, "0 created, 0 updated, 0 deleted") {
		t.Errorf("a second push, nothing changed:\n%s", out)
	}
	// Northwind's note goes: its events go, and only they.
	if err := os.Remove(filepath.Join(dir, "interviews/2026/2026-11-03-northwind-logistics.md")); err != nil {
		t.Fatal(err)
	}
	out = push()
	feed, _ = os.ReadFile(filepath.Join(dir, "outbox", "calendar.ics"))
	after, _ := calendar.Objects(feed)
	gone := len(objects) - len(after)
	if gone == 0 || !strings.Contains(out, " 0 created, 0 updated, "+itoa(gone)+" deleted") {
		t.Errorf("after deleting a note of %d events:\n%s", gone, out)
	}
	if got := storedEvents(t, srv.Folder); got != len(after) {
		t.Errorf("the server holds %d events, the feed %d", got, len(after))
	}
}

// appendConfig adds text to the vault's followup.yaml.
func appendConfig(t *testing.T, dir, text string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, "followup.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n" + text); err != nil {
		t.Fatal(err)
	}
}

// storedEvents counts the calendar objects in Radicale's storage, one
// file each.
func storedEvents(t *testing.T, folder string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(folder, func(p string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
		case d.IsDir() && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir // Radicale's own caches
		case !d.IsDir() && strings.HasSuffix(p, ".ics"):
			n++
		}
		return nil
	})
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestWatchPush: watch --push pushes after its first build, and again
// after a save that changed an event, and only that event.
func TestWatchPush(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	dir := copyExample(t)
	appendConfig(t, dir, "caldav:\n  url: "+srv.URL+"\n  username: "+srv.User+"\n")
	t.Setenv("FOLLOWUP_CALDAV_PASSWORD", srv.Password)
	log, stop := startWatch(t, dir, watchOptions{push: true})
	defer stop()
	if !strings.Contains(log.String(), "24 created, 0 updated, 0 deleted, 0 unchanged") {
		t.Fatalf("the first build did not push:\n%s", log)
	}
	note := filepath.Join(dir, "interviews/2026/2026-11-19-acme-corp.md")
	text, _ := os.ReadFile(note)
	if err := os.WriteFile(note, bytes.Replace(text, []byte("decision_date: 2026-12-02"), []byte("decision_date: 2026-12-03"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	// The decision event and the follow-up after it move.
	waitFor(t, "the push after the save", log, func() bool { return strings.Contains(log.String(), "0 created, 2 updated, 0 deleted, 22 unchanged") })
}
