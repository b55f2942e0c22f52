package main

import (
	"bytes"
	"context"
	"encoding/json"
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
			fromJSON = append(fromJSON, "  "+describeItem(it))
		}
	}
	var fromText []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "    ") {
			fromText = append(fromText, l)
		}
	}
	if strings.Join(fromJSON, "\n") != strings.Join(fromText, "\n") {
		t.Errorf("text and JSON differ:\n%s\n---\n%s", strings.Join(fromText, "\n"), strings.Join(fromJSON, "\n"))
	}
	if len(rep.Overdue) != 4 || len(rep.Today) != 1 || rep.Overdue[0].HoursLeft == nil || *rep.Overdue[0].HoursLeft != -87.5 {
		t.Errorf("overdue %d, today %d, first hours left %v", len(rep.Overdue), len(rep.Today), rep.Overdue[0].HoursLeft)
	}
}
