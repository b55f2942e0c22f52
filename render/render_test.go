package render

import (
	"bytes"
	"flag"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"followup/calendar"
	"followup/vault"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const config = `timezone: Europe/Berlin
candidate:
  name: Zoë Müller
  email: zoe@example.com
  phone: "+49 30 1234567"
  signature: |-
    Zoë Müller
    +49 30 1234567
  strengths: [eight years of Go]
`

// followUp is the plan of a note whose follow-up n of 2 (0: the status
// check) is due on 8 December, to its contact.
func followUp(n int) calendar.Plan {
	s := &calendar.Step{Kind: calendar.FollowUp, N: n, Of: 2, Day: calendar.Date{Year: 2026, Month: time.December, Day: 8}, Drafted: true}
	if n == 0 {
		s.Kind = calendar.StatusCheck
	}
	return calendar.Plan{Next: s}
}

// draftsOf renders the drafts of the one note in a vault made of files.
func draftsOf(t *testing.T, files fstest.MapFS, plan calendar.Plan) ([]Draft, []vault.Diagnostic, *vault.Config) {
	t.Helper()
	if files["followup.yaml"] == nil {
		files["followup.yaml"] = &fstest.MapFile{Data: []byte(config)}
	}
	cfg, ds := vault.LoadConfig(files, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	v := vault.Open(files, cfg)
	if len(v.Notes) != 1 {
		t.Fatalf("want one note, got %d: %v", len(v.Notes), v.Diagnostics)
	}
	tmpls, tds := LoadTemplates(files, cfg.Templates)
	drafts, rds := tmpls.Drafts(v.Notes[0], cfg, plan)
	return drafts, append(tds, rds...), cfg
}

const note = `---
company: Café Über & Co
role: Staff Engineer
date: 2026-11-18T14:00
decision_date: 2026-11-30
status: ready
interviewers:
  - José Álvarez <jose@cafe.example>
  - name: Gloria Esposito
    title: Chief Information Officer
    channel: letter
  - name: Ken Ito
    phone: "+81 3 1234 5678"
    channel: call
    topics: [latency budgets]
---
## Thank you: José
Your story about the *espresso* queue stayed with me. <script>alert(1)</script>

## Gloria
Thank you for explaining how the county's procurement works.

## Unfinished business
I meant to add that I have run on-call for five years.
`

func TestDraftsGolden(t *testing.T) {
	drafts, ds, cfg := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, followUp(1))
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	var names []string
	for _, d := range drafts {
		names = append(names, d.Name+"/"+string(d.Channel))
		files, err := d.Files(cfg)
		if err != nil {
			t.Fatal(err)
		}
		for ext, data := range files {
			golden("testdata/"+d.Name+ext, data, t)
		}
	}
	want := "jose-alvarez/email gloria-esposito/letter ken-ito/call follow-up-1/email"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("drafts %s, want %s", got, want)
	}
}

