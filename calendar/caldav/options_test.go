package caldav

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"followup/calendar/caldav/caldavtest"
	"followup/vault"
)

// A dry run reads and reports, and writes nothing: not on the server,
// not in the state.
func TestPushDryRun(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	h := newHarness(t, srv)
	objects := feedObjects(t)

	h.opts.DryRun = true
	rep := h.mustPush(objects)
	if !rep.NewCalendar || len(rep.Created) != len(objects) || h.saves != 0 || len(h.log.writes()) > 0 {
		t.Errorf("dry run on an empty server: %+v, %d saves, writes %v", rep, h.saves, h.log.writes())
	}
	h.opts.DryRun = false
	if rep = h.mustPush(objects[2:]); !rep.NewCalendar {
		t.Errorf("the dry run made the calendar")
	}

	saved := string(h.saved)
	changed := slices.Clone(objects[1:])
	changed[1].Data = []byte(strings.Replace(string(changed[1].Data), "SUMMARY:", "SUMMARY:New: ", 1))
	h.opts.DryRun = true
	rep = h.mustPush(changed[:len(changed)-1])
	if w := h.log.writes(); len(w) > 0 || string(h.saved) != saved {
		t.Errorf("the dry run wrote %v, or saved", w)
	}
	last := objects[len(objects)-1].UID
	if !slices.Equal(rep.Created, []string{objects[1].UID}) || !slices.Equal(rep.Updated, []string{changed[1].UID}) || !slices.Equal(rep.Deleted, []string{last}) {
		t.Errorf("dry run: %+v", rep)
	}
}

// The URL may name the calendar collection itself: push writes there,
// whatever its name, and creates it when it is missing.
func TestPushCollectionURL(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	objects := feedObjects(t)
	work := srv.URL + srv.User + "/work/"
	h := newHarness(t, srv)
	c, err := dial(h.opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.mkcalendar(context.Background(), "/"+srv.User+"/work/", "Work"); err != nil {
		t.Fatal(err)
	}
	h.opts.Config.URL = work
	rep := h.mustPush(objects[:3])
	if rep.NewCalendar || rep.Calendar != work || len(rep.Created) != 3 {
		t.Errorf("push to a collection URL: %+v", rep)
	}
	checkCalendar(t, srv, work, objects[:3])

	// A URL in the home set that names nothing: the calendar is made there.
	fresh := srv.URL + srv.User + "/fresh/"
	h = newHarness(t, srv)
	h.opts.Config.URL = fresh
	rep = h.mustPush(objects[:2])
	if !rep.NewCalendar || rep.Calendar != fresh {
		t.Errorf("push to a new collection URL: %+v", rep)
	}
	checkCalendar(t, srv, fresh, objects[:2])
	// It has the name, so discovery from the root finds it.
	h = newHarness(t, srv)
	rep = h.mustPush(objects[:2])
	// Its objects, not in this state, are taken as ours by their content.
	if rep.NewCalendar || rep.Calendar != fresh || len(rep.Created) != 2 || len(h.log.writes()) > 0 {
		t.Errorf("discovery of the calendar made at a URL: %+v", rep)
	}

	// Inside a calendar there is no other: one line.
	h = newHarness(t, srv)
	h.opts.Config.URL = work + "sub/"
	h.opts.Name = "Nowhere"
	_, err = h.push(objects)
	if err == nil || !strings.Contains(err.Error(), "no calendar named") || strings.Contains(err.Error(), "\n") {
		t.Errorf("push to a URL inside a calendar: %v", err)
	}
	t.Log(err)
}

// Failures are one line each, and never hold the password.
func TestPushFailures(t *testing.T) {
	srv := caldavtest.StartRadicale(t)
	objects := feedObjects(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String() + "/"
	closed.Close()
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake that fails
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()

	for _, c := range []struct {
		name, url, password string
		want                string
		login               bool
	}{
		{"wrong password", srv.URL, "hunter2 wrong", "login refused for alex", true},
		{"http elsewhere", "http://caldav.example.com/", srv.Password, "use https", false},
		{"no URL", "caldav.example.com", srv.Password, "not a URL", false},
		{"refused", refused, srv.Password, "refused the connection", false},
		{"unknown host", "https://calendar.invalid/", srv.Password, "cannot find the server calendar.invalid", false},
		{"untrusted", tlsSrv.URL + "/", srv.Password, "certificate is not trusted", false},
		{"not TLS", strings.Replace(plain.URL, "http:", "https:", 1) + "/", srv.Password, "does not answer in TLS", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{Config: vault.CalDAV{URL: c.url, Username: srv.User}, Password: c.password, Name: calName}
			st := &State{}
			_, err := Push(context.Background(), opts, objects, st, func(*State) error {
				t.Error("save called")
				return nil
			})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || strings.Contains(msg, c.password) {
				t.Errorf("error %q, want one line with %q, without the password", msg, c.want)
			}
			if errors.Is(err, ErrLogin) != c.login {
				t.Errorf("errors.Is(err, ErrLogin) = %v", !c.login)
			}
		})
	}
}
