package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime/quotedprintable"
	"slices"
	"strings"

	"github.com/emersion/go-message/textproto"

	"followup/vault"
)

// message renders the draft as an e-mail draft: multipart/alternative with
// the Markdown as text/plain and its HTML as text/html, From the
// candidate, To the interviewer (left out when unknown), Subject and
// X-Unsent: 1, which mail clients read as "open as a draft", and the
// draft's X-Followup-Draft and Message-ID. There is no Date: the client
// adds it when the mail is sent. The same draft always gives the same
// bytes.
func (d Draft) message(cfg *vault.Config) ([]byte, error) {
	body, err := d.BodyHTML()
	if err != nil {
		return nil, err
	}
	return d.eml(cfg, body)
}

// HeaderID is the header of an e-mail draft that names which draft it
// is: the same in every version of the draft.
const HeaderID = "X-Followup-Draft"

// draftID returns the identity of the draft name of note n: opaque, so
// that a draft sent as it is tells the recipient nothing of the vault.
func draftID(n *vault.Note, name string) string {
	sum := sha256.Sum256([]byte(n.ID + "\x00" + name))
	return hex.EncodeToString(sum[:16])
}

func (d Draft) eml(cfg *vault.Config, body template.HTML) ([]byte, error) {
	plain := crlf(d.Markdown)
	html := crlf(string(body))

	// textproto writes the fields in the reverse of the order they are
	// set: set them last to first, so that the draft reads From, To,
	// Subject.
	var h textproto.Header
	sum := sha256.Sum256([]byte(plain + "\x00" + html))
	// A boundary from the content instead of a random one, so that the
	// same draft gives the same bytes and is not rewritten.
	boundary := "followup-" + hex.EncodeToString(sum[:12])
	h.Set("Content-Type", "multipart/alternative; boundary="+boundary)
	h.Set("MIME-Version", "1.0")
	h.Set("X-Unsent", "1")
	subject := encodeSubject(clean(d.Subject))
	var to, from string
	if d.To.Email != "" {
		to = formatAddress(clean(d.To.Name), clean(d.To.Email))
	}
	if c := cfg.Candidate; c.Email != "" {
		from = formatAddress(clean(c.Name), clean(c.Email))
	}
	// The draft's identity, the same in every version, by which push
	// finds its copy in the Drafts folder; and a Message-ID from it and
	// from this version's text, so that a changed draft is a new message
	// (some servers keep only one message of a Message-ID).
	id := draftID(d.Note, d.Name)
	version := sha256.Sum256([]byte(subject + "\x00" + to + "\x00" + from + "\x00" + plain + "\x00" + html))
	h.Set("Message-ID", "<"+id+"."+hex.EncodeToString(version[:6])+"@followup>")
	h.Set(HeaderID, id)
	h.Set("Subject", subject)
	if to != "" {
		h.Set("To", to)
	}
	if from != "" {
		h.Set("From", from)
	}

	var b bytes.Buffer
	b.Grow(len(plain) + len(html) + (len(plain)+len(html))/16 + 1024)
	if err := textproto.WriteHeader(&b, h); err != nil {
		return nil, fmt.Errorf("render: cannot write %s: %w", d.Name, err)
	}
	// The two parts, as go-message's multipart writer frames them: the
	// header of each is fixed.
	for i, part := range []struct{ mediaType, text string }{{"text/plain", plain}, {"text/html", html}} {
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Transfer-Encoding: quoted-printable\r\nContent-Type: " + part.mediaType + "; charset=utf-8\r\n\r\n")
		qp := quotedprintable.NewWriter(&b)
		if _, err := qp.Write([]byte(part.text)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return foldHeader(b.Bytes()), nil
}

// encodeSubject encodes a subject per RFC 2047 in encoded words short
// enough that the header folds into lines of 78 characters at most, the
// first one after "Subject: " included (go-message writes words of up to
// 75). Words are Q-encoded, so a subject stays mostly readable raw.
func encodeSubject(s string) string {
	// Text that looks like an encoded word is encoded too: a mail client
	// would decode "=?utf-8?b?…?=" into something the note never said.
	// So is text with a word too long to fold: encoded words can be
	// split anywhere, and a line must stay within 998 characters.
	if isPrintableASCII(s) && !strings.Contains(s, "=?") && !hasLongWord(s, maxHeaderLine-len("Subject: ")) {
		return s
	}
	const start = "=?utf-8?q?"
	var words []string
	limit := maxHeaderLine - len("Subject: ")
	word := []byte(start)
	for _, r := range s {
		// As many runes to a word as fit: an encoded word grows with
		// each rune.
		enc := appendQ(nil, string(r), textSafe)
		if len(word) > len(start) && len(word)+len(enc)+len("?=") > limit {
			words = append(words, string(word)+"?=")
			word = []byte(start)
			limit = maxHeaderLine - 1 // a continuation line starts with a space
		}
		word = append(word, enc...)
	}
	words = append(words, string(word)+"?=")
	return strings.Join(words, " ")
}

// formatAddress writes a mailbox, "Name" <address>. A name that is not
// ASCII is encoded as RFC 2047 section 5 (3) wants it in an address: only
// letters, digits and !*+-/ as they are (Go's net/mail leaves a backslash
// raw, which its own parser then refuses).
func formatAddress(name, addr string) string {
	if name == "" {
		return "<" + addr + ">"
	}
	// Some clients decode an encoded word even inside quotes: a name that
	// looks like one is encoded, and so is one with a word too long to
	// fold.
	if isPrintableASCII(name) && !strings.Contains(name, "=?") && !hasLongWord(name, maxHeaderLine-len(`From: ""`)) {
		return `"` + quoteEscaper.Replace(name) + `" <` + addr + ">"
	}
	var words []string
	word := []byte("=?utf-8?q?")
	for _, r := range name {
		enc := appendQ(nil, string(r), phraseSafe)
		// An encoded word is 75 characters at most; 72 lets the first
		// one fit on the line after "From: ".
		if len(word)+len(enc)+2 > maxHeaderLine-len("From: ") {
			words = append(words, string(word)+"?=")
			word = []byte("=?utf-8?q?")
		}
		word = append(word, enc...)
	}
	words = append(words, string(word)+"?=")
	return strings.Join(words, " ") + " <" + addr + ">"
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// appendQ appends s Q-encoded: a space as _, the bytes safe says so as
// they are, every other byte as =XX.
func appendQ(dst []byte, s string, safe func(c byte) bool) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			dst = append(dst, '_')
		case safe(c):
			dst = append(dst, c)
		default:
			dst = append(dst, '=', hexDigits[c>>4], hexDigits[c&0xF])
		}
	}
	return dst
}

