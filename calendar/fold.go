package calendar

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// maxLine is the longest content line RFC 5545 section 3.1 allows, in
// octets, without the CRLF.
const maxLine = 75

// folder folds the content lines written to it at 75 octets, never inside
// a UTF-8 sequence: go-ical writes each line whole and does not fold.
type folder struct {
	w   io.Writer
	buf []byte
}

func (f *folder) Write(p []byte) (int, error) {
	f.buf = append(f.buf, p...)
	for {
		i := bytes.Index(f.buf, []byte("\r\n"))
		if i < 0 {
			return len(p), nil
		}
		if err := f.writeLine(f.buf[:i]); err != nil {
			return 0, err
		}
		f.buf = f.buf[i+2:]
	}
}

// Close writes what is left, which is nothing when every line ended.
func (f *folder) Close() error {
	if len(f.buf) == 0 {
		return nil
	}
	err := f.writeLine(f.buf)
	f.buf = nil
	return err
}

func (f *folder) writeLine(line []byte) error {
	var out []byte
	limit := maxLine
	for len(line) > limit {
		cut := limit
		for cut > limit-utf8.UTFMax && !utf8.RuneStart(line[cut]) {
			cut--
		}
		out = append(out, line[:cut]...)
		out = append(out, "\r\n "...)
		line = line[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	out = append(out, line...)
	out = append(out, "\r\n"...)
	_, err := f.w.Write(out)
	return err
}
