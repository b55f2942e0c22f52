package vault

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Severity says whether a problem stops a note from being rendered.
type Severity string

// The two severities of SPEC "Checks".
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// A Code names what kind of problem a Diagnostic is. SPEC names the
// warnings' codes; the errors get codes too so that every diagnostic can
// be filtered and scripted on.
type Code string

// The codes, of errors and of warnings: those of the drafts' text are
// render's, listed here so that one list holds every code.
const (
	CodeSyntax         Code = "syntax"          // front matter that cannot be decoded
	CodeUnclosed       Code = "unclosed"        // front matter that is never closed
	CodeEncoding       Code = "encoding"        // a note that is not UTF-8
	CodeMissing        Code = "missing-key"     // a required key is absent
	CodeType           Code = "type"            // a value of the wrong type
	CodeValue          Code = "value"           // an unknown enum value or a malformed text
	CodeDate           Code = "date"            // an unparseable date or date-time
	CodeTimezone       Code = "timezone"        // an unknown IANA zone
	CodeDuration       Code = "duration"        // an unparseable duration
	CodeNoName         Code = "no-name"         // an interviewer without a name
	CodeDecision       Code = "decision"        // decision_date before the interview
	CodeUnreadable     Code = "unreadable"      // a file or folder that cannot be read
	CodeTooLarge       Code = "too-large"       // a note over MaxNoteSize
	CodeSymlink        Code = "symlink"         // a dangling link or one that leaves the vault
	CodeConfig         Code = "config"          // a problem in followup.yaml
	CodeUnknownKey     Code = "unknown-key"     // a key a small edit away from a known one
	CodeBrokenLink     Code = "broken-link"     // a link to a missing person note
	CodePersonNote     Code = "person-note"     // a linked person note that cannot be read
	CodeEditedOutput   Code = "edited-output"   // a generated file changed by hand
	CodeMissingEmail   Code = "missing-email"   // no address for an interviewer on the e-mail channel
	CodeFormLetter     Code = "form-letter"     // the same note twice, or nothing personal
	CodeEarlyFollowUp  Code = "early-follow-up" // a follow-up logged before the decision date
	CodeOverdue        Code = "overdue"         // a thank-you past its deadline
	CodeManifest       Code = "manifest"        // the outbox's manifest missing, damaged, or naming what is not ours
	CodeUnlisted       Code = "unlisted"        // a heading thanks someone who is not in interviewers
	CodeCandidate      Code = "candidate"       // a ready note while the candidate's name or address is unset
	CodeMisspelledName Code = "misspelled-name" // a name or the company misspelled in a draft
	CodePlaceholder    Code = "placeholder"     // a placeholder left in a draft
	CodeSpelling       Code = "spelling"        // a common misspelling or a doubled word
	CodeLength         Code = "length"          // a draft too long, or too short
	CodeTone           Code = "tone"            // an eager phrase
	CodeTemplate       Code = "template"        // a template that cannot be parsed or run
)

// WarningCodes lists the codes of SPEC "Checks" that `checks.disable` may
// turn off, sorted.
var WarningCodes = []Code{
	CodeBrokenLink, CodeCandidate, CodeEarlyFollowUp, CodeEditedOutput, CodeFormLetter, CodeLength,
	CodeManifest, CodeMissingEmail, CodeMisspelledName, CodeOverdue, CodePersonNote, CodePlaceholder,
	CodeSpelling, CodeSymlink, CodeTone, CodeUnknownKey, CodeUnlisted,
}

// A Diagnostic is one problem found in a file of the vault, at a position
// in that file.
type Diagnostic struct {
	Path       string   `json:"path"` // relative to the vault, with forward slashes
	Line       int      `json:"line"` // 1-based
	Col        int      `json:"col"`  // 1-based, in bytes
	Severity   Severity `json:"severity"`
	Code       Code     `json:"code"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion"` // a replacement to offer, or ""
}

// String formats d as PATH:LINE:COL: SEVERITY: MESSAGE [CODE].
// A path with control characters (a line break in a file name) is quoted,
// so that one diagnostic is always one line.
func (d Diagnostic) String() string {
	p := d.Path
	if strings.ContainsFunc(p, unicode.IsControl) {
		p = strconv.Quote(p)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", p, d.Line, d.Col, d.Severity, d.Message, d.Code)
}

// SortDiagnostics orders ds by path, line and column, so that output is the
// same from run to run.
func SortDiagnostics(ds []Diagnostic) {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// HasErrors reports whether any of ds is an error.
func HasErrors(ds []Diagnostic) bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// A Pos is a position in a file: 1-based line and column.
type Pos struct{ Line, Col int }

// diags collects the diagnostics of one file.
type diags struct {
	path string
	list []Diagnostic
}

func (d *diags) add(sev Severity, p Pos, code Code, suggestion, format string, args ...any) {
	if p.Line < 1 {
		p.Line = 1
	}
	if p.Col < 1 {
		p.Col = 1
	}
	d.list = append(d.list, Diagnostic{
		Path: d.path, Line: p.Line, Col: p.Col, Severity: sev, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion,
	})
}

func (d *diags) errorf(p Pos, code Code, format string, args ...any) {
	d.add(Error, p, code, "", format, args...)
}

func (d *diags) warnf(p Pos, code Code, suggestion, format string, args ...any) {
	d.add(Warning, p, code, suggestion, format, args...)
}

// Tidy drops the warnings checks.disable turns off, sorts the rest and
// says each once: a template's problem shows in every draft.
func Tidy(ds []Diagnostic, cfg *Config) []Diagnostic {
	ds = slices.DeleteFunc(ds, func(d Diagnostic) bool {
		return d.Severity == Warning && cfg.Disabled(d.Code)
	})
	SortDiagnostics(ds)
	return slices.Compact(ds)
}
