package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"followup/outbox"
)

func TestFeedHandler(t *testing.T) {
	h := &feedHandler{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(method, path string, header ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get("GET", "/calendar.ics"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("before the first build: %s, want 503", resp.Status)
	}
	cal := []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
	h.publish(cal)

	resp := get("GET", "/calendar.ics", "Accept-Encoding", "gzip")
	etag := resp.Header.Get("ETag")
	switch {
	case resp.StatusCode != 200:
		t.Fatalf("GET: %s", resp.Status)
	case resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8":
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	case !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/"):
		t.Errorf("ETag %q is not a strong ETag", etag)
	case resp.Header.Get("Last-Modified") == "":
		t.Error("no Last-Modified")
	case resp.Header.Get("Content-Encoding") != "":
		t.Errorf("compressed: %q", resp.Header.Get("Content-Encoding"))
	case resp.ContentLength != int64(len(cal)):
		t.Errorf("Content-Length %d, want %d", resp.ContentLength, len(cal))
	}
	if resp := get("GET", "/calendar.ics", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: %s, want 304", resp.Status)
	}
	if resp := get("GET", "/calendar.ics", "If-Modified-Since", resp.Header.Get("Last-Modified")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %s, want 304", resp.Status)
	}
	if resp := get("HEAD", "/calendar.ics"); resp.StatusCode != 200 || resp.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %s, ETag %q", resp.Status, resp.Header.Get("ETag"))
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "OPTIONS"} {
		if resp := get(m, "/calendar.ics"); resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: %s, want 405", m, resp.Status)
		}
	}
	h.publish(append(cal, "X:1\r\n"...))
	if resp := get("GET", "/calendar.ics", "If-None-Match", etag); resp.StatusCode != 200 || resp.Header.Get("ETag") == etag {
		t.Errorf("after a rebuild: %s with ETag %q, want 200 and a new ETag", resp.Status, resp.Header.Get("ETag"))
	}
}

// TestFeedPaths asks for every path that could lead into the vault, raw
// on the wire so that no client cleans them first: all are 404.
func TestFeedPaths(t *testing.T) {
	for _, token := range []string{"", "s3cret-T0ken"} {
		h := &feedHandler{token: token, loopback: true}
		h.publish([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
		srv := httptest.NewServer(h)
		paths := []string{
			"/", "/calendar.ics/", "/calendar.ICS", "//calendar.ics", "/./calendar.ics", "/calendar.ics?x=1#",
			"/../calendar.ics", "/%2e%2e/calendar.ics", "/%2E%2E/%2E%2E/etc/passwd", "/..%2fcalendar.ics",
			"/followup.yaml", "/outbox/calendar.ics", "/interviews/2026/2026-11-19-acme-corp.md",
			"/etc/passwd", "/%2fetc%2fpasswd", "//etc/passwd", "/.git/config", "/outbox/.followup-manifest.json",
			"/calendar.ics%00", "/calendar%2eics", "/index.html", "/s3cret-T0ke/calendar.ics", "/S3CRET-T0KEN/calendar.ics",
			"/s3cret-T0ken/../calendar.ics", "/s3cret-T0ken//calendar.ics", "/s3cret-T0ken/calendar.ics/..", "/x/s3cret-T0ken/calendar.ics",
		}
		if token == "" {
			paths = append(paths, "/s3cret-T0ken/calendar.ics")
		} else {
			paths = append(paths, "/calendar.ics")
		}
		for _, p := range paths {
			if p == "/calendar.ics?x=1#" && token == "" {
				continue // the query is not part of the path: this is the feed
			}
			status := rawGet(t, srv.Listener.Addr().String(), p)
			if status != "404" {
				t.Errorf("token %q: GET %s: %s, want 404", token, p, status)
			}
		}
		want := "/calendar.ics"
		if token != "" {
			want = "/" + token + "/calendar.ics"
		}
		if status := rawGet(t, srv.Listener.Addr().String(), want); status != "200" {
			t.Errorf("token %q: GET %s: %s, want 200", token, want, status)
		}
		// Served on this machine only, the feed answers to its names only:
		// a page whose name points at 127.0.0.1 (DNS rebinding) or an
		// absolute request for another host gets nothing.
		addr := srv.Listener.Addr().String()
		for host, status := range map[string]string{
			"localhost": "200", "127.0.0.1:8765": "200", "[::1]:8765": "200", "[::1]": "200", "LOCALHOST.": "200", "[::1": "404",
			"attacker.example": "404", "attacker.example:8765": "404", "127.0.0.1.nip.io": "404", "": "404",
		} {
			if got := rawGetHost(t, addr, want, host); got != status {
				t.Errorf("token %q: GET %s with Host %q: %s, want %s", token, want, host, got, status)
			}
		}
		if got := rawGet(t, addr, "http://evil.example"+want); got != "404" {
			t.Errorf("token %q: GET http://evil.example%s: %s, want 404", token, want, got)
		}
		srv.Close()
	}
}

// rawGet sends a request line as written and returns the status code.
func rawGet(t *testing.T, addr, target string) string {
	t.Helper()
	return rawGetHost(t, addr, target, "localhost")
}

// rawGetHost is rawGet with a Host header of the caller's.
func rawGetHost(t *testing.T, addr, target, host string) string {
	t.Helper()
	return rawRequest(t, addr, fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, host))
}

// rawRequest sends req as written and returns the status code.
func rawRequest(t *testing.T, addr, req string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(req, "\r\n")
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatalf("%s: %v", first, err)
	}
	fields := strings.Fields(line)
	if len(fields) < 2 {
		t.Fatalf("%s: answer %q", first, line)
	}
	return fields[1]
}

