package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatusExampleVault runs status on the example vault on Tuesday 24
// November 2026: the thank-yous of the 19th and 20th are overdue, the
// second follow-up to Northwind is due today, and Kestrel's decision comes
// tomorrow. The text and the JSON must say the same.
func TestStatusExampleVault(t *testing.T) {
	status := func(extra ...string) string {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--vault", "../../example-vault", "--now", "2026-11-24T09:00:00-05:00", "status"}, extra...)
		if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil {
			t.Fatalf("status: %v\n%s", err, stderr.String())
		}
		return stdout.String()
	}
	text := status()
	var rep statusReport
	if err := json.Unmarshal([]byte(status("--json")), &rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"OVERDUE\n  Send thank-you notes: Acme Corp (Helen Moreau, Raj Patel), due Fri 20 Nov 17:30, 88h late\n    outbox/2026-11-19-acme-corp/\n",
		"TODAY\n  Follow up: Northwind Logistics (Renata Whitfield), Tue 24 Nov\n    outbox/2026-11-03-northwind-logistics/follow-up-2.eml\n",
		"NEXT 14 DAYS\n  Decision expected: Kestrel Geospatial, Wed 25 Nov\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks\n%s\ngot:\n%s", want, text)
		}
	}
	// The JSON holds the same items, in the same order.
	var fromJSON []string
	for _, list := range [][]dueItem{rep.Overdue, rep.Today, rep.Upcoming} {
		for _, it := range list {
			it.text = ""
			line, _, _ := strings.Cut("  "+describeItem(it), ", due ")
			fromJSON = append(fromJSON, line)
		}
	}
	var fromText []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") {
			line, _, _ := strings.Cut(l, ", due ")
			fromText = append(fromText, line)
		}
	}
	if strings.Join(fromJSON, "\n") != strings.Join(fromText, "\n") {
		t.Errorf("text and JSON differ:\n%s\n---\n%s", strings.Join(fromText, "\n"), strings.Join(fromJSON, "\n"))
	}
	if len(rep.Overdue) != 4 || len(rep.Today) != 1 || rep.Overdue[0].HoursLeft == nil || *rep.Overdue[0].HoursLeft != -87.5 {
		t.Errorf("overdue %d, today %d, first hours left %v", len(rep.Overdue), len(rep.Today), rep.Overdue[0].HoursLeft)
	}
}

// TestDeadlineSaidAlike: check and status say a deadline at the same
// clock time, the note's, with its zone when it is not the vault's.
func TestDeadlineSaidAlike(t *testing.T) {
	dir := copyExample(t)
	var checkOut, statusOut bytes.Buffer
	_ = run(t.Context(), []string{"--vault", dir, "--now", "2026-11-24T09:00:00-05:00", "check"}, nil, io.Discard, &checkOut)
	if err := run(t.Context(), []string{"--vault", dir, "--now", "2026-11-24T09:00:00-05:00", "status"}, nil, &statusOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, due := range []string{"due Sat 21 Nov 15:00 GMT", "due Fri 20 Nov 17:30"} {
		if !strings.Contains(checkOut.String(), due) || !strings.Contains(statusOut.String(), due) {
			t.Errorf("%q missing from check or status:\n%s\n%s", due, checkOut.String(), statusOut.String())
		}
	}
	if strings.Contains(checkOut.String(), "17:30 EST") {
		t.Errorf("the vault's own zone is named:\n%s", checkOut.String())
	}
}

// TestStatusNamesDraftsThatExist: a follow-up's draft is the .eml on the
// e-mail channel, and the .html to print on the letter and call channels,
// as render writes them.
func TestStatusNamesDraftsThatExist(t *testing.T) {
	dir := copyExample(t)
	now := "--now=2026-12-08T09:00:00-05:00"
	if err := run(t.Context(), []string{"--vault", dir, now, "build"}, nil, io.Discard, io.Discard); err != nil && !errors.Is(err, errProblems) {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--vault", dir, now, "status", "--json"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep statusReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	drafts := 0
	for _, list := range [][]dueItem{rep.Overdue, rep.Today, rep.Upcoming} {
		for _, it := range list {
			if it.Draft == "" || strings.HasSuffix(it.Draft, "/") {
				continue
			}
			drafts++
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(it.Draft))); err != nil {
				t.Errorf("status names %s: %v", it.Draft, err)
			}
		}
	}
	if drafts < 2 {
		t.Errorf("only %d follow-up drafts named: %+v", drafts, rep)
	}
}

// TestStatusAgreesWithCheck: a thank-you check calls overdue is overdue in
// status, and one it does not (the outcome decided, an answer received)
// is not listed.
func TestStatusAgreesWithCheck(t *testing.T) {
	dir := copyExample(t)
	note := filepath.Join(dir, "interviews", "2026", "2026-11-19-acme-corp.md")
	text, err := os.ReadFile(note)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(note, bytes.Replace(text, []byte("outcome: pending"), []byte("outcome: rejected"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	now := "--now=2026-11-24T09:00:00-05:00"
	var checkOut, statusOut bytes.Buffer
	_ = run(t.Context(), []string{"--vault", dir, now, "check"}, nil, io.Discard, &checkOut)
	if err := run(t.Context(), []string{"--vault", dir, now, "status"}, nil, &statusOut, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, company := range []string{"Acme Corp", "Fernhill Bank", "Brightwater Energy"} {
		inCheck := strings.Contains(checkOut.String(), "the thank-you notes to "+company)
		inStatus := strings.Contains(statusOut.String(), "Send thank-you notes: "+company)
		if inCheck != inStatus {
			t.Errorf("%s: overdue in check %t, in status %t\n%s\n%s", company, inCheck, inStatus, checkOut.String(), statusOut.String())
		}
	}
}

// TestStatusMinutesLeft: under an hour, status counts minutes, not "0h".
func TestStatusMinutesLeft(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--vault", "../../example-vault", "--now", "2026-11-20T17:00:00-05:00", "status"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "due Fri 20 Nov 17:30, 30m left") || strings.Contains(out.String(), " 0h ") {
		t.Errorf("status:\n%s", out.String())
	}
}
