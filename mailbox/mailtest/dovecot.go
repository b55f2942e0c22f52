// Package mailtest runs a real IMAP server, Dovecot, for tests: started
// on free loopback ports with a configuration written to a temporary
// folder, stopped when the test ends, its Maildir open to inspection.
package mailtest

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"followup/vault"
)

// RequireEnv is the variable that, set to 1, turns a missing Dovecot
// into a failure instead of a skip: CI installs it, so there a skip
// would hide a broken setup.
const RequireEnv = "FOLLOWUP_REQUIRE_SERVERS"

// A Server is a running Dovecot with one user.
type Server struct {
	Addr     string      // 127.0.0.1:port: plain IMAP, STARTTLS offered
	TLSAddr  string      // 127.0.0.1:port: implicit TLS
	TLS      *tls.Config // RootCAs trusts the server's certificate
	CertFile string      // that certificate, PEM: for SSL_CERT_FILE in a child process
	User     string
	Password string
	Drafts   string // the folder marked \Drafts
	Maildir  string // the user's Maildir (Maildir++ layout, "/" separator)
	Log      string // Dovecot's log file, shown when a test fails

	uid, gid int // owner of the mail files
}

// Options change the server StartDovecotWith starts.
type Options struct {
	// Drafts names the folder marked \Drafts, created at login; "" is
	// "Drafts". Any other name is found only by its attribute.
	Drafts string
	// QuotaKB, when above 0, limits the user's storage, so that an
	// APPEND fails with the server's [OVERQUOTA].
	QuotaKB int
}

// StartDovecot starts Dovecot with the default Options.
func StartDovecot(t testing.TB) *Server {
	t.Helper()
	return StartDovecotWith(t, Options{})
}

// StartDovecotWith starts Dovecot, waits until it accepts connections,
// and stops it when the test ends. Without Dovecot the test is skipped,
// or fails when RequireEnv is set to 1.
func StartDovecotWith(t testing.TB, o Options) *Server {
	t.Helper()
	bin := dovecotBinary()
	if bin == "" {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("mailtest: dovecot not found, and %s=1 (install dovecot-imapd)", RequireEnv)
		}
		t.Skip("mailtest: dovecot not found (Debian: dovecot-imapd)")
	}
	if o.Drafts == "" {
		o.Drafts = "Drafts"
	}

	// Dovecot's processes run as other users: the folder must be open
	// to them, and a short path keeps its sockets' names in bounds.
	dir, err := os.MkdirTemp("", "dovecot")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	s := &Server{
		User:     "alex@example.com",
		Password: "correct horse battery staple",
		Drafts:   o.Drafts,
		Maildir:  filepath.Join(dir, "Maildir"),
		Log:      filepath.Join(dir, "dovecot.log"),
	}
	loginUser, mailUser := mailUsers(t)
	s.uid, s.gid = mailUser.uid, mailUser.gid

	certPEM, keyPEM, roots := selfSigned(t)
	s.TLS = &tls.Config{RootCAs: roots}
	s.CertFile = filepath.Join(dir, "cert.pem")
	write(t, s.CertFile, certPEM, 0o644)
	write(t, filepath.Join(dir, "key.pem"), keyPEM, 0o600)
	write(t, filepath.Join(dir, "passwd"), fmt.Appendf(nil, "%s:{PLAIN}%s:%d:%d::%s::\n",
		s.User, s.Password, s.uid, s.gid, filepath.Join(dir, "home")), 0o644)
	for _, d := range []string{"home", "Maildir"} {
		s.mkdir(t, filepath.Join(dir, d))
	}

	// A port found free may be taken before Dovecot binds it: try again.
	for attempt := 0; ; attempt++ {
		plain, secure := freePort(t), freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(plain))
		s.TLSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(secure))
		conf := filepath.Join(dir, "dovecot.conf")
		write(t, conf, config(dir, plain, secure, loginUser, o), 0o644)
		err := s.run(t, bin, conf)
		if err == nil {
			return s
		}
		if attempt == 2 {
			t.Fatalf("mailtest: dovecot did not start: %v\n%s", err, s.logText())
		}
	}
}

