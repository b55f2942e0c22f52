package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"followup/vault"
)

// A Feed is the calendar held event by event, each already encoded, so
// that a change to one note re-encodes that note's events only. The zero
// Feed is not usable: make one with NewFeed.
type Feed struct {
	cfg    *vault.Config
	events map[string]*block // by UID
	byNote map[string][]string
	order  []*block // every event, sorted, when sorted is true; else nil
	sorted bool
	chunks []chunk // order cut into runs of chunkEvents, each encoded
	hashed int     // the leading chunks whose state is up to date
	head   []byte  // the calendar's encoding up to its first event
	tail   []byte
}

// A chunk is a run of consecutive events of the order and their bytes,
// kept from one Pieces to the next: a change to one note re-encodes the
// runs that hold its events, not the whole calendar.
type chunk struct {
	blocks []*block
	data   []byte
	state  []byte // SHA-256 after the head and the chunks up to this one
}

// chunkEvents is how many events a chunk holds: about 100 KB. The
// events' bytes are parts of their chunk's.
const chunkEvents = 200

// A block is one encoded event.
type block struct {
	uid      string
	note     string    // the hash of its note's path (X-FOLLOWUP-NOTE)
	start    time.Time // the sort key: midnight UTC for all-day events
	stamp    time.Time
	sequence int
	data     []byte // BEGIN:VEVENT … END:VEVENT, folded, CRLF
}

// NewFeed starts a feed for cfg from the calendar file as last written
// (nil for none). An unreadable previous file gives an empty feed and an
// error saying why; the feed is still usable.
func NewFeed(cfg *vault.Config, previous []byte) (*Feed, error) {
	f := &Feed{cfg: cfg, events: map[string]*block{}, byNote: map[string][]string{}}
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	setText(cal.Props, "X-WR-CALNAME", cfg.Calendar.Name)
	setText(cal.Props, "NAME", cfg.Calendar.Name)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	cal.Props.Set(durationProp("REFRESH-INTERVAL", time.Hour, true))
	cal.Props.Set(durationProp("X-PUBLISHED-TTL", time.Hour, false))
	head, tail, err := around(cal)
	if err != nil {
		return nil, err
	}
	f.head, f.tail = head, tail
	blocks, err := splitEvents(previous)
	for _, b := range blocks {
		f.put(b)
	}
	return f, err
}

func (f *Feed) put(b *block) {
	if old, ok := f.events[b.uid]; ok {
		f.unlink(old)
		f.unorder(old)
	}
	f.events[b.uid] = b
	f.byNote[b.note] = append(f.byNote[b.note], b.uid)
	if !f.sorted {
		return // Bytes sorts every event
	}
	i, _ := slices.BinarySearchFunc(f.order, b, byStart)
	f.order = slices.Insert(f.order, i, b)
}

// remove deletes the event uid.
func (f *Feed) remove(uid string) {
	if b, ok := f.events[uid]; ok {
		f.unlink(b)
		f.unorder(b)
		delete(f.events, uid)
	}
}

func (f *Feed) unorder(b *block) {
	if !f.sorted {
		return
	}
	if i, found := slices.BinarySearchFunc(f.order, b, byStart); found && f.order[i] == b {
		f.order = slices.Delete(f.order, i, i+1)
	}
}

// byStart orders events by start, then UID.
func byStart(a, b *block) int {
	if c := a.start.Compare(b.start); c != 0 {
		return c
	}
	return strings.Compare(a.uid, b.uid)
}

func (f *Feed) unlink(b *block) {
	uids := slices.DeleteFunc(f.byNote[b.note], func(u string) bool { return u == b.uid })
	if len(uids) == 0 {
		delete(f.byNote, b.note)
	} else {
		f.byNote[b.note] = uids
	}
}

// SetNotes makes the feed hold the events of each of notes and no others
// of their paths, encoding on every core. An event that did not change
// keeps its DTSTAMP, LAST-MODIFIED and SEQUENCE; a changed one gets now
// and SEQUENCE+1.
func (f *Feed) SetNotes(notes []*vault.Note, now time.Time) error {
	now = now.UTC().Truncate(time.Second)
	encoded := make([][]*block, len(notes))
	errs := make([]error, len(notes))
	// Encoding only reads the feed; the feed changes afterwards.
	vault.Parallel(len(notes), func(i int) {
		for _, e := range Schedule(notes[i], f.cfg) {
			b, err := f.encodeEvent(e, f.events[e.UID], now)
			if err != nil {
				errs[i] = err
				return
			}
			encoded[i] = append(encoded[i], b)
		}
	})
	for i, n := range notes {
		if errs[i] != nil {
			return errs[i]
		}
		wanted := map[string]bool{}
		for _, b := range encoded[i] {
			wanted[b.uid] = true
			f.put(b)
		}
		for _, uid := range slices.Clone(f.byNote[noteHash(n.Path)]) {
			if !wanted[uid] {
				f.remove(uid)
			}
		}
	}
	return nil
}

