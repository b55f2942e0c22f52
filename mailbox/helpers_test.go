package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"followup/mailbox/mailtest"
	"followup/render"
	"followup/vault"
)

// eml is a draft as render writes it: CRLF, with its identity and a
// Message-ID derived from it.
func eml(id, body string) []byte {
	return []byte(strings.Join([]string{
		"From: Alex Martin <alex@example.com>",
		"To: Helen Moreau <helen@acme.example>",
		"Subject: Thank you, " + id,
		"Message-ID: <" + id + "@followup.invalid>",
		render.HeaderID + ": " + id,
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"",
		body,
		"",
	}, "\r\n"))
}

func draft(id, body string) Draft {
	return Draft{
		ID:   id,
		Note: "interviews/" + id + ".md",
		File: "outbox/" + id + ".eml",
		To:   "Helen Moreau",
		Data: eml(id, body),
	}
}

// disk stands for the state file: what save wrote is what the next run
// reads, as a new process would.
type disk struct {
	saved []byte
	saves int
}

func (d *disk) save(st *State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	d.saved, d.saves = b, d.saves+1
	return nil
}

func (d *disk) load(t testing.TB) *State {
	t.Helper()
	st := &State{}
	if d.saved != nil {
		if err := json.Unmarshal(d.saved, st); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// A server is an IMAP server a test pushes to, and how to look at it.
type server struct {
	opts Options
	user string
	pass string
}

// pushTo runs one push as a new process would: the state from disk,
// saved back to it.
func (s server) pushTo(t testing.TB, d *disk, drafts []Draft, people []Person, cut hook) (Report, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return push(ctx, s.opts, drafts, people, d.load(t), d.save, cut)
}

func (s server) mustPush(t testing.TB, d *disk, drafts ...Draft) Report {
	t.Helper()
	rep, err := s.pushTo(t, d, drafts, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// A held message is one in a folder, as a client sees it.
type held struct {
	UID   uint32
	Flags []imap.Flag
	Data  []byte
}

func (h held) id() string {
	_, rest, ok := bytes.Cut(h.Data, []byte(render.HeaderID+": "))
	if !ok {
		return ""
	}
	v, _, _ := bytes.Cut(rest, []byte("\r\n"))
	return string(v)
}

// client logs in as the user, to look and to act as their mail program.
func (s server) client(t testing.TB) *imapclient.Client {
	t.Helper()
	opts := s.opts
	c, err := imapclient.DialTLS(opts.Config.IMAP, &imapclient.Options{TLSConfig: opts.tls})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.user, s.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// look lists a folder without changing it.
func (s server) look(t testing.TB, folder string) []held {
	t.Helper()
	c := s.client(t)
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	whole := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
		UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{whole},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []held
	for _, m := range msgs {
		out = append(out, held{UID: uint32(m.UID), Flags: m.Flags, Data: m.FindBodySection(whole)})
	}
	slices.SortFunc(out, func(a, b held) int { return int(a.UID) - int(b.UID) })
	return out
}

// put appends a message as the user's mail program would.
func (s server) put(t testing.TB, folder string, data []byte, when time.Time, flags ...imap.Flag) uint32 {
	t.Helper()
	c := s.client(t)
	cmd := c.Append(folder, int64(len(data)), &imap.AppendOptions{Flags: flags, Time: when})
	cmd.Write(data)
	cmd.Close()
	res, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return uint32(res.UID)
}

// expunge deletes a message as the user's mail program would.
func (s server) expunge(t testing.TB, folder string, uid uint32) {
	t.Helper()
	c := s.client(t)
	if _, err := c.Select(folder, nil).Wait(); err != nil {
		t.Fatal(err)
	}
	set := imap.UIDSetNum(imap.UID(uid))
	if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UIDExpunge(set).Collect(); err != nil {
		t.Fatal(err)
	}
}

// memOptions change the in-process server.
type memOptions struct {
	caps      imap.CapSet // nil: IMAP4rev1 with UIDPLUS
	folders   []string    // nil: INBOX and Drafts
	noUIDPlus bool        // APPEND answers without APPENDUID
}

// startMem runs go-imap's in-memory server on loopback ports: one with
// implicit TLS (opts), one in clear that offers STARTTLS (plain).
func startMem(t testing.TB, o memOptions) (srv server, plain string) {
	t.Helper()
	if o.caps == nil {
		o.caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}
	}
	if o.folders == nil {
		o.folders = []string{"INBOX", "Drafts"}
	}
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("alex", "s3cret-pass")
	for _, f := range o.folders {
		if err := u.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	cert, clientTLS := mailtest.Certificate(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	s := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			sess := mem.NewSession()
			if o.noUIDPlus {
				sess = noAppendUID{sess}
			}
			return sess, nil, nil
		},
		Caps:         o.caps,
		TLSConfig:    serverTLS,
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(tls.NewListener(ln, serverTLS))
	go s.Serve(pln)
	t.Cleanup(func() { s.Close() })
	return server{
		opts: Options{
			Config:   vault.Mailbox{IMAP: ln.Addr().String(), Security: vault.SecurityTLS, Username: "alex", Inbox: "INBOX"},
			Password: "s3cret-pass",
			tls:      clientTLS,
		},
		user: "alex",
		pass: "s3cret-pass",
	}, pln.Addr().String()
}

// noAppendUID is a server without UIDPLUS's APPENDUID.
type noAppendUID struct{ imapserver.Session }

func (s noAppendUID) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	_, err := s.Session.Append(mailbox, r, options)
	return nil, err
}

// copiesOf are the messages of a folder that carry id.
func copiesOf(msgs []held, id string) []held {
	var out []held
	for _, m := range msgs {
		if m.id() == id {
			out = append(out, m)
		}
	}
	return out
}

func describe(msgs []held) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "  uid %d %v %q\n", m.UID, m.Flags, m.id())
	}
	return b.String()
}
