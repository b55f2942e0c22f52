package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"followup/outbox"
	"followup/vault"
)

const serveHelp = `usage: followup serve [--addr HOST:PORT] [--token TOKEN] [--poll DURATION] [--push]

Serve does what watch does, and serves the calendar over HTTP for a
calendar application to subscribe to: at /calendar.ics, or only at
/TOKEN/calendar.ics when a token is set. Nothing else is served. It binds
127.0.0.1:8765 unless --addr or serve.addr in followup.yaml says otherwise,
and prints the http:// and webcal:// addresses to subscribe to.

	--addr HOST:PORT   where to listen (default serve.addr, 127.0.0.1:8765)
	--token TOKEN      serve the calendar under this secret only (default serve.token);
	                   letters, digits, - and _
	--poll DURATION    also rescan the vault this often, as watch does
	--push             push after each rebuild, as watch --push does

Example:

	followup --vault ~/job-search serve --token "$(openssl rand -hex 16)"
`

func runServe(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "", "listen on `HOST:PORT`")
	token := fs.String("token", "", "serve the calendar under `TOKEN` only")
	poll := fs.Duration("poll", 0, "rescan the vault every `DURATION`")
	push := fs.Bool("push", false, "push after each rebuild")
	if err := parseFlags(fs, g, args, stdout, serveHelp); err != nil {
		return err
	}
	// The configuration gives the defaults; watch reads it again.
	w, err := openWorkspace(g)
	if err != nil {
		return err
	}
	rep := reporter{stdout: io.Discard, stderr: stderr}
	err = w.loadConfig(rep)
	var lock *outbox.Lock
	if err == nil {
		err = w.requireVault()
	}
	if err == nil {
		// Taken before listening: a second serve of one vault says so
		// before it says where it serves.
		lock, err = w.lockOutbox()
	}
	w.root.Close()
	if err != nil {
		return err
	}
	if *addr == "" {
		*addr = w.cfg.Serve.Addr
	}
	if *token == "" {
		*token = w.cfg.Serve.Token
	}
	if strings.Trim(*token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		lock.Unlock()
		return usagef("serve: the token may hold letters, digits, - and _ only: it is part of the address")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		lock.Unlock()
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	// Bound to this machine only, the feed answers only to this
	// machine's names: a web page that points a name of its own at
	// 127.0.0.1 (DNS rebinding) gets nothing.
	feed := &feedHandler{token: *token, loopback: vault.IsLoopback(host)}
	srv := feedServer(feed)
	shown := host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		shown = "localhost" // every address of the machine: this one works here
	}
	url := "//" + net.JoinHostPort(shown, port) + feed.path()
	fmt.Fprintf(stderr, "followup: serving the calendar at http:%s\nfollowup: subscribe with webcal:%s\n", url, url)
	if !vault.IsLoopback(host) && *token == "" {
		fmt.Fprintf(stderr, "followup: warning: %s is reachable from other machines and no token is set: anyone who can reach it can read your calendar; set --token\n", *addr)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	watchErr := watchLocked(ctx, g, watchOptions{poll: *poll, push: *push}, stderr, feed.publish, lock)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) && watchErr == nil {
		return err
	}
	return watchErr
}

// maxHeadBytes is the most a request's line and headers, up to the blank
// line that ends them, may take: a longer request is refused with 431.
const maxHeadBytes = 8 << 10

// feedServer is the HTTP server of the feed h.
func feedServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		// net/http reads 4096 bytes more than MaxHeaderBytes before it
		// refuses a request (its "bufio slop"): taken off, the limit is
		// maxHeadBytes, as SECURITY.md says. TestHeaderLimit holds it.
		MaxHeaderBytes: maxHeadBytes - 4096,
	}
}

// localHost reports whether the Host of a request names this machine:
// a name, or an address with or without a port ("[::1]", "[::1]:8765").
func localHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else if len(hostport) > 2 && hostport[0] == '[' && hostport[len(hostport)-1] == ']' {
		host = hostport[1 : len(hostport)-1]
	}
	return vault.IsLoopback(strings.TrimSuffix(strings.ToLower(host), "."))
}

// A feedHandler serves the calendar as last built, from memory: a request
// never sees a file half-written, and never anything of the vault.
type feedHandler struct {
	token    string
	loopback bool // answer only requests for this machine's names

	mu       sync.RWMutex
	data     []byte
	etag     string
	modified time.Time
}

func (h *feedHandler) path() string {
	if h.token != "" {
		return "/" + h.token + "/calendar.ics"
	}
	return "/calendar.ics"
}

// publish makes data the calendar served, if it changed.
func (h *feedHandler) publish(data []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.data != nil && bytes.Equal(h.data, data) {
		return
	}
	sum := sha256.Sum256(data)
	h.data = data
	h.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	h.modified = time.Now().UTC().Truncate(time.Second)
}

func (h *feedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !h.matches(r.URL.EscapedPath()) || h.loopback && !localHost(r.Host) {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h.mu.RLock()
	data, etag, modified := h.data, h.etag, h.modified
	h.mu.RUnlock()
	if data == nil {
		http.Error(w, "the calendar is not built yet", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "calendar.ics", modified, bytes.NewReader(data))
}

// matches reports whether the request's path, as sent, is the feed's: the
// token is compared in constant time, and nothing is decoded, so that no
// %2e%2e or doubled slash can reach anything else.
func (h *feedHandler) matches(escaped string) bool {
	if h.token == "" {
		return escaped == "/calendar.ics"
	}
	rest, ok := strings.CutSuffix(escaped, "/calendar.ics")
	if !ok || !strings.HasPrefix(rest, "/") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(rest[1:]), []byte(h.token)) == 1
}