// Drop removes the events of the note at path p, which is gone.
func (f *Feed) Drop(p string) {
	for _, uid := range slices.Clone(f.byNote[noteHash(p)]) {
		f.remove(uid)
	}
}

// Retain drops the events of every note whose path keep does not report.
func (f *Feed) Retain(paths []string) {
	keep := map[string]bool{}
	for _, p := range paths {
		keep[noteHash(p)] = true
	}
	for hash, uids := range f.byNote {
		if !keep[hash] {
			for _, uid := range slices.Clone(uids) {
				f.remove(uid)
			}
		}
	}
}

// Len returns the number of events.
func (f *Feed) Len() int { return len(f.events) }

// Pieces returns the calendar in pieces whose concatenation is the file:
// events sorted by start, then UID. It reports whether the pieces differ
// from those of the last call (the first call always does). The pieces
// are not changed afterwards, and may be kept.
func (f *Feed) Pieces() ([][]byte, bool) {
	if !f.sorted {
		f.order = slices.SortedFunc(maps.Values(f.events), byStart)
		f.sorted = true
	}
	n := (len(f.order) + chunkEvents - 1) / chunkEvents
	changed := n != len(f.chunks) || n == 0 && f.chunks == nil
	if f.chunks == nil {
		f.chunks = []chunk{}
	}
	if n < len(f.chunks) {
		f.chunks = f.chunks[:n]
	}
	f.hashed = min(f.hashed, n)
	for len(f.chunks) < n {
		f.chunks = append(f.chunks, chunk{})
	}
	pieces := make([][]byte, 0, n+2)
	pieces = append(pieces, f.head)
	for i := range f.chunks {
		c := &f.chunks[i]
		blocks := f.order[i*chunkEvents : min((i+1)*chunkEvents, len(f.order))]
		// Blocks are never changed, only replaced: the same blocks are
		// the same bytes.
		if !slices.Equal(c.blocks, blocks) {
			size := 0
			for _, b := range blocks {
				size += len(b.data)
			}
			data := make([]byte, 0, size)
			for _, b := range blocks {
				data = append(data, b.data...)
				// The event is kept as a part of the chunk, not twice:
				// the same bytes.
				b.data = data[len(data)-len(b.data) : len(data) : len(data)]
			}
			// Blocks re-encoded with the same bytes are no change.
			if !bytes.Equal(data, c.data) {
				changed = true
				f.hashed = min(f.hashed, i)
			}
			c.blocks, c.data = slices.Clone(blocks), data
		}
		pieces = append(pieces, c.data)
	}
	return append(pieces, f.tail), changed
}

// Sum returns the SHA-256 of the calendar of the last Pieces. It hashes
// again only from the first run of events that changed since the last
// Sum: a change to one note hashes half the calendar, on average.
func (f *Feed) Sum() [sha256.Size]byte {
	h := sha256.New()
	if f.hashed > 0 {
		if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(f.chunks[f.hashed-1].state); err != nil {
			panic(err) // a state sha256 itself wrote
		}
	} else {
		h.Write(f.head)
	}
	for i := f.hashed; i < len(f.chunks); i++ {
		c := &f.chunks[i]
		h.Write(c.data)
		state, err := h.(encoding.BinaryAppender).AppendBinary(c.state[:0])
		if err != nil {
			panic(err)
		}
		c.state = state
	}
	f.hashed = len(f.chunks)
	h.Write(f.tail)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// Bytes returns the calendar file, in a new slice.
func (f *Feed) Bytes() []byte {
	pieces, _ := f.Pieces()
	return bytes.Join(pieces, nil)
}

// encodeEvent encodes e, stamped as old was when nothing else changed.
func (f *Feed) encodeEvent(e Event, old *block, now time.Time) (*block, error) {
	comp := eventComponent(e, f.cfg.ObsidianVault)
	b := &block{uid: e.UID, note: noteHash(e.Note), start: e.sortKey(), stamp: now}
	if old != nil {
		b.stamp, b.sequence = old.stamp, old.sequence
	}
	data, err := encodeComponent(comp, b.stamp, b.sequence)
	if err != nil {
		return nil, err
	}
	if old != nil && !bytes.Equal(unstamped(data), unstamped(old.data)) {
		b.stamp, b.sequence = now, old.sequence+1
		if data, err = encodeComponent(comp, b.stamp, b.sequence); err != nil {
			return nil, err
		}
	}
	// What did not change stays the same block; but a block read from
	// the file knows its start to the second only, and sorts by it.
	if old != nil && bytes.Equal(data, old.data) && old.start.Equal(b.start) {
		return old, nil
	}
	b.data = data
	return b, nil
}

// encodeComponent encodes one VEVENT with its stamps, folded.
func encodeComponent(comp *ical.Component, stampAt time.Time, seq int) ([]byte, error) {
	comp.Props.SetDateTime(ical.PropDateTimeStamp, stampAt)
	comp.Props.SetDateTime(ical.PropLastModified, stampAt)
	seqProp := ical.NewProp(ical.PropSequence)
	seqProp.Value = strconv.Itoa(seq)
	comp.Props.Set(seqProp)
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProductID)
	_, event, _, err := encodeAround(cal, comp)
	// A copy: the buffer holds the whole calendar around the event.
	return bytes.Clone(event), err
}

