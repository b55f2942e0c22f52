package render

import (
	"bytes"
	"io"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"followup/calendar"
	"followup/vault"
)

// FuzzEML builds drafts from arbitrary names, addresses, subjects and
// text. Every draft must be a message a mail client reads: the headers
// the tool writes and no other, each once, the subject and the recipient
// as given (control characters aside), lines within RFC 5322's limits.
func FuzzEML(f *testing.F) {
	f.Add("Zoë Müller", "zoe@acme.example", "Thank you — Staff Engineer interview", "Dear Zoë,\n\nThank you.\n", "Alex Rivera")
	f.Add("Eve\r\nBcc: spy@example.com", "eve@example.com", "Thanks\r\nBcc: everyone@example.com", "Hello\n.\r\n", "Alex\x00\nCc: x")
	f.Add("", "", "", "", "")
	f.Add("=?utf-8?q?=0D=0ABcc:_x?=", "a@b.c", "=?utf-8?b?DQpCY2M6IHg=?=", "--followup-0\r\n", "Q")
	f.Add("Ann =?utf-8?b?QUFB?= Lee", "ann@x.example", "Re: =?utf-8?b?QUFB?=", "Hi", "Alex")
	f.Add("O'Brien, Seán \"the boss\" <x>", "o.brien+jobs@example.com", "日本語の件名がとても長い場合は折り返す必要があります。日本語の件名がとても長い場合", "<script>alert(1)</script>", "Ñ")
	f.Fuzz(func(t *testing.T, name, email, subject, body, candidate string) {
		for _, s := range []string{name, email, subject, body, candidate} {
			if !utf8.ValidString(s) {
				return // notes are UTF-8: anything else is refused before
			}
		}
		if email != "" {
			// Addresses come from notes, which refuse what does not parse.
			if _, addr, err := vault.SplitAddress("<" + email + ">"); err != nil || addr != email {
				email = ""
			}
		}
		d := Draft{
			Kind: calendar.ThankYou, Channel: vault.Email, Name: "x", Subject: subject, Markdown: body,
			To:   &vault.Interviewer{Name: name, Email: email},
			Note: &vault.Note{Path: "n.md", Company: "Acme"},
		}
		cfg := vault.DefaultConfig(time.UTC)
		cfg.Candidate = vault.Candidate{Name: candidate, Email: "alex@example.com"}
		eml, err := d.message(cfg)
		if err != nil {
			return // refused, not broken
		}
		checkEML(t, eml)
		msg, err := mail.ReadMessage(bytes.NewReader(eml))
		if err != nil {
			t.Fatalf("unreadable message: %v\n%q", err, eml)
		}
		allowed := []string{"From", "To", "Subject", "X-Followup-Draft", "Message-Id", "X-Unsent", "Mime-Version", "Content-Type"}
		for key, values := range msg.Header {
			if !slices.Contains(allowed, key) {
				t.Errorf("header %s: %q was made\n%q", key, values, eml)
			}
			if len(values) != 1 {
				t.Errorf("header %s appears %d times", key, len(values))
			}
		}
		var dec mime.WordDecoder
		got, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("subject does not decode: %v", err)
		}
		// Whitespace at the ends, or in runs, is not kept by every header
		// parser: the words are.
		if want := clean(subject); strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(want), " ") {
			t.Errorf("subject %q came back as %q", want, got)
		}
		if to := msg.Header.Get("To"); to != "" {
			addr, err := mail.ParseAddress(to)
			if err != nil {
				t.Errorf("To %q does not parse: %v", to, err)
			} else if addr.Address != clean(email) {
				t.Errorf("To is %q, want %q", addr.Address, clean(email))
			} else if strings.Join(strings.Fields(addr.Name), " ") != strings.Join(strings.Fields(clean(name)), " ") {
				t.Errorf("To's name %q came back as %q", clean(name), addr.Name)
			}
		}
		if _, err := io.ReadAll(msg.Body); err != nil {
			t.Error(err)
		}
	})
}

// FuzzProofreadText: whatever a personal part holds, the checks of its
// text return findings inside it, each the text it names.
func FuzzProofreadText(f *testing.F) {
	for _, s := range []string{
		"Ms. Smyth, I could of done alot! Please hire me!! TODO add [project name] XXX-XXX-XXXX",
		"Jonathon, your walkthrough… [insert …] ?!! <!-- x --> a != b\n! exists",
		"Dr. van der Burg's [^1] [[Raj]] - [ ] [X] [Design Notes]\n\n[design notes]: https://x.tk",
		"could\nof", "would of", "TK Maxx, the TODO list app, ABC Corp", "!", "[", "XXX.", "Mr.", "Mr. ",
	} {
		f.Add(s)
	}
	ns := nameSetOf([]string{"Acme Corp", "Jane Smith", "Dr. Anna van der Berg", "Jonathan Reyes", "Raj Patel", "TODO list app"})
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return
		}
		text = blankCode(text)
		for _, fd := range proofreadText(text, ns, false) {
			if fd.off < 0 || fd.n < 0 || fd.off+fd.n > len(text) {
				t.Fatalf("%q: finding %+v out of the text", text, fd)
			}
			if fd.what != "" && fd.code != vault.CodeTone && fd.code != vault.CodeSpelling && text[fd.off:fd.off+fd.n] != fd.what {
				t.Fatalf("%q: finding %+v names %q", text, fd, text[fd.off:fd.off+fd.n])
			}
		}
	})
}
