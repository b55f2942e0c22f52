package mailtest

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A Message is one file of a Maildir folder. Dovecot stores lines
// ending in LF, whatever the client sent; it gives CRLF back over IMAP.
type Message struct {
	Name  string // the file's name, in cur/ or new/
	Flags string // the Maildir flags, such as "DS": D draft, S seen, T deleted
	Data  []byte
}

// Messages are the files of a folder ("INBOX", "Drafts"), sorted by
// name, which begins with the time of delivery.
func (s *Server) Messages(t testing.TB, folder string) []Message {
	t.Helper()
	var out []Message
	for _, sub := range []string{"new", "cur"} {
		dir := filepath.Join(s.folderDir(folder), sub)
		entries, err := os.ReadDir(dir)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			flags := ""
			if _, f, ok := strings.Cut(e.Name(), ":2,"); ok {
				flags = f
			}
			out = append(out, Message{Name: e.Name(), Flags: flags, Data: data})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var delivered atomic.Int64

// Put drops a message into a folder, as another mail program would,
// with Maildir flags such as "S" or "DS"; Dovecot notices it at its next
// look. It returns the file's name.
func (s *Server) Put(t testing.TB, folder string, data []byte, flags string) string {
	t.Helper()
	dir := s.folderDir(folder)
	for _, sub := range []string{"", "cur", "new", "tmp"} {
		s.mkdir(t, filepath.Join(dir, sub))
	}
	name := fmt.Sprintf("%d.M%dP%d.mailtest,S=%d:2,%s", time.Now().Unix(), delivered.Add(1), os.Getpid(), len(data), flags)
	path := filepath.Join(dir, "cur", name)
	write(t, path, data, 0o644)
	if err := os.Lchown(path, s.uid, s.gid); err != nil {
		t.Fatal(err)
	}
	return name
}

// Remove deletes a message file, as if a mail program had expunged it.
func (s *Server) Remove(t testing.TB, folder, name string) {
	t.Helper()
	for _, sub := range []string{"new", "cur"} {
		err := os.Remove(filepath.Join(s.folderDir(folder), sub, name))
		if err == nil {
			return
		}
		if !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	t.Fatalf("mailtest: no message %s in %s", name, folder)
}

// folderDir is where a folder lives in the Maildir++ layout: INBOX at
// the top, others in a dot folder, "/" in their names becoming ".".
func (s *Server) folderDir(folder string) string {
	if strings.EqualFold(folder, "INBOX") {
		return s.Maildir
	}
	return filepath.Join(s.Maildir, "."+strings.ReplaceAll(folder, "/", "."))
}

// mkdir makes a folder the mail's owner can write in.
func (s *Server) mkdir(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(dir, s.uid, s.gid); err != nil {
		t.Fatal(err)
	}
}