// encodeAround encodes cal with the one event comp, with go-ical's
// encoder through the folder, and returns what comes before the event,
// the event, and what comes after it.
func encodeAround(cal *ical.Calendar, comp *ical.Component) (head, event, tail []byte, err error) {
	cal.Children = []*ical.Component{comp}
	var buf bytes.Buffer
	fw := &folder{w: &buf}
	if err := ical.NewEncoder(fw).Encode(cal); err != nil {
		return nil, nil, nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, nil, nil, err
	}
	out := buf.Bytes()
	begin := bytes.Index(out, []byte(beginEvent))
	end := bytes.LastIndex(out, []byte(endEvent)) + len(endEvent)
	return out[:begin], out[begin:end], out[end:], nil
}

const (
	beginEvent = "BEGIN:VEVENT\r\n"
	endEvent   = "END:VEVENT\r\n"
)

// stampLines are the lines that record when an event changed rather than
// what it is.
var stampLines = [][]byte{[]byte("DTSTAMP"), []byte("LAST-MODIFIED"), []byte("SEQUENCE")}

// unstamped returns an encoded event without its stamp lines: two events
// with the same unstamped encoding are the same event.
func unstamped(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for line := range bytes.Lines(data) {
		if !isStampLine(line) {
			out = append(out, line...)
		}
	}
	return out
}

func isStampLine(line []byte) bool {
	for _, name := range stampLines {
		if rest, ok := bytes.CutPrefix(line, name); ok && len(rest) > 0 && (rest[0] == ':' || rest[0] == ';') {
			return true
		}
	}
	return false
}

var errPrevious = errors.New("calendar: cannot read the previous calendar")

// splitEvents cuts a calendar file as this package writes it into its
// events, reading from each what the feed needs. A file that is not such
// a calendar gives an error; what could be read of it is returned.
func splitEvents(data []byte) ([]*block, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	// A file saved by an editor may have lost its CRs.
	if !bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
	}
	if !bytes.HasPrefix(data, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.HasSuffix(bytes.TrimRight(data, "\r\n"), []byte("END:VCALENDAR")) {
		return nil, errPrevious
	}
	var (
		blocks []*block
		bad    bool
	)
	rest := data
	for {
		i := bytes.Index(rest, []byte("\r\n"+beginEvent))
		if i < 0 {
			break
		}
		rest = rest[i+2:]
		j := bytes.Index(rest, []byte("\r\n"+endEvent))
		if j < 0 {
			bad = true
			break
		}
		raw := rest[:j+2+len(endEvent)]
		rest = rest[len(raw)-2:]
		b, ok := readBlock(raw)
		if !ok {
			bad = true
			continue
		}
		blocks = append(blocks, b)
	}
	if bad {
		return blocks, errPrevious
	}
	return blocks, nil
}

// readBlock reads the UID, note, start and stamps of an encoded event.
func readBlock(raw []byte) (*block, bool) {
	b := &block{data: bytes.Clone(raw)}
	unfolded := bytes.ReplaceAll(raw, []byte("\r\n "), nil)
	depth := 0 // inside a VALARM, DESCRIPTION and such are the alarm's
	for line := range bytes.Lines(unfolded) {
		line = bytes.TrimSuffix(line, []byte("\r\n"))
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return nil, false
		}
		name, params, _ := bytes.Cut(name, []byte(";"))
		switch {
		case string(name) == "BEGIN" && string(value) != "VEVENT":
			depth++
		case string(name) == "END" && string(value) != "VEVENT":
			depth--
		case depth > 0:
		case string(name) == "UID":
			b.uid = unescapeText(string(value))
		case string(name) == propNote:
			b.note = string(value)
		case string(name) == "SEQUENCE":
			b.sequence, _ = strconv.Atoi(string(value))
		case string(name) == "DTSTAMP":
			t, err := time.Parse("20060102T150405Z", string(value))
			if err != nil {
				return nil, false
			}
			b.stamp = t
		case string(name) == "DTSTART":
			layout := "20060102T150405Z"
			if bytes.Contains(params, []byte("VALUE=DATE")) {
				layout = "20060102"
			}
			t, err := time.Parse(layout, string(value))
			if err != nil {
				return nil, false
			}
			b.start = t
		}
	}
	return b, b.uid != ""
}

// unescapeText undoes RFC 5545's escaping of a TEXT value.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				sb.WriteByte('\n')
			default:
				sb.WriteByte(s[i])
			}
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// around returns the encoding of cal before its events and after them.
// go-ical refuses a calendar without events: the head and the tail are
// what is around a placeholder.
func around(cal *ical.Calendar) (head, tail []byte, err error) {
	placeholder := ical.NewEvent()
	placeholder.Props.SetText(ical.PropUID, "placeholder")
	placeholder.Props.SetDateTime(ical.PropDateTimeStamp, time.Unix(0, 0).UTC())
	head, _, tail, err = encodeAround(cal, placeholder.Component)
	return head, tail, err
}