// TestHeaderLimit sends requests of the size SECURITY.md states, and one
// byte more, to the server serve runs, on a loopback listener: the
// request line and headers may take 8 KiB, and no more.
func TestHeaderLimit(t *testing.T) {
	const stated = 8 << 10
	doc, err := os.ReadFile("../../SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(strings.Fields(string(doc)), " "), "limited to 8 KiB (8192 bytes") {
		t.Error("SECURITY.md does not state the limit as 8 KiB (8192 bytes)")
	}
	h := &feedHandler{loopback: true}
	h.publish([]byte("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := feedServer(h)
	go srv.Serve(ln)
	defer srv.Close()
	for size, want := range map[int]string{stated - 1: "200", stated: "200", stated + 1: "431", 12 << 10: "431"} {
		head := "GET /calendar.ics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Padding: "
		req := head + strings.Repeat("x", size-len(head)-len("\r\n\r\n")) + "\r\n\r\n"
		if got := rawRequest(t, ln.Addr().String(), req); got != want {
			t.Errorf("a request of %d bytes up to its blank line: %s, want %s", len(req), got, want)
		}
	}
}

// TestServe runs the command: it prints the addresses, serves the built
// calendar, and stops when told to.
func TestServe(t *testing.T) {
	dir := copyExample(t)
	ctx, cancel := context.WithCancel(t.Context())
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--vault", dir, "--now", "2026-11-20T17:00:00-05:00", "serve", "--addr", "127.0.0.1:0", "--token", "tok"}, nil, io.Discard, log)
	}()
	waitFor(t, "the address", log, func() bool { return strings.Contains(log.String(), "webcal://") })
	var url string
	for _, line := range strings.Split(log.String(), "\n") {
		if _, after, ok := strings.Cut(line, "at http:"); ok {
			url = "http:" + after
		}
	}
	if !strings.HasSuffix(url, "/tok/calendar.ics") {
		t.Fatalf("served at %q:\n%s", url, log)
	}
	waitFor(t, "the first build", log, func() bool { return strings.Contains(log.String(), "watching") })
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	disk, _ := os.ReadFile(dir + "/outbox/calendar.ics")
	if resp.StatusCode != 200 || string(body) != string(disk) {
		t.Errorf("GET %s: %s, %d bytes; the calendar file has %d", url, resp.Status, len(body), len(disk))
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeBadTokenUnlocks: serve refusing its token lets go of the
// outbox's lock, so that the next build does not wait for a process that
// is gone.
func TestServeBadTokenUnlocks(t *testing.T) {
	dir := copyExample(t)
	err := run(t.Context(), []string{"--vault", dir, "serve", "--addr", "127.0.0.1:0", "--token", "a/b"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "the token may hold") {
		t.Fatalf("serve with a bad token: %v", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	l, err := outbox.TakeLock(root, "outbox", 0)
	if err != nil {
		t.Fatalf("the lock is still held: %v", err)
	}
	l.Unlock()
}