func golden(path string, got []byte, t *testing.T) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// TestEMLParses reads a draft back with net/mail and mime/multipart, which
// did not write it.
func TestEMLParses(t *testing.T) {
	drafts, _, cfg := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	eml, err := drafts[0].message(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkEML(t, eml)
	msg, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != drafts[0].Subject || !strings.Contains(subject, "Café Über & Co") {
		t.Errorf("Subject = %q, %v", subject, err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "José Álvarez" || to[0].Address != "jose@cafe.example" {
		t.Errorf("To = %v, %v", to, err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || from[0].Name != "Zoë Müller" {
		t.Errorf("From = %v, %v", from, err)
	}
	// No Date: the client sets it when the mail is sent. A Message-ID
	// from the draft's identity, which its own header gives.
	id := msg.Header.Get(HeaderID)
	if msg.Header.Get("X-Unsent") != "1" || msg.Header.Get("Date") != "" || len(id) != 32 ||
		!strings.HasPrefix(msg.Header.Get("Message-Id"), "<"+id+".") || !strings.HasSuffix(msg.Header.Get("Message-Id"), "@followup>") {
		t.Errorf("header = %v", msg.Header)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q, %v", mediaType, err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var types, bodies []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(quotedprintable.NewReader(p))
		types = append(types, p.Header.Get("Content-Type"))
		bodies = append(bodies, string(b))
	}
	if len(types) != 2 || types[0] != "text/plain; charset=utf-8" || types[1] != "text/html; charset=utf-8" {
		t.Fatalf("parts %q", types)
	}
	if !strings.Contains(bodies[0], "Dear José,") || !strings.Contains(bodies[0], "espresso") {
		t.Errorf("text/plain = %q", bodies[0])
	}
	if !strings.Contains(bodies[1], "<em>espresso</em>") || strings.Contains(bodies[1], "<script>") {
		t.Errorf("text/html = %q: want Markdown rendered and raw HTML left out", bodies[1])
	}
}

// checkEML checks the form of RFC 5322: CRLF line endings, no line over
// 998 octets.
func checkEML(t *testing.T, eml []byte) {
	t.Helper()
	for i, l := range bytes.Split(eml, []byte("\r\n")) {
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 998 {
			t.Errorf("line %d has %d octets", i+1, len(l))
		}
	}
	header, _, _ := bytes.Cut(eml, []byte("\r\n\r\n"))
	for _, l := range bytes.Split(header, []byte("\r\n")) {
		// Longer than 78 only when there is no space to fold at: an
		// address of 77 characters.
		word := bytes.TrimLeft(l, " \t")
		if len(word) == len(l) {
			_, word, _ = bytes.Cut(l, []byte(": "))
		}
		if len(l) > 78 && bytes.ContainsAny(word, " \t") {
			t.Errorf("header line of %d characters: %q", len(l), l)
		}
	}
}

// TestHeaderInjection checks that line breaks and control characters in a
// name, an address or a subject never make a header of their own.
func TestHeaderInjection(t *testing.T) {
	d := Draft{
		Kind: calendar.ThankYou, Channel: vault.Email, Name: "x",
		Subject:  "Thanks\r\nBcc: everyone@example.com",
		Markdown: "Hello\n",
		To:       &vault.Interviewer{Name: "Eve\r\nBcc: spy@example.com", Email: "eve@example.com"},
		Note:     &vault.Note{Path: "n.md", Company: "Acme"},
	}
	cfg := vault.DefaultConfig(time.UTC)
	cfg.Candidate = vault.Candidate{Name: "Alex\x00\nCc: x@example.com", Email: "alex@example.com"}
	eml, err := d.message(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkEML(t, eml)
	msg, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		t.Fatal(err)
	}
	if msg.Header.Get("Bcc") != "" || msg.Header.Get("Cc") != "" {
		t.Errorf("a header was injected:\n%s", eml)
	}
	if len(msg.Header["To"]) != 1 || len(msg.Header["Subject"]) != 1 {
		t.Errorf("To or Subject repeated:\n%s", eml)
	}
	page, err := d.HTML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("\r\nBcc")) {
		t.Errorf("page carries the line break")
	}
}

func TestHTMLEscapes(t *testing.T) {
	files := fstest.MapFS{"n.md": {Data: []byte(`---
company: "<b>Acme</b>"
date: 2026-11-18
status: ready
interviewers: ["<script>alert(1)</script> <x@example.com>"]
---
`)}}
	drafts, _, cfg := draftsOf(t, files, calendar.Plan{})
	page, err := drafts[0].HTML(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(page, []byte("<script>")) || bytes.Contains(page, []byte("<b>Acme")) {
		t.Errorf("text from a note is not escaped:\n%s", page)
	}
	if !bytes.Contains(page, []byte("&lt;b&gt;Acme&lt;/b&gt;")) {
		t.Errorf("the company is missing from the page:\n%s", page)
	}
	if bytes.Contains(page, []byte("http://")) || bytes.Contains(page, []byte("https://")) || bytes.Contains(page, []byte(" src=")) {
		t.Errorf("the page loads something from outside")
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Jane Doe": "jane-doe", "Zoë Müller": "zoe-muller", "José Álvarez": "jose-alvarez", "O'Brien": "o-brien",
		"../../etc/passwd": "etc-passwd", "": "untitled", "   ": "untitled", "CON": "con-", "lpt1": "lpt1-",
		"王小明": "王小明", "李小龍": "李小龍", "Δήμητρα Παπαδοπούλου": "δήμητρα-παπαδοπούλου", "Иван Петров": "иван-петров",
		"प्रिया शर्मा": "प्रिया-शर्मा", "محمد\u200cرضا": "محمدرضا", "☃☃": "untitled", strings.Repeat("龍", 30): strings.Repeat("龍", 20),
		"Straße": "strasse", "Søn Æble Łódź": "son-aeble-lodz", strings.Repeat("a", 100): strings.Repeat("a", 60),
		"2026-11-18 Acme Corp": "2026-11-18-acme-corp", "..": "untitled",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	s := newSlugs()
	got := []string{s.next("Jane Doe"), s.next("Jane  Doe"), s.next("Jane Doe 3"), s.next("jane-doe"), s.next("Follow Up 1"), s.next("Status Check")}
	want := "jane-doe jane-doe-2 jane-doe-3 jane-doe-4 follow-up-1-2 status-check-2"
	if strings.Join(got, " ") != want {
		t.Errorf("slugs %q, want %s", got, want)
	}
}

// TestOthers: .Others lists the interviewers but the recipient, for a
// template that asks.
func TestOthers(t *testing.T) {
	tmpl := "---\nsubject: Hi\n---\nDear {{.To.FirstName}},\n\n{{len .Others}} others: {{range $i, $p := .Others}}{{if $i}}, {{end}}{{$p.Name}} ({{$p.LastName}}){{end}}.\n"
	drafts, ds, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}, "templates/thank-you.md": {Data: []byte(tmpl)}}, calendar.Plan{})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	want := "Dear José,\n\n2 others: Gloria Esposito (Esposito), Ken Ito (Ito).\n"
	if got := drafts[0].Markdown; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"parse", "---\nsubject: Hi\n---\nDear {{ .To.FirstName }},\n\n{{ if .Personal }}\n", "templates/thank-you.md:7:1: error: unexpected EOF"},
		{"subject", "---\nsubject: Hi {{ .Nope\n---\nDear\n", "templates/thank-you.md:2:"},
		{"execute", "---\nsubject: Hi\n---\nDear\n{{ .To.Nickname }}\n", "templates/thank-you.md:5:"},
		{"front matter", "---\ntitle: Hi\n---\nDear\n", "templates/thank-you.md:2:1: error: a template's front matter holds subject: only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := fstest.MapFS{
				"n.md":                   {Data: []byte(note)},
				"templates/thank-you.md": {Data: []byte(tt.text)},
			}
			drafts, ds, _ := draftsOf(t, files, followUp(1))
			if len(ds) == 0 || !strings.HasPrefix(ds[0].String(), tt.want) {
				t.Fatalf("diagnostics %v, want one at %s", ds, tt.want)
			}
			// The letter, the call and the follow-up do not use it.
			if len(drafts) != 3 {
				t.Errorf("%d drafts, want the 3 that do not need the broken template", len(drafts))
			}
		})
	}
}

