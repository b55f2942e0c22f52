// Package caldavtest starts a real CalDAV server, Radicale, for the tests
// of the packages that push to one. It is imported by tests only.
package caldavtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A Server is a Radicale started for one test and stopped when it ends.
type Server struct {
	URL      string // the server's root, http://127.0.0.1:port/
	User     string
	Password string
	// Folder is Radicale's storage: the objects of a calendar are files
	// in Folder/collection-root/<user>/<calendar>/.
	Folder string
}

// missing skips the test, or fails it where the servers must be there:
// CI sets FOLLOWUP_REQUIRE_SERVERS=1, so that a test that cannot run
// does not pass unnoticed.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("FOLLOWUP_REQUIRE_SERVERS") == "1" {
		t.Fatalf(format+" (FOLLOWUP_REQUIRE_SERVERS=1)", args...)
	}
	t.Skipf(format, args...)
}

// StartRadicale starts Radicale on a free loopback port with one user,
// plain htpasswd authentication and its storage in a temporary folder,
// and returns once it accepts connections. Without Radicale installed the
// test is skipped, or fails under FOLLOWUP_REQUIRE_SERVERS=1.
func StartRadicale(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("radicale")
	if err != nil {
		missing(t, "radicale is not installed (Debian: apt-get install radicale)")
	}
	dir := t.TempDir()
	s := &Server{User: "alex", Password: "correct horse battery", Folder: filepath.Join(dir, "storage")}
	users := filepath.Join(dir, "users")
	if err := os.WriteFile(users, []byte(s.User+":"+s.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	s.URL = "http://" + addr + "/"
	config := fmt.Sprintf(`[server]
hosts = %s
[auth]
type = htpasswd
htpasswd_filename = %s
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = %s
[web]
type = none
[logging]
level = warning
mask_passwords = True
`, addr, users, s.Folder)
	configPath := filepath.Join(dir, "config")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "--config", configPath)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("radicale: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() && out.Len() > 0 {
			t.Logf("radicale's log:\n%s", out.String())
		}
	})

	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		select {
		case <-exited:
			t.Fatalf("radicale exited before listening on %s:\n%s", addr, out.String())
		case <-time.After(20 * time.Millisecond): // the polling interval
		}
		if time.Now().After(deadline) {
			t.Fatalf("radicale does not listen on %s after 10 s:\n%s", addr, out.String())
		}
	}
}

// freePort returns a loopback address no one listens on, for now.
func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// lockedBuffer collects the server's output, written by the process while
// the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// PythonCalDAV returns a Python that has the caldav package (Debian's
// python3-caldav), a second client to read a calendar back with. Without
// one the test is skipped, or fails under FOLLOWUP_REQUIRE_SERVERS=1.
func PythonCalDAV(t testing.TB) string {
	t.Helper()
	// Debian's package is for Debian's Python, not for one of PATH's.
	for _, python := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(python, "-c", "import caldav").Run() == nil {
			return python
		}
	}
	missing(t, "no python3 with the caldav package (Debian: apt-get install python3-caldav)")
	return ""
}
