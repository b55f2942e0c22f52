package vault

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// A Moment is a date or a date-time written in a note.
type Moment struct {
	Time    time.Time // in the note's zone; midnight when HasTime is false
	HasTime bool      // false for a date alone
}

// IsZero reports whether m was never set.
func (m Moment) IsZero() bool { return m.Time.IsZero() }

// Date returns the calendar day of m in its own zone.
func (m Moment) Date() (year int, month time.Month, day int) { return m.Time.Date() }

// ParseMoment parses the date and date-time forms of SPEC "Front matter":
// 2026-11-18, 2026-11-18T14:00, 2026-11-18T14:00:00, 2026-11-18 14:00, each
// optionally followed by Z or ±hh:mm, and YAML timestamps (fractional
// seconds, a lower-case t, a space before the offset, ±hh or ±hhmm). A time
// without an offset is read in loc; one with an offset is converted to loc.
func ParseMoment(s string, loc *time.Location) (Moment, error) {
	s = strings.TrimSpace(s)
	p := momentParser{s: s}
	year := p.num(4, 4)
	p.sep('-')
	month := p.num(1, 2)
	p.sep('-')
	day := p.num(1, 2)
	if p.err != nil {
		return Moment{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, optionally followed by a time such as T14:00", s)
	}
	if year < 1900 || year > latestYear {
		return Moment{}, errEra(s)
	}
	if month < 1 || month > 12 {
		return Moment{}, fmt.Errorf("%q is not a date: there is no month %d", s, month)
	}
	if last := daysIn(time.Month(month), year); day < 1 || day > last {
		return Moment{}, fmt.Errorf("%q is not a date: %s %d has %d days", s, time.Month(month), year, last)
	}
	if p.done() {
		return Moment{Time: time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)}, nil
	}
	if !p.timeSep() {
		return Moment{}, fmt.Errorf("%q is not a date-time: put T or a space between the date and the time", s)
	}
	hour := p.num(1, 2)
	p.sep(':')
	minute := p.num(2, 2)
	sec, nsec := 0, 0
	if p.peek(':') {
		p.sep(':')
		sec = p.num(2, 2)
		if p.peek('.') {
			p.sep('.')
			nsec = p.fraction()
		}
	}
	if p.err != nil {
		return Moment{}, fmt.Errorf("%q is not a date-time: write the time as hh:mm or hh:mm:ss", s)
	}
	if hour > 23 || minute > 59 || sec > 59 {
		return Moment{}, fmt.Errorf("%q is not a date-time: %02d:%02d:%02d is not a time of day", s, hour, minute, sec)
	}
	for p.peek(' ') || p.peek('\t') {
		p.i++
	}
	zone := loc
	if !p.done() {
		off, ok := p.offset()
		if !ok || !p.done() {
			return Moment{}, fmt.Errorf("%q is not a date-time: the time may only be followed by Z or an offset such as +01:00", s)
		}
		zone = time.FixedZone("", off)
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, zone).In(loc)
	if t.Year() < 1900 || t.Year() > latestYear {
		return Moment{}, errEra(s)
	}
	return Moment{Time: t, HasTime: true}, nil
}

// latestYear is the last year a date in a note or in followup.yaml may
// fall in. Year 9999 is left to the events a date leads to: a deadline
// days later, a follow-up weeks later, an all-day event's exclusive end,
// each converted to UTC, must still have the four-digit year that
// iCalendar (RFC 5545 section 3.3.4) and RFC 3339 require; a year of five
// digits is a calendar no reader opens. maxDuration, maxThankYouWithin and
// maxBusinessDays keep every event within that year.
const latestYear = 9998

// errEra refuses dates before 1900: zones then kept local mean time,
// offsets in seconds that no calendar writes, and no interview is that old.
// It refuses dates after latestYear too: no interview is that far ahead.
func errEra(s string) error {
	return fmt.Errorf("%q is not a date of this era: check the year", s)
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type momentParser struct {
	s   string
	i   int
	err error
}

var errMoment = fmt.Errorf("malformed")

func (p *momentParser) done() bool       { return p.err == nil && p.i == len(p.s) }
func (p *momentParser) peek(c byte) bool { return p.err == nil && p.i < len(p.s) && p.s[p.i] == c }

// num reads between lo and hi decimal digits.
func (p *momentParser) num(lo, hi int) int {
	if p.err != nil {
		return 0
	}
	j := p.i
	for j < len(p.s) && j-p.i < hi && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	if j-p.i < lo {
		p.err = errMoment
		return 0
	}
	n, _ := strconv.Atoi(p.s[p.i:j])
	p.i = j
	return n
}

func (p *momentParser) sep(c byte) {
	if !p.peek(c) {
		p.err = errMoment
		return
	}
	p.i++
}

// timeSep reads the T, t or spaces between a date and a time.
func (p *momentParser) timeSep() bool {
	if p.peek('T') || p.peek('t') {
		p.i++
		return true
	}
	n := 0
	for p.peek(' ') || p.peek('\t') {
		p.i++
		n++
	}
	return n > 0
}

// fraction reads fractional seconds as nanoseconds.
func (p *momentParser) fraction() int {
	j := p.i
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	digits := p.s[p.i:j]
	if digits == "" {
		p.err = errMoment
		return 0
	}
	p.i = j
	digits = (digits + "000000000")[:9]
	n, _ := strconv.Atoi(digits)
	return n
}

// offset reads Z or ±hh, ±hhmm, ±hh:mm and returns seconds east of UTC.
func (p *momentParser) offset() (int, bool) {
	if p.peek('Z') || p.peek('z') {
		p.i++
		return 0, true
	}
	sign := 1
	switch {
	case p.peek('+'):
	case p.peek('-'):
		sign = -1
	default:
		return 0, false
	}
	p.i++
	h := p.num(1, 2)
	m := 0
	if p.peek(':') {
		p.i++
		m = p.num(2, 2)
	} else if p.i < len(p.s) {
		m = p.num(2, 2)
	}
	if p.err != nil || h > 14 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// ParseDuration parses a duration such as 45m, 1h30m or 2d (whole days of
// 24 hours). Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	written := s
	if s == "0" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q is not a duration: write it like 45m, 1h30m or 2d", s)
		}
		if int64(n) > maxDays {
			return 0, errTooLong(s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || strings.HasPrefix(s, "+") {
		if _, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return 0, fmt.Errorf("%q is not a duration: it needs a unit, as in %sm or %sh", s, s, s)
		}
		return 0, fmt.Errorf("%q is not a duration: write it like 45m, 1h30m or 2d", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q is not a duration: it must not be negative", s)
	}
	if d > math.MaxInt64-days {
		return 0, errTooLong(written)
	}
	return days + d, nil
}

// maxDays is the most whole days a time.Duration holds: about 292 years.
const maxDays = math.MaxInt64 / int64(24*time.Hour)

// errTooLong refuses a duration a time.Duration cannot hold, which would
// otherwise wrap around to a negative one.
func errTooLong(s string) error {
	return fmt.Errorf("%q is not a duration: it is longer than followup can count", s)
}