func TestTemplateOverride(t *testing.T) {
	files := fstest.MapFS{
		"n.md":                {Data: []byte(note)},
		"templates/letter.md": {Data: []byte("---\nsubject: \"Dear {{ .To.Name }}: thanks\"\n---\nShort: {{ .Interview.Company }}, {{ .Candidate.Name }}.\n")},
	}
	drafts, ds, _ := draftsOf(t, files, calendar.Plan{})
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	letter := drafts[1]
	if letter.Subject != "Dear Gloria Esposito: thanks" || letter.Markdown != "Short: Café Über & Co, Zoë Müller.\n" || letter.Template != "templates/letter.md" {
		t.Errorf("letter = %q / %q from %s", letter.Subject, letter.Markdown, letter.Template)
	}
}

// TestDefaultThankYou checks what the advice asks of a thank-you: thanks,
// the personal part, the unfinished business, interest and fit, looking
// forward, the signature; three or four short paragraphs.
func TestDefaultThankYou(t *testing.T) {
	drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(note)}}, calendar.Plan{})
	md := drafts[0].Markdown
	for _, want := range []string{
		"Dear José,", "on Wednesday", "the Staff Engineer role at Café Über & Co.",
		"espresso* queue", "I meant to add that I have run on-call", "eight years of Go",
		"Zoë Müller  \n+49 30 1234567",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("thank-you lacks %q:\n%s", want, md)
		}
	}
	paragraphs := strings.Count(strings.TrimSpace(md), "\n\n") + 1 - 3 // less greeting, closing, signature
	if paragraphs < 3 || paragraphs > 4 {
		t.Errorf("%d paragraphs, want three or four:\n%s", paragraphs, md)
	}
	// Without a personal part, that person's topics stand in.
	ken := drafts[2]
	if !strings.Contains(ken.Markdown, "latency budgets") || !strings.Contains(ken.Markdown, "+81 3 1234 5678") {
		t.Errorf("call notes lack the topics or the phone:\n%s", ken.Markdown)
	}
}

