package calendar

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"followup/vault"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// now is the example vault's "today": Friday 20 November 2026, 17:00 in
// New York.
var now = time.Date(2026, 11, 20, 22, 0, 0, 0, time.UTC)

func exampleVault(t *testing.T) *vault.Vault {
	t.Helper()
	fsys := os.DirFS("../example-vault")
	cfg, ds := vault.LoadConfig(fsys, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	v := vault.Open(fsys, cfg)
	if vault.HasErrors(v.Diagnostics) {
		t.Fatal(v.Diagnostics)
	}
	return v
}

// TestExampleVaultGolden compares the example vault's calendar with
// testdata/example-vault.ics (go test -update rewrites it).
func TestExampleVaultGolden(t *testing.T) {
	res, err := whole(exampleVault(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/example-vault.ics"
	if *update {
		if err := os.WriteFile(golden, res.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Data, want) {
		t.Errorf("calendar differs from %s (go test -update rewrites it):\n%s", golden, res.Data)
	}
}

// TestParsedByAnotherClient reads the calendar with arran4/golang-ical, an
// implementation that is not ours, and checks every event's start, end,
// summary and UID against the schedule.
func TestParsedByAnotherClient(t *testing.T) {
	v := exampleVault(t)
	res, err := whole(v, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Event{}
	for _, n := range v.Notes {
		for _, e := range Schedule(n, v.Config) {
			want[e.UID] = e
		}
	}
	got := cal.Events()
	if len(got) != len(want) || len(got) != res.Events {
		t.Fatalf("parsed %d events, scheduled %d, Build said %d", len(got), len(want), res.Events)
	}
	for _, ev := range got {
		uid := ev.Id()
		e, ok := want[uid]
		if !ok {
			t.Errorf("unexpected UID %q", uid)
			continue
		}
		summary := ev.GetProperty(ics.ComponentPropertySummary)
		if summary == nil || unescape(summary.Value) != e.Summary {
			t.Errorf("%s: summary %v, want %q", uid, summary, e.Summary)
		}
		var start, end time.Time
		if e.AllDay {
			start, err = ev.GetAllDayStartAt()
			if err == nil {
				end, err = ev.GetAllDayEndAt()
			}
			if err != nil || DateOf(start) != e.Day || DateOf(end) != e.Day.AddDays(1) {
				t.Errorf("%s: all-day %v–%v (%v), want %s with an exclusive end", uid, start, end, err, e.Day)
			}
			continue
		}
		start, err = ev.GetStartAt()
		if err == nil {
			end, err = ev.GetEndAt()
		}
		if err != nil || !start.Equal(e.Start) || !end.Equal(e.End) {
			t.Errorf("%s: %v–%v (%v), want %v–%v", uid, start, end, err, e.Start, e.End)
		}
	}
}

// unescape undoes RFC 5545 text escaping, which golang-ical leaves in
// place.
func unescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\,`, `,`, `\;`, `;`, `\n`, "\n", `\N`, "\n").Replace(s)
}

// TestLines checks RFC 5545 section 3.1 on every line: CRLF endings and at
// most 75 octets, folded without splitting a UTF-8 character.
func TestLines(t *testing.T) {
	v := exampleVault(t)
	v.Config.Calendar.Details = vault.DetailsFull
	v.Config.ObsidianVault = "Job Search – Zoë's vault"
	res, err := whole(v, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, res.Data)
	if !bytes.Contains(res.Data, []byte("\r\n ")) {
		t.Error("no folded line: the test does not exercise folding")
	}
}

func checkLines(t *testing.T, data []byte) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Error("the file does not end in CRLF")
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n"))
	for i, l := range lines {
		if len(l) > maxLine {
			t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
		}
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if !utf8.Valid(l) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
		}
	}
}

func TestFolder(t *testing.T) {
	for _, line := range []string{
		strings.Repeat("a", 74), strings.Repeat("a", 75), strings.Repeat("a", 76), strings.Repeat("a", 300),
		"SUMMARY:" + strings.Repeat("é", 100), "X:" + strings.Repeat("😀", 50), "DESCRIPTION:a" + strings.Repeat("ü", 80),
	} {
		var buf bytes.Buffer
		f := &folder{w: &buf}
		if _, err := f.Write([]byte(line + "\r\n")); err != nil {
			t.Fatal(err)
		}
		checkLines(t, buf.Bytes())
		unfolded := strings.ReplaceAll(strings.TrimSuffix(buf.String(), "\r\n"), "\r\n ", "")
		if unfolded != line {
			t.Errorf("folding %q and unfolding gives %q", line, unfolded)
		}
	}
}

// TestStable checks that the same vault gives the same bytes, and that a
// rebuild carries DTSTAMP, LAST-MODIFIED and SEQUENCE over.
func TestStable(t *testing.T) {
	v := exampleVault(t)
	first, err := whole(v, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	second, err := whole(exampleVault(t), Options{Now: now.Add(48 * time.Hour), Previous: first.Data})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Data, second.Data) {
		t.Errorf("a rebuild a day later with nothing changed differs:\n%s", lineDiff(first.Data, second.Data))
	}
}

// testVault is a vault of two notes that the tests edit.
func testVault(acme, globex string) fstest.MapFS {
	return fstest.MapFS{
		"followup.yaml": {Data: []byte("timezone: America/New_York\n")},
		"acme.md":       {Data: []byte("---\ncompany: Acme Corp\ninterviewers: [Jane Doe]\n" + acme + "---\n")},
		"globex.md":     {Data: []byte("---\ncompany: Globex\ninterviewers: [Hank Scorpio]\n" + globex + "---\n")},
	}
}

func build(t *testing.T, fsys fstest.MapFS, at time.Time, prev []byte) Result {
	t.Helper()
	cfg, ds := vault.LoadConfig(fsys, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	res, err := whole(vault.Open(fsys, cfg), Options{Now: at, Previous: prev})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestEditOneNote changes one note and checks that only its events change,
// with the current time and SEQUENCE+1, and that every other line stays.
func TestEditOneNote(t *testing.T) {
	globex := "date: 2026-11-19T09:00\ndecision_date: 2026-11-25\n"
	before := build(t, testVault("date: 2026-11-18T14:00\n", globex), now, nil)
	later := now.Add(time.Hour)
	after := build(t, testVault("date: 2026-11-18T15:00\n", globex), later, before.Data)
	diff := lineDiff(before.Data, after.Data)
	for _, l := range strings.Split(diff, "\n") {
		if l == "" {
			continue
		}
		if !strings.Contains(l, "DTSTART") && !strings.Contains(l, "DTEND") && !strings.Contains(l, "DTSTAMP") &&
			!strings.Contains(l, "LAST-MODIFIED") && !strings.Contains(l, "SEQUENCE") {
			t.Errorf("unexpected change: %s", l)
		}
	}
	if !strings.Contains(diff, "+ SEQUENCE:1") || !strings.Contains(diff, "+ DTSTAMP:20261120T230000Z") {
		t.Errorf("changed events lack SEQUENCE:1 and the new DTSTAMP:\n%s", diff)
	}
	// The follow-up stays on the same day: only the interview and the
	// thank-you deadline move.
	if got := strings.Count(diff, "+ SEQUENCE:1"); got != 2 {
		t.Errorf("%d events changed, want 2 (Acme's interview and thank-you):\n%s", got, diff)
	}
}

// TestBrokenNoteKeepsEvents checks that a note with an error keeps its
// previous events until it is fixed, and that a deleted note's go.
func TestBrokenNoteKeepsEvents(t *testing.T) {
	good := "date: 2026-11-18T14:00\ndecision_date: 2026-11-25\n"
	globex := "date: 2026-11-19T09:00\n"
	before := build(t, testVault(good, globex), now, nil)
	broken := build(t, testVault("date: [2026-11-18\n", globex), now.Add(time.Hour), before.Data)
	if !bytes.Equal(before.Data, broken.Data) {
		t.Errorf("a broken note changed the calendar:\n%s", lineDiff(before.Data, broken.Data))
	}
	fsys := testVault(good, globex)
	delete(fsys, "acme.md")
	gone := build(t, fsys, now.Add(time.Hour), before.Data)
	if bytes.Contains(gone.Data, []byte("Acme")) {
		t.Error("a deleted note's events are still there")
	}
}

func TestPreviousUnreadable(t *testing.T) {
	res := build(t, testVault("date: 2026-11-18\n", "date: 2026-11-19\n"), now, []byte("BEGIN:VCALENDAR\r\ngarbage"))
	if !res.PreviousUnreadable {
		t.Error("a corrupt previous calendar was not noticed")
	}
	if _, err := ics.ParseCalendar(bytes.NewReader(res.Data)); err != nil {
		t.Errorf("the rewritten calendar does not parse: %v", err)
	}
}

func TestEmptyCalendar(t *testing.T) {
	res := build(t, fstest.MapFS{}, now, nil)
	want := "BEGIN:VCALENDAR\r\nCALSCALE:GREGORIAN\r\nNAME:Job search follow-ups\r\nPRODID:" + ProductID +
		"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nVERSION:2.0\r\nX-PUBLISHED-TTL:PT1H\r\nX-WR-CALNAME:Job search follow-ups\r\nEND:VCALENDAR\r\n"
	if string(res.Data) != want || res.Events != 0 {
		t.Errorf("empty calendar =\n%q\nwant\n%q", res.Data, want)
	}
}

func TestObsidianURL(t *testing.T) {
	got := obsidianURL("Job Search", "interviews/2026/Acme & Co #1.md").String()
	want := "obsidian://open?vault=Job%20Search&file=interviews%2F2026%2FAcme%20%26%20Co%20%231"
	if got != want {
		t.Errorf("obsidianURL = %s, want %s", got, want)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "PT1H", -2 * time.Hour: "-PT2H", 90 * time.Minute: "PT1H30M", 48 * time.Hour: "P2D",
		30 * time.Second: "PT30S", 0: "PT0S", -(25*time.Hour + time.Minute): "-PT25H1M",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %s, want %s", d, got, want)
		}
	}
}

// lineDiff lists the lines of b not in a (+) and of a not in b (-), in a
// simple form enough for tests.
func lineDiff(a, b []byte) string {
	al := strings.Split(string(a), "\r\n")
	bl := strings.Split(string(b), "\r\n")
	var out strings.Builder
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out.WriteString("- " + x + "\n+ " + y + "\n")
		}
	}
	return out.String()
}

// TestHostileText puts iCalendar's separators, HTML and a would-be
// property into a company, a role and a name: each comes back from
// another client's parser as written, and no line is a property of its
// own.
func TestHostileText(t *testing.T) {
	company := `Acme, Inc; "Widgets" \ <script>alert(1)</script>`
	name := `O'Brien, Seán; END:VEVENT`
	fsys := fstest.MapFS{
		"followup.yaml": {Data: []byte("timezone: America/New_York\ncalendar: {details: full}\n")},
		"n.md": {Data: []byte("---\ncompany: '" + strings.ReplaceAll(company, "'", "''") + "'\nrole: 'Role: BEGIN:VALARM'\ndate: 2026-11-18T14:00\n" +
			"interviewers: ['" + strings.ReplaceAll(name, "'", "''") + " <ob@acme.example>']\ntopics: ['a\\b, c;d']\n---\n")},
	}
	res := build(t, fsys, now, nil)
	if n := bytes.Count(res.Data, []byte("\r\nBEGIN:VEVENT\r\n")); n != res.Events || res.Events == 0 {
		t.Fatalf("%d VEVENT lines for %d events:\n%s", n, res.Events, res.Data)
	}
	if bytes.Contains(res.Data, []byte("\r\nEND:VEVENT\r\nEND:VEVENT")) || bytes.Count(res.Data, []byte("\r\nBEGIN:VALARM")) > res.Events {
		t.Errorf("text became a property:\n%s", res.Data)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(res.Data))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range cal.Events() {
		summary := unescape(ev.GetProperty(ics.ComponentPropertySummary).Value)
		if !strings.Contains(summary, company) {
			t.Errorf("summary %q lost the company %q", summary, company)
		}
		if strings.Contains(ev.Id(), "thank-you") && !strings.Contains(summary, name) {
			t.Errorf("summary %q lost the name %q", summary, name)
		}
	}
}

// TestFeedKeptPieces edits, adds and removes notes of one Feed at random,
// giving it only the notes that changed, as the engine does: after each
// step its pieces are the calendar a fresh feed sorts from the same
// events, and they are reported changed exactly when their bytes changed.
func TestFeedKeptPieces(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	config := &fstest.MapFile{Data: []byte("timezone: America/New_York\n")}
	fsys := fstest.MapFS{"followup.yaml": config}
	var edited []string // since the feed last had the notes
	note := func(i int) {
		name := fmt.Sprintf("n%03d.md", i)
		edited = append(edited, name)
		fsys[name] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\ncompany: Company %d\ninterviewers: [Jane Doe]\ndate: 2026-%02d-%02dT%02d:00\ndecision_date: 2026-12-%02d\n---\n",
			i, 1+rnd.IntN(11), 1+rnd.IntN(28), 8+rnd.IntN(9), 1+rnd.IntN(28))}
	}
	for i := range 500 {
		note(i)
	}
	cfg, ds := vault.LoadConfig(fsys, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	f, err := NewFeed(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The notes edited, each read on its own: they are independent.
	changedNotes := func() []*vault.Note {
		var notes []*vault.Note
		for _, name := range edited {
			if file := fsys[name]; file != nil {
				notes = append(notes, vault.Open(fstest.MapFS{"followup.yaml": config, name: file}, cfg).Notes...)
			}
		}
		edited = nil
		return notes
	}
	var last []byte
	for step := range 60 {
		var dropped []string
		for range rnd.IntN(5) {
			i := rnd.IntN(600)
			if rnd.IntN(4) == 0 {
				dropped = append(dropped, fmt.Sprintf("n%03d.md", i))
				delete(fsys, dropped[len(dropped)-1])
			} else {
				note(i)
			}
		}
		if err := f.SetNotes(changedNotes(), now.Add(time.Duration(step)*time.Hour)); err != nil {
			t.Fatal(err)
		}
		for _, p := range dropped {
			f.Drop(p)
		}
		pieces, changed := f.Pieces()
		got := bytes.Join(pieces, nil)
		if f.Sum() != sha256.Sum256(got) {
			t.Fatalf("step %d: Sum is not the hash of the pieces", step)
		}
		if changed != !bytes.Equal(got, last) {
			t.Fatalf("step %d: changed %v, but the bytes changed %v", step, changed, !bytes.Equal(got, last))
		}
		fresh, err := NewFeed(cfg, got)
		if err != nil {
			t.Fatal(err)
		}
		if want := fresh.Bytes(); !bytes.Equal(got, want) {
			t.Fatalf("step %d: the kept pieces differ from a fresh feed:\n%s", step, lineDiff(got, want))
		}
		last = got
	}
	if n := f.Len(); n < 3*chunkEvents {
		t.Fatalf("only %d events: too few to have several chunks", n)
	}
}

// TestStableWithFractionalSeconds: an event read back from the file knows
// its start to the second; a note's start may have a fraction. Two events
// in the same second keep their order from one build to the next.
func TestStableWithFractionalSeconds(t *testing.T) {
	fsys := fstest.MapFS{
		"followup.yaml": {Data: []byte("timezone: UTC\n")},
		"a.md":          {Data: []byte("---\ncompany: Acme\ndate: 2026-11-18T14:00:00.5Z\ninterviewers: [Jane Doe]\n---\n")},
		"b.md":          {Data: []byte("---\ncompany: Bolt\ndate: 2026-11-18T14:00:00Z\ninterviewers: [Raj Patel]\n---\n")},
	}
	first := build(t, fsys, now, nil)
	second := build(t, fsys, now.Add(time.Hour), first.Data)
	if !bytes.Equal(first.Data, second.Data) {
		t.Errorf("the same notes gave another calendar:\n%s", lineDiff(first.Data, second.Data))
	}
}
