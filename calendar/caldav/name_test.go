package caldav

import "testing"

func TestSlug(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Job search follow-ups", "job-search-follow-ups"},
		{"  Bewerbungen — Fristen! ", "bewerbungen-fristen"},
		{"日本語", "followup"},
		{"", "followup"},
	} {
		if got := slug(c.name); got != c.want {
			t.Errorf("slug(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestETagQuoting(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{`"abc"`, "abc"},
		{`W/"abc"`, "abc"},
		{`abc`, "abc"},
		{``, ""},
	} {
		if got := unquote(c.header); got != c.want {
			t.Errorf("unquote(%q) = %q, want %q", c.header, got, c.want)
		}
	}
	if got := quote("abc"); got != `"abc"` {
		t.Errorf("quote = %q", got)
	}
}

// The object's file name is opaque and stable: UIDs hold slashes and @.
func TestObjectName(t *testing.T) {
	a, b := objectName("interviews/2026/acme/thank-you@followup"), objectName("interviews/2026/acme/interview@followup")
	if a == b || len(a) != 64+len(".ics") || a != objectName("interviews/2026/acme/thank-you@followup") {
		t.Errorf("objectName: %q, %q", a, b)
	}
}