func TestFollowUps(t *testing.T) {
	for _, tt := range []struct {
		n    int
		name string
		want []string
	}{
		{1, "follow-up-1", []string{"Dear José,", "on 18 November", "by 30 November", "any news", "remain very interested", "references"}},
		{2, "follow-up-2", []string{"Dear José,", "once more", "longer than planned", "remain very interested", "a short note on how I would approach"}},
		{0, "status-check", []string{"Dear José,", "one last time", "still open", "Either way", "stay in touch"}},
	} {
		drafts, _, _ := draftsOf(t, fstest.MapFS{"n.md": {Data: []byte(strings.Replace(note, "status: ready", "sent: 2026-11-18", 1))}}, followUp(tt.n))
		if len(drafts) != 1 || drafts[0].Name != tt.name {
			t.Fatalf("drafts %v, want %s alone (the thank-yous were sent)", drafts, tt.name)
		}
		for _, w := range tt.want {
			if !strings.Contains(drafts[0].Markdown, w) {
				t.Errorf("%s lacks %q:\n%s", tt.name, w, drafts[0].Markdown)
			}
		}
	}
}

// FuzzSlug checks that any name gives a safe file name: valid UTF-8 in
// NFC, letters, digits, marks and single inner dashes only, at most
// maxSlug bytes, never a name Windows reserves.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Jane Doe", "李小龍", "प्रिया शर्मा", "Zoë\u200d", "a/b\\c:d", "..", strings.Repeat("ή", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		slug := Slug(name)
		if !utf8.ValidString(slug) || !norm.NFC.IsNormalString(slug) || len(slug) > maxSlug || slug == "" {
			t.Fatalf("Slug(%q) = %q: not a valid name", name, slug)
		}
		if reserved[slug] || strings.HasPrefix(slug, "-") || strings.HasSuffix(slug, "-") || strings.Contains(slug, "--") {
			t.Fatalf("Slug(%q) = %q", name, slug)
		}
		for _, r := range slug {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me) {
				t.Fatalf("Slug(%q) = %q holds %U", name, slug, r)
			}
		}
	})
}

// TestFoldHeader: a header line folds at the last space within 78
// characters; a word longer than that overflows alone, folded after it.
func TestFoldHeader(t *testing.T) {
	long := strings.Repeat("x", 80)
	for _, tt := range []struct{ in, want string }{
		{"To: a <b@c>\r\n\r\nbody", "To: a <b@c>\r\n\r\nbody"},
		{"To: " + long + " <b@c>\r\n\r\nbody", "To: " + long + "\r\n <b@c>\r\n\r\nbody"},
		{"To: " + long + "\r\n\r\n" + long + " x", "To: " + long + "\r\n\r\n" + long + " x"},
		{"Subject: " + strings.Repeat("word ", 20) + "\r\n\r\n", "Subject: " + strings.Repeat("word ", 13) + "word\r\n " + strings.Repeat("word ", 6) + "\r\n\r\n"},
	} {
		if got := string(foldHeader([]byte(tt.in))); got != tt.want {
			t.Errorf("foldHeader(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestDraftIdentity: a draft keeps its X-Followup-Draft header when its
// text changes, and gets a new Message-ID; two drafts of a note differ.
func TestDraftIdentity(t *testing.T) {
	n := &vault.Note{Path: "n.md", ID: "interviews/acme", Company: "Acme"}
	cfg := vault.DefaultConfig(time.UTC)
	cfg.Candidate = vault.Candidate{Name: "Alex Rivera", Email: "alex@example.com"}
	header := func(name, text string) (id, messageID string) {
		d := Draft{Kind: calendar.ThankYou, Channel: vault.Email, Name: name, Subject: "Thank you", Markdown: text,
			To: &vault.Interviewer{Name: "Jane Doe", Email: "jane@acme.example"}, Note: n}
		eml, err := d.message(cfg)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(eml))
		if err != nil {
			t.Fatal(err)
		}
		return msg.Header.Get(HeaderID), msg.Header.Get("Message-Id")
	}
	id1, mid1 := header("jane-doe", "Dear Jane,\n\nThank you.\n")
	id2, mid2 := header("jane-doe", "Dear Jane,\n\nThank you again.\n")
	id3, _ := header("raj-patel", "Dear Jane,\n\nThank you.\n")
	if id1 != draftID(n, "jane-doe") || id1 != id2 || mid1 == mid2 || id3 == id1 {
		t.Errorf("ids %s %s %s, message ids %s %s", id1, id2, id3, mid1, mid2)
	}
	if again, _ := header("jane-doe", "Dear Jane,\n\nThank you.\n"); again != id1 {
		t.Errorf("the same draft gave %s, then %s", id1, again)
	}
}
