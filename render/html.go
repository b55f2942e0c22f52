package render

import (
	"bufio"
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"followup/vault"
)

// markdown renders a draft's Markdown to HTML. Raw HTML in a note is
// left out (goldmark's default).
var markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough))

// BodyHTML renders the draft's Markdown as an HTML fragment.
func (d Draft) BodyHTML() (template.HTML, error) {
	var b strings.Builder
	b.Grow(len(d.Markdown) + len(d.Markdown)/4)
	// goldmark buffers what it writes unless the writer buffers already:
	// a buffer of 4 KB a draft otherwise.
	w := writers.Get().(*bufio.Writer)
	defer writers.Put(w)
	w.Reset(&b)
	if err := markdown.Convert([]byte(d.Markdown), w); err != nil {
		return "", err
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

var writers = sync.Pool{New: func() any { return bufio.NewWriter(nil) }}

// pageData is what the preview page and the letter show.
type pageData struct {
	Title, Subject, From, To, Channel, Date, Note string
	Sender                                        []string
	Recipient                                     []string
	Phone, ToName                                 string
	Body                                          template.HTML
	Letter, Call                                  bool
}

// HTML renders the draft as a standalone page: a preview of the e-mail or
// the talking points, or for the letter channel a printable letter. Every
// text from a note is escaped by html/template; the page loads nothing.
func (d Draft) HTML(cfg *vault.Config) ([]byte, error) {
	body, err := d.BodyHTML()
	if err != nil {
		return nil, err
	}
	return d.html(cfg, body)
}

func (d Draft) html(cfg *vault.Config, body template.HTML) ([]byte, error) {
	c := cfg.Candidate
	p := pageData{
		Title: clean(d.Subject), Subject: clean(d.Subject), Body: body, Channel: string(d.Channel), Note: d.Note.Path,
		Letter: d.Channel == vault.Letter, Call: d.Channel == vault.Call, Phone: clean(d.To.Phone),
		ToName: clean(d.To.Name),
		Date:   d.Note.Date.Time.Format("2 January 2006"),
	}
	if !d.Due.IsZero() {
		// A letter is dated the day it is to go out.
		p.Date = d.Due.Format("2 January 2006")
	}
	if c.Email != "" {
		p.From = clean(c.Name) + " <" + clean(c.Email) + ">"
	} else {
		p.From = clean(c.Name)
	}
	p.To = clean(d.To.Name)
	if d.To.Email != "" {
		p.To += " <" + clean(d.To.Email) + ">"
	}
	for _, l := range []string{c.Name, c.Email, c.Phone} {
		if l = clean(l); l != "" {
			p.Sender = append(p.Sender, l)
		}
	}
	for _, l := range []string{d.To.Name, d.To.Title, d.Note.Company} {
		if l = clean(l); l != "" {
			p.Recipient = append(p.Recipient, l)
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var page = template.Must(template.New("page").Parse(strings.TrimSpace(`
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="followup">
<title>{{ .Title }}</title>
<style>
:root { color-scheme: light; }
body { margin: 0; background: #eef0f3; color: #1d2430; font: 16px/1.6 Georgia, "Times New Roman", serif; }
.sheet { max-width: 44rem; margin: 2.5rem auto; background: #fff; padding: 2.5rem 3rem; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06); }
.meta { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; border-bottom: 1px solid #dde1e7; padding-bottom: 1rem; margin-bottom: 1.5rem; }
.meta dl { display: grid; grid-template-columns: 5.5rem 1fr; gap: .2rem .8rem; margin: 0; }
.meta dt { color: #667085; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.subject { font-weight: 600; }
.badge { display: inline-block; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; color: #475467; background: #f2f4f7; border-radius: 999px; padding: .1rem .6rem; margin-bottom: .8rem; }
.body p { margin: 0 0 1em; }
.body ul { padding-left: 1.3rem; }
.footer { font: 12px/1.5 system-ui, sans-serif; color: #98a2b3; margin-top: 2rem; }
.letter .sender { text-align: right; margin-bottom: 2rem; }
.letter .date { margin-bottom: 2rem; }
.letter .recipient { margin-bottom: 2rem; }
.letter .body p:last-child { margin-top: 3.5em; } /* room to sign above the name */
@media print {
  @page { margin: 25mm 22mm; }
  body { background: #fff; font-size: 12pt; }
  .sheet { box-shadow: none; margin: 0; padding: 0; max-width: none; border-radius: 0; }
  .meta, .footer, .badge { display: none; }
}
</style>
</head>
<body>
{{- if .Letter }}
<main class="sheet letter">
<div class="badge">letter</div>
<div class="sender">{{ range .Sender }}{{ . }}<br>{{ end }}</div>
<div class="date">{{ .Date }}</div>
<div class="recipient">{{ range .Recipient }}{{ . }}<br>{{ end }}</div>
<div class="body">
{{ .Body }}</div>
<p class="footer">Print this page (A4 or Letter), sign it and post it. Written from {{ .Note }}.</p>
</main>
{{- else if .Call }}
<main class="sheet">
<div class="badge">call</div>
<div class="meta"><dl>
<dt>Call</dt><dd class="subject">{{ .ToName }}</dd>
<dt>Phone</dt><dd>{{ if .Phone }}{{ .Phone }}{{ else }}not in the note{{ end }}</dd>
</dl></div>
<div class="body">
{{ .Body }}</div>
<p class="footer">Talking points for a call, written by followup from {{ .Note }}.</p>
</main>
{{- else }}
<main class="sheet">
<div class="badge">{{ .Channel }}</div>
<div class="meta"><dl>
<dt>From</dt><dd>{{ .From }}</dd>
<dt>To</dt><dd>{{ if .To }}{{ .To }}{{ else }}—{{ end }}</dd>
<dt>Subject</dt><dd class="subject">{{ .Subject }}</dd>
</dl></div>
<div class="body">
{{ .Body }}</div>
<p class="footer">A draft written by followup from {{ .Note }}. Open the .eml file beside it in your mail client to send it.</p>
</main>
{{- end }}
</body>
</html>
`) + "\n"))
