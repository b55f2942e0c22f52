package caldav

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"followup/vault"
)

// ErrLogin is the error of a login the server refused (401): the user
// name or the password is wrong.
var ErrLogin = errors.New("login refused")

// conn is one push's way to the server: an HTTP client that logs in, and
// go-webdav's CalDAV client over it for discovery and listing. Writes are
// requests of our own: go-webdav re-encodes what it puts, and sends no
// If-Match.
type conn struct {
	http    webdav.HTTPClient
	dav     *caldav.Client
	base    *url.URL // the configured URL, without user information
	user    string
	counter *counter
}

// requestTimeout bounds one request: a server that stops answering fails
// the push instead of hanging watch.
const requestTimeout = 30 * time.Second

func dial(opts Options) (*conn, error) {
	u, err := url.Parse(opts.Config.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("caldav: the url %q is not a URL", opts.Config.URL)
	}
	u.User = nil
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && vault.IsLoopback(u.Hostname()):
	case u.Scheme == "http":
		return nil, fmt.Errorf("caldav: %s: http sends the password in the clear: use https", u.Redacted())
	default:
		return nil, fmt.Errorf("caldav: %s: want an https URL", u.Redacted())
	}
	client := opts.client
	if client == nil {
		client = &http.Client{Timeout: requestTimeout}
	}
	cp := *client
	next := cp.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cnt := &counter{next: next}
	cp.Transport = cnt
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		if req.URL.Scheme != "https" && !vault.IsLoopback(req.URL.Hostname()) {
			return fmt.Errorf("redirected to %s, without TLS", req.URL.Redacted())
		}
		return nil
	}
	hc := webdav.HTTPClientWithBasicAuth(&cp, opts.Config.Username, opts.Password)
	dav, err := caldav.NewClient(hc, u.String())
	if err != nil {
		return nil, fmt.Errorf("caldav: %v", err)
	}
	return &conn{http: hc, dav: dav, base: u, user: opts.Config.Username, counter: cnt}, nil
}

// counter counts the requests, and keeps the status of the last response:
// go-webdav's errors carry it in a type of its internal package.
type counter struct {
	next   http.RoundTripper
	n      atomic.Int64
	status atomic.Int64
}

func (c *counter) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	c.status.Store(0)
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		c.status.Store(int64(resp.StatusCode))
	}
	return resp, err
}

// fail turns err, met while doing what, into one line a person can act on.
func (c *conn) fail(what string, err error) error {
	host := c.base.Host
	var (
		dns     *net.DNSError
		verify  *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		name    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		netErr  net.Error
	)
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("caldav: %s: %w", what, context.Canceled)
	case errors.As(err, &dns):
		return fmt.Errorf("caldav: cannot find the server %s: %s", dns.Name, dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("caldav: %s refused the connection: is the server running, on that port?", host)
	case errors.As(err, &verify):
		return fmt.Errorf("caldav: %s: the server's certificate is not trusted: %v", host, verify.Err)
	case errors.As(err, &unknown), errors.As(err, &name), errors.As(err, &invalid):
		return fmt.Errorf("caldav: %s: the server's certificate is not trusted: %v", host, err)
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http hides the RecordHeaderError behind its own text.
		return fmt.Errorf("caldav: %s does not answer in TLS: is the URL http?", host)
	case errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("caldav: %s does not answer: %s timed out", host, what)
	}
	switch c.counter.status.Load() {
	case http.StatusUnauthorized:
		return fmt.Errorf("caldav: %s: %w for %s", host, ErrLogin, c.user)
	}
	return fmt.Errorf("caldav: %s: %v", what, err)
}

// statusError is the error of a response that is none of those expected.
func (c *conn) statusError(what string, resp *http.Response) error {
	if resp.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("caldav: %s: %w for %s", c.base.Host, ErrLogin, c.user)
	}
	return fmt.Errorf("caldav: %s: the server answered %s", what, resp.Status)
}

// ref is the URL of the path p on the server.
func (c *conn) ref(p string) string {
	return (&url.URL{Scheme: c.base.Scheme, Host: c.base.Host, Path: p}).String()
}

// send makes one request of our own, logged in; the caller closes the
// response's body.
func (c *conn) send(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.ref(path), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return c.http.Do(req)
}