// run starts Dovecot in the foreground, as a child of the test, and
// waits until both ports answer.
func (s *Server) run(t testing.TB, bin, conf string) error {
	cmd := exec.Command(bin, "-F", "-c", conf)
	// A file, not a pipe: Wait would wait for Dovecot's children too,
	// which hold the pipe until they are gone.
	outPath := conf + ".out"
	out, err := os.Create(outPath)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that it is stopped with its children at
	// once: a master told to stop waits a second for them, too long for
	// each test. The temporary folder goes anyway.
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return err
	}
	said := func() string {
		b, _ := os.ReadFile(outPath)
		return string(b)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	deadline := time.Now().Add(10 * time.Second)
	for _, addr := range []string{s.Addr, s.TLSAddr} {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				return fmt.Errorf("exited (%v): %s", err, said())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				<-exited
				return fmt.Errorf("%s not listening after 10s: %s", addr, said())
			}
		}
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		if t.Failed() {
			t.Logf("dovecot's log:\n%s", s.logText())
		}
	})
	return nil
}

// Config is the mailbox configuration that reaches the server with
// security tls (TLSAddr), or starttls or none (Addr); the password is
// s.Password. With TLS the client must trust s.TLS or s.CertFile; none
// needs nothing, the server being on a loopback address.
func (s *Server) Config(security string) vault.Mailbox {
	addr := s.Addr
	if security == vault.SecurityTLS {
		addr = s.TLSAddr
	}
	return vault.Mailbox{IMAP: addr, Security: security, Username: s.User, Inbox: "INBOX"}
}

func (s *Server) logText() string {
	b, _ := os.ReadFile(s.Log)
	return string(b)
}

type account struct {
	name     string
	uid, gid int
}

// mailUsers are who Dovecot's login processes run as, and who owns the
// mail. Dovecot refuses mail for UID 0, so as root the mail belongs to
// nobody, and the login processes are the dovenull Debian creates.
func mailUsers(t testing.TB) (login string, mail account) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		return u.Username, account{u.Username, os.Getuid(), os.Getgid()}
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		t.Fatalf("mailtest: running as root needs the user nobody: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return "dovenull", account{u.Username, uid, gid}
}

func config(dir string, plain, secure int, login string, o Options) []byte {
	internal, group := "dovecot", "dovecot"
	chroot := ""
	if os.Geteuid() != 0 {
		// Without root, every process is this user, and none can chroot.
		internal = login
		group = strconv.Itoa(os.Getgid())
		if g, err := user.LookupGroupId(group); err == nil {
			group = g.Name
		}
		chroot = "  chroot =\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = %[2]s
default_internal_user = %[3]s
default_internal_group = %[8]s
ssl = yes
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = %[1]s/passwd
}
userdb {
  driver = passwd-file
  args = %[1]s/passwd
}
mail_location = maildir:%[1]s/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox "%[4]s" {
    special_use = \Drafts
    auto = create
  }
}
service imap-login {
%[7]s  inet_listener imap {
    address = 127.0.0.1
    port = %[5]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[6]d
    ssl = yes
  }
}
`, dir, login, internal, o.Drafts, plain, secure, chroot, group)
	if chroot != "" {
		fmt.Fprintf(&b, "service anvil {\n%s}\n", chroot)
	}
	if o.QuotaKB > 0 {
		fmt.Fprintf(&b, `mail_plugins = $mail_plugins quota
protocol imap {
  mail_plugins = $mail_plugins imap_quota
}
plugin {
  quota = maildir:User quota
  quota_rule = *:storage=%dk
}
`, o.QuotaKB)
	}
	return []byte(b.String())
}

func dovecotBinary() string {
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/dovecot"); err == nil {
		return "/usr/sbin/dovecot"
	}
	return ""
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func write(t testing.TB, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
}