// textSafe are the bytes an encoded word in a Subject keeps as they are;
// phraseSafe the fewer that one in an address may (RFC 2047 section 5).
func textSafe(c byte) bool { return c > ' ' && c <= '~' && c != '=' && c != '?' && c != '_' }

func phraseSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!*+-/", c) >= 0
}

// hasLongWord reports whether s holds a run of more than n characters
// without a space, where a header line could not be folded.
func hasLongWord(s string, n int) bool {
	return slices.ContainsFunc(strings.Fields(s), func(w string) bool { return len(w) > n })
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// maxHeaderLine is the length RFC 5322 section 2.1.1 asks header lines to
// keep to; go-message leaves encoded subjects longer.
const maxHeaderLine = 78

// foldHeader folds the header lines of msg longer than 78 characters at a
// space, where RFC 5322 allows a line break; the body is left alone.
func foldHeader(msg []byte) []byte {
	end := bytes.Index(msg, []byte("\r\n\r\n"))
	if end < 0 {
		return msg
	}
	long := false
	for line := range bytes.SplitSeq(msg[:end], []byte("\r\n")) {
		long = long || len(line) > maxHeaderLine
	}
	if !long {
		return msg // as almost always: nothing to fold, nothing to copy
	}
	var out bytes.Buffer
	for _, line := range strings.Split(string(msg[:end]), "\r\n") {
		for len(line) > maxHeaderLine {
			cut := strings.LastIndexByte(line[:maxHeaderLine+1], ' ')
			if cut <= strings.IndexByte(line, ':')+1 {
				// A word longer than the line: fold after it, so
				// that only it overflows.
				next := strings.IndexByte(line[maxHeaderLine+1:], ' ')
				if next < 0 {
					break // no space to fold at
				}
				cut = maxHeaderLine + 1 + next
			}
			out.WriteString(line[:cut] + "\r\n")
			line = line[cut:] // the space starts the continuation line
		}
		out.WriteString(line + "\r\n")
	}
	out.Write(msg[end+2:])
	return out.Bytes()
}

// crlf gives text the line endings of RFC 5322.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