// put writes data at path: only where there is nothing with etag "",
// else only over the version etag. It returns the new ETag, or the status
// 412 when the condition failed.
func (c *conn) put(ctx context.Context, path string, data []byte, etag string) (string, int, error) {
	h := http.Header{"Content-Type": {ical.MIMEType + "; charset=utf-8"}}
	if etag == "" {
		h.Set("If-None-Match", "*")
	} else {
		h.Set("If-Match", quote(etag))
	}
	what := "writing " + c.ref(path)
	resp, err := c.send(ctx, http.MethodPut, path, h, data)
	if err != nil {
		return "", 0, c.fail(what, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPreconditionFailed:
		return "", resp.StatusCode, nil
	case resp.StatusCode/100 != 2:
		return "", resp.StatusCode, c.statusError(what, resp)
	}
	if tag := unquote(resp.Header.Get("ETag")); tag != "" {
		return tag, resp.StatusCode, nil
	}
	// A server that changed what it stored sends no ETag (RFC 4791,
	// section 5.3.4): ask for the ETag of what it keeps.
	fi, err := c.dav.Stat(ctx, path)
	if err != nil {
		return "", resp.StatusCode, c.fail(what, err)
	}
	if fi.ETag == "" {
		return "", resp.StatusCode, fmt.Errorf("caldav: %s: the server gives no ETag, so the user's changes cannot be told from ours", what)
	}
	return fi.ETag, resp.StatusCode, nil
}

// remove deletes path if it is still the version etag. It returns the
// status: 412 when it is not, 404 when it is gone.
func (c *conn) remove(ctx context.Context, path, etag string) (int, error) {
	what := "deleting " + c.ref(path)
	resp, err := c.send(ctx, http.MethodDelete, path, http.Header{"If-Match": {quote(etag)}}, nil)
	if err != nil {
		return 0, c.fail(what, err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPreconditionFailed, resp.StatusCode == http.StatusNotFound:
		return resp.StatusCode, nil
	case resp.StatusCode/100 != 2:
		return resp.StatusCode, c.statusError(what, resp)
	}
	return resp.StatusCode, nil
}

// get reads the object at path and its ETag; found is false when there
// is none.
func (c *conn) get(ctx context.Context, path string) (data []byte, etag string, found bool, err error) {
	what := "reading " + c.ref(path)
	resp, err := c.send(ctx, http.MethodGet, path, http.Header{"Accept": {ical.MIMEType}}, nil)
	if err != nil {
		return nil, "", false, c.fail(what, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, "", false, nil
	case resp.StatusCode/100 != 2:
		return nil, "", false, c.statusError(what, resp)
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxObject))
	if err != nil {
		return nil, "", false, c.fail(what, err)
	}
	return data, unquote(resp.Header.Get("ETag")), true, nil
}

// maxObject bounds what get reads: one event is a few kilobytes.
const maxObject = 1 << 20

// mkcalendar creates the calendar collection path named name (RFC 4791,
// section 5.3.1), which go-webdav's client cannot.
func (c *conn) mkcalendar(ctx context.Context, path, name string) error {
	var body bytes.Buffer
	body.WriteString(xml.Header)
	body.WriteString(`<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>`)
	xml.EscapeText(&body, []byte(name))
	body.WriteString(`</D:displayname></D:prop></D:set></C:mkcalendar>`)
	what := fmt.Sprintf("no calendar named %q, and creating it at %s", name, c.ref(path))
	resp, err := c.send(ctx, "MKCALENDAR", path, http.Header{"Content-Type": {`application/xml; charset="utf-8"`}}, body.Bytes())
	if err != nil {
		return c.fail(what, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return c.statusError(what, resp)
	}
	return nil
}

// quote and unquote convert between an entity tag as HTTP writes it,
// "…", and its value, as go-webdav and State hold it. A weak tag (W/"…")
// is taken as its value: CalDAV servers give strong ones.
func quote(etag string) string { return `"` + etag + `"` }

func unquote(tag string) string {
	tag = strings.TrimPrefix(tag, "W/")
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		return tag[1 : len(tag)-1]
	}
	return tag
}
