package mailbox

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"followup/vault"
)

// session is one logged-in connection, and what errors are said about.
type session struct {
	c    *imapclient.Client
	addr string // host:port, for messages
	caps imap.CapSet
	stop func() bool // ends the watch of the context
}

// dial connects and logs in. The context ends the connection: the
// client has no context of its own, so closing the socket is what stops
// a command that waits.
func dial(ctx context.Context, opts Options) (*session, error) {
	cfg := opts.Config
	addr := cfg.IMAP
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("mailbox: imap %q is not host:port", addr)
	}
	security := cfg.Security
	if security == "" {
		security = vault.SecurityTLS
	}
	if security == vault.SecurityNone && !vault.IsLoopback(host) {
		// The configuration refuses this too; the password must not
		// cross a network in clear even if it were let through.
		return nil, fmt.Errorf("mailbox: %s: refusing to log in without TLS to a host that is not this machine", addr)
	}

	tcfg := &tls.Config{ServerName: strings.Trim(host, "[]"), MinVersion: tls.VersionTLS12}
	if opts.tls != nil {
		tcfg.RootCAs = opts.tls.RootCAs
	}

	wait := cmp.Or(opts.wait, answerWithin)
	d := net.Dialer{Timeout: wait}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, connectError(ctx, addr, err)
	}
	conn := net.Conn(&patientConn{Conn: raw, wait: wait})
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*session, error) {
		stop()
		conn.Close()
		return nil, err
	}

	var c *imapclient.Client
	switch security {
	case vault.SecurityTLS:
		tconn := tls.Client(conn, tcfg)
		if err := tconn.HandshakeContext(ctx); err != nil {
			return fail(connectError(ctx, addr, err))
		}
		c = imapclient.New(tconn, nil)
	case vault.SecuritySTARTTLS:
		c, err = imapclient.NewStartTLS(conn, &imapclient.Options{TLSConfig: tcfg})
		if err != nil {
			return fail(connectError(ctx, addr, err))
		}
	case vault.SecurityNone:
		c = imapclient.New(conn, nil)
	default:
		return fail(fmt.Errorf("mailbox: unknown security %q: tls, starttls or none", security))
	}
	s := &session{c: c, addr: addr, stop: stop}
	if err := c.WaitGreeting(); err != nil {
		s.close()
		return nil, connectError(ctx, addr, err)
	}
	if c.Caps().Has(imap.CapLoginDisabled) {
		s.close()
		return nil, fmt.Errorf("mailbox: login to %s: the server does not take a password here", addr)
	}
	if err := c.Login(cfg.Username, opts.Password).Wait(); err != nil {
		s.close()
		var ierr *imap.Error
		if errors.As(err, &ierr) {
			return nil, fmt.Errorf("mailbox: login to %s as %s refused: %s", addr, cfg.Username, serverText(ierr))
		}
		return nil, s.fail(ctx, "login", err)
	}
	s.caps = c.Caps()
	return s, nil
}

// answerWithin is how long a server may take to answer: one that takes
// longer is taken for gone, so that a push, and a watcher's rebuilds
// after it, never wait for ever.
const answerWithin = 30 * time.Second

// A patientConn gives up on a read or a write the server does not answer
// within wait.
type patientConn struct {
	net.Conn
	wait time.Duration
}

func (c *patientConn) Read(b []byte) (int, error) {
	_ = c.SetReadDeadline(time.Now().Add(c.wait))
	return c.Conn.Read(b)
}

func (c *patientConn) Write(b []byte) (int, error) {
	_ = c.SetWriteDeadline(time.Now().Add(c.wait))
	return c.Conn.Write(b)
}

// close logs out and closes. On a connection already lost the LOGOUT
// fails at once; on one that hangs, the context's end closes it.
func (s *session) close() {
	s.c.Logout().Wait()
	s.c.Close()
	s.stop()
}

// fail words an error of a command: the server's text when it answered
// NO or BAD, or what became of the connection.
func (s *session) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("mailbox: %s %s: %w", op, s.addr, ctx.Err())
	}
	var ierr *imap.Error
	if errors.As(err, &ierr) {
		return &refusal{fmt.Sprintf("mailbox: %s %s: %s", op, s.addr, serverText(ierr))}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("mailbox: %s %s: the server stopped answering", op, s.addr)
	}
	return fmt.Errorf("mailbox: %s %s: connection lost: %v", op, s.addr, err)
}

// A refusal is a command the server answered with NO or BAD: unlike a
// lost connection, it is sure the command did nothing.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

// serverText is a NO or BAD as the server said it, with its code (such
// as OVERQUOTA or TOOBIG), which says more than the text on some
// servers.
func serverText(err *imap.Error) string {
	// Dovecot adds how long the command took: "(0.001 + 0.000 secs)."
	text := strings.TrimSpace(timing.ReplaceAllString(err.Text, ""))
	if text == "" {
		text = string(err.Type)
	}
	if err.Code != "" {
		return "[" + string(err.Code) + "] " + text
	}
	return text
}

var timing = regexp.MustCompile(`\s*\([0-9.]+ \+ [0-9.]+(?: \+ [0-9.]+)? secs\)\.?$`)

// connectError says in one line why no IMAP session could start.
func connectError(ctx context.Context, addr string, err error) error {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		badName x509.HostnameError
		invalid x509.CertificateInvalidError
		alert   tls.AlertError
		recErr  tls.RecordHeaderError
	)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("mailbox: connect to %s: %w", addr, ctx.Err())
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Errorf("mailbox: connect to %s: unknown host", addr)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("mailbox: connect to %s: connection refused", addr)
	case errors.As(err, &unknown):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: the server's certificate is not trusted (signed by an unknown authority)", addr)
	case errors.As(err, &badName):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: the server's certificate is not trusted (%v)", addr, badName)
	case errors.As(err, &invalid):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: the server's certificate is not trusted (%v)", addr, invalid)
	case errors.As(err, &certErr):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: the server's certificate is not trusted (%v)", addr, certErr.Err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("mailbox: connect to %s: the server does not answer", addr)
	case errors.As(err, &recErr):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: the server did not answer in TLS (is the port for STARTTLS or plain IMAP?)", addr)
	case errors.As(err, &alert):
		return fmt.Errorf("mailbox: connect to %s: TLS failed: %v", addr, err)
	}
	var ierr *imap.Error
	if errors.As(err, &ierr) {
		return fmt.Errorf("mailbox: connect to %s: %s", addr, serverText(ierr))
	}
	return fmt.Errorf("mailbox: connect to %s: %v", addr, err)
}
