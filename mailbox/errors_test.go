package mailbox

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"followup/vault"

	"github.com/emersion/go-imap/v2"
)

// Every failure is one line that names the operation and the address,
// and never the password.
func TestPushFailures(t *testing.T) {
	srv, plain := startMem(t, memOptions{})
	noDrafts, _ := startMem(t, memOptions{folders: []string{"INBOX", "Archive"}})
	// A server that takes the connection and never says a word.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	closed := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}()

	for _, tc := range []struct {
		name string
		edit func(o *Options)
		want string
	}{
		{"unknown host", func(o *Options) { o.Config.IMAP = "imap.nowhere.invalid:993" }, "connect to imap.nowhere.invalid:993: unknown host"},
		{"refused", func(o *Options) { o.Config.IMAP = closed }, "connect to " + closed + ": connection refused"},
		{"untrusted", func(o *Options) { o.tls = nil }, "TLS failed: the server's certificate is not trusted"},
		{"wrong name", func(o *Options) { o.Config.IMAP = strings.Replace(o.Config.IMAP, "127.0.0.1", "localhost", 1) }, ""},
		{"login", func(o *Options) { o.Password = "not-the-password" }, "login to " + srv.opts.Config.IMAP + " as alex refused: "},
		{"clear to another host", func(o *Options) {
			o.Config.Security, o.Config.IMAP = vault.SecurityNone, "192.0.2.1:143"
		}, "refusing to log in without TLS"},
		{"TLS to a plain port", func(o *Options) { o.Config.IMAP = plain }, "TLS failed: the server did not answer in TLS"},
		{"no such folder", func(o *Options) { o.Config.Drafts = "Nope" }, "select Nope on " + srv.opts.Config.IMAP + ": "},
		{"silent", func(o *Options) { o.Config.IMAP, o.wait = silent.Addr().String(), 100*time.Millisecond }, "connect to " + silent.Addr().String() + ": the server does not answer"},
		{"no Drafts", func(o *Options) { *o = noDrafts.opts }, "no Drafts folder: none is marked \\Drafts or named Drafts, INBOX.Drafts, [Gmail]/Drafts, Draft"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := srv.opts
			tc.edit(&o)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var d disk
			_, err := push(ctx, o, []Draft{draft("a", "b")}, nil, d.load(t), d.save, nil)
			if tc.want == "" {
				// localhost is in the certificate too.
				if err != nil {
					t.Fatalf("push: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("push succeeded, want %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "mailbox: ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line with %q", msg, tc.want)
			}
			if strings.Contains(msg, o.Password) {
				t.Errorf("error %q shows the password", msg)
			}
			if d.saves != 0 {
				t.Errorf("a failed push saved the state")
			}
		})
	}
}

// Plain IMAP is allowed to this machine, where tests run their servers.
func TestPushInClearOnLoopbackAndSTARTTLS(t *testing.T) {
	srv, plain := startMem(t, memOptions{})
	for _, security := range []string{vault.SecurityNone, vault.SecuritySTARTTLS} {
		o := srv.opts
		o.Config.IMAP, o.Config.Security = plain, security
		s := server{opts: o, user: srv.user, pass: srv.pass}
		var d disk
		if rep := s.mustPush(t, &d, draft("acme-thanks", "hi")); len(rep.Appended)+rep.Unchanged != 1 {
			t.Errorf("%s: %+v", security, rep)
		}
	}
}

func TestScrubTakesOutThePassword(t *testing.T) {
	err := scrub(&refusal{"mailbox: login x: BAD unknown command LOGIN alex hunter22"}, "hunter22")
	if strings.Contains(err.Error(), "hunter22") {
		t.Errorf("%v", err)
	}
}

func TestPrepareRefusesDraftsWithoutTheirHeader(t *testing.T) {
	d := draft("acme-thanks", "hi")
	d.ID = "other"
	if _, err := prepare([]Draft{d}); err == nil || !strings.Contains(err.Error(), d.File) {
		t.Errorf("prepare: %v", err)
	}
}

// TestServerText: the server's own words, without Dovecot's timing.
func TestServerText(t *testing.T) {
	for in, want := range map[string]string{
		"Mailbox doesn't exist: Entwürfe (0.001 + 0.000 secs).":                   "Mailbox doesn't exist: Entwürfe",
		"Quota exceeded (mailbox for user is full) (0.001 + 0.000 + 0.001 secs).": "Quota exceeded (mailbox for user is full)",
		"Authentication failed.": "Authentication failed.",
	} {
		if got := serverText(&imap.Error{Text: in}); got != want {
			t.Errorf("serverText(%q) = %q, want %q", in, got, want)
		}
	}
}
