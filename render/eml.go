package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"followup/vault"
)

// EML renders the draft as an e-mail draft: multipart/alternative with
// the Markdown as text/plain and its HTML as text/html, From the
// candidate, To the interviewer (left out when unknown), Subject and
// X-Unsent: 1, which mail clients read as "open as a draft". There is no
// Date and no Message-ID: the client adds them when the mail is sent.
// The same draft always gives the same bytes.
func (d Draft) EML(cfg *vault.Config) ([]byte, error) {
	body, err := d.BodyHTML()
	if err != nil {
		return nil, err
	}
	plain := crlf(d.Markdown)
	html := crlf(string(body))

	// go-message writes the fields in the reverse of the order they are
	// set: set them last to first, so that the draft reads From, To,
	// Subject.
	var h mail.Header
	sum := sha256.Sum256([]byte(plain + "\x00" + html))
	// A boundary from the content instead of a random one, so that the
	// same draft gives the same bytes and is not rewritten.
	h.SetContentType("multipart/alternative", map[string]string{"boundary": "followup-" + hex.EncodeToString(sum[:12])})
	h.Set("MIME-Version", "1.0")
	h.Set("X-Unsent", "1")
	h.SetSubject(clean(d.Subject))
	if d.To.Email != "" {
		h.SetAddressList("To", []*mail.Address{{Name: clean(d.To.Name), Address: clean(d.To.Email)}})
	}
	if c := cfg.Candidate; c.Email != "" {
		h.SetAddressList("From", []*mail.Address{{Name: clean(c.Name), Address: clean(c.Email)}})
	}

	var b bytes.Buffer
	mw, err := message.CreateWriter(&b, h.Header)
	if err != nil {
		return nil, fmt.Errorf("render: cannot write %s: %w", d.Name, err)
	}
	for _, part := range []struct{ mediaType, text string }{{"text/plain", plain}, {"text/html", html}} {
		var ph message.Header
		ph.SetContentType(part.mediaType, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := mw.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(part.text)); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// crlf gives text the line endings of RFC 5322.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}
