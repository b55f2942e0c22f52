package vault

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestLoadConfigDefaults(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"missing": {},
		"empty":   {ConfigFile: {Data: []byte("# nothing set\n")}},
	} {
		c, ds := LoadConfig(fsys, time.UTC)
		if len(ds) > 0 {
			t.Fatalf("%s: %v", name, ds)
		}
		want := DefaultConfig(time.UTC)
		if c.Outbox != "outbox" || c.Templates != "templates" || c.Calendar.File != "calendar.ics" ||
			c.Calendar.Details != DetailsNames || c.Calendar.Alarm != 2*time.Hour ||
			c.Rules.ThankYouWithin != 24*time.Hour || c.Rules.FollowUpAfterDecision != 2 ||
			c.Rules.FollowUpWithoutDecision != 7 || c.Rules.FollowUpEvery != 5 || c.Rules.MaxFollowUps != 2 ||
			len(c.Rules.Workdays) != 5 || c.Serve.Addr != "127.0.0.1:8765" || c.Zone != time.UTC ||
			c.Calendar.Name != want.Calendar.Name {
			t.Errorf("%s: defaults = %+v", name, c)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	yaml := `candidate:
  name: Alex Rivera
  email: alex@example.com
  signature: |-
    Alex Rivera
    +1 555 0100
  strengths: ["eight years of Go", "ran a billing migration"]
timezone: Europe/Berlin
outbox: out/drafts
ignore: ["Archive/**"]
obsidian_vault: Job Search
calendar:
  details: full
  alarm: 0
rules:
  thank_you_within: 12h
  follow_up_every: 3
  max_follow_ups: 0
  workdays: [Sun, monday, Tue]
  holidays: [2026-12-25]
checks:
  disable: [tone, length]
serve:
  addr: ":9000"
  token: s3cret
`
	c, ds := LoadConfig(fstest.MapFS{ConfigFile: {Data: []byte(yaml)}}, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if c.Candidate.Signature != "Alex Rivera\n+1 555 0100" || len(c.Candidate.Strengths) != 2 {
		t.Errorf("candidate = %+v", c.Candidate)
	}
	if c.Zone.String() != "Europe/Berlin" || c.Outbox != "out/drafts" || c.ObsidianVault != "Job Search" {
		t.Errorf("zone, outbox, vault = %v, %q, %q", c.Zone, c.Outbox, c.ObsidianVault)
	}
	if c.Calendar.Details != DetailsFull || c.Calendar.Alarm != 0 || c.Rules.ThankYouWithin != 12*time.Hour {
		t.Errorf("calendar, rules = %+v, %+v", c.Calendar, c.Rules)
	}
	if got := c.Rules.Workdays; len(got) != 3 || got[0] != time.Sunday || got[1] != time.Monday || got[2] != time.Tuesday {
		t.Errorf("workdays = %v", got)
	}
	if !c.Disabled("tone") || c.Disabled("spelling") || c.Serve.Token != "s3cret" || c.Rules.MaxFollowUps != 0 {
		t.Errorf("checks, serve = %+v, %+v", c.Checks, c.Serve)
	}
	if len(c.Rules.Holidays) != 1 || c.Rules.Holidays[0].Time.Format("2006-01-02") != "2026-12-25" {
		t.Errorf("holidays = %v", c.Rules.Holidays)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		yaml string
		want string // the one diagnostic, as printed
	}{
		{"timezon: UTC\n", `followup.yaml:1:1: error: unknown key "timezon" at the top level: did you mean "timezone"? [unknown-key]`},
		{"calendar:\n  detail: full\n", `followup.yaml:2:3: error: unknown key "detail" in calendar: did you mean "details"? [unknown-key]`},
		{"rules:\n  follow_up_evry: 3\n", `followup.yaml:2:3: error: unknown key "follow_up_evry" in rules: did you mean "follow_up_every"? [unknown-key]`},
		{"colour: blue\n", `followup.yaml:1:1: error: unknown key "colour" at the top level: the keys are caldav, calendar, candidate, checks, ignore, mailbox, obsidian_vault, outbox, rules, serve, templates, timezone [unknown-key]`},
		{"mailbox:\n  imap: imap.example.com:993\n  username: a\n  password: hunter2\n", `followup.yaml:4:13: error: mailbox.password: a password never goes in followup.yaml, which is kept in git: remove it, then set password_cmd (a command that prints it, such as pass show mail/app) or $FOLLOWUP_IMAP_PASSWORD [config]`},
		{"caldav:\n  url: https://dav.example.com/\n  username: a\n  password: hunter2\n", `followup.yaml:4:13: error: caldav.password: a password never goes in followup.yaml, which is kept in git: remove it, then set password_cmd (a command that prints it, such as pass show mail/app) or $FOLLOWUP_CALDAV_PASSWORD [config]`},
		{"mailbox:\n  imap: imap.example.com\n  username: a\n", `followup.yaml:2:9: error: mailbox.imap must be host:port, such as imap.fastmail.com:993, not "imap.example.com" [config]`},
		{"mailbox:\n  username: a\n", `followup.yaml:2:3: error: mailbox.imap is missing: the IMAP server as host:port, such as imap.fastmail.com:993 [config]`},
		{"mailbox:\n  imap: imap.example.com:993\n", `followup.yaml:2:3: error: mailbox.username is missing: the account to log in as, such as alex@example.com [config]`},
		{"mailbox:\n  imap: imap.example.com:143\n  username: a\n  security: none\n", `followup.yaml:2:9: error: mailbox.security: none sends the password in the clear: it is allowed on this machine only (localhost, 127.0.0.1), not imap.example.com [config]`},
		{"mailbox:\n  imap: imap.example.com:993\n  username: a\n  security: ssl\n", `followup.yaml:4:13: error: security "ssl" is not one of tls, starttls, none [config]`},
		{"mailbox:\n  imap: imap.example.com:993\n  usrname: a\n", `followup.yaml:3:3: error: unknown key "usrname" in mailbox: did you mean "username"? [unknown-key]`},
		{"mailbox:\n  imap: imap.example.com:993\n  user: a\n", `followup.yaml:3:3: error: unknown key "user" in mailbox: the keys are drafts, imap, inbox, password_cmd, security, username [unknown-key]`},
		{"caldav:\n  url: http://dav.example.com/\n  username: a\n", `followup.yaml:2:8: error: caldav.url: http sends the password in the clear: use https (http is allowed on this machine only, localhost or 127.0.0.1) [config]`},
		{"caldav:\n  url: dav.example.com\n  username: a\n", `followup.yaml:2:8: error: caldav.url must be the server's address, such as https://caldav.fastmail.com/, not "dav.example.com" [config]`},
		{"caldav:\n  url: https://a:b@dav.example.com/\n  username: a\n", `followup.yaml:2:8: error: caldav.url must not hold a user name or password: set username and password_cmd [config]`},
		{"caldav:\n  url: https://a:hun ter2@\n  username: a\n", `followup.yaml:2:8: error: caldav.url must be the server's address, such as https://caldav.fastmail.com/, without a user name or password [config]`},
		{"caldav:\n  url: ftp://a:hunter2@dav.example.com/\n  username: a\n", `followup.yaml:2:8: error: caldav.url must not hold a user name or password: set username and password_cmd [config]`},
		{"timezone: Mars/Base\n", `followup.yaml:1:11: error: timezone: "Mars/Base" is not an IANA time zone such as Europe/Berlin or America/New_York [config]`},
		{"outbox: ../elsewhere\n", `followup.yaml:1:9: error: outbox must be a folder inside the vault, such as outbox, not "../elsewhere" [config]`},
		{"outbox: /tmp/x\n", `followup.yaml:1:9: error: outbox must be a folder inside the vault, such as outbox, not "/tmp/x" [config]`},
		{"calendar:\n  details: everything\n", `followup.yaml:2:12: error: details "everything" is not one of none, names, full [config]`},
		{"calendar:\n  alarm: soon\n", `followup.yaml:2:10: error: alarm: "soon" is not a duration: write it like 45m, 1h30m or 2d [config]`},
		{"calendar:\n  file: ../cal.ics\n", `followup.yaml:2:9: error: calendar.file must be a plain file name ending in .ics, such as calendar.ics, not "../cal.ics" [config]`},
		{"calendar:\n  file: notes.md\n", `followup.yaml:2:9: error: calendar.file must be a plain file name ending in .ics, such as calendar.ics, not "notes.md" [config]`},
		{"rules:\n  follow_up_every: 0\n", `followup.yaml:2:20: error: follow_up_every must be a whole number of at least 1, not "0" [config]`},
		{"rules:\n  follow_up_every: 51\n", `followup.yaml:2:20: error: follow_up_every must be 50 business days (ten weeks) at most, not 51 [config]`},
		{"rules:\n  follow_up_after_decision: 1000000000\n", `followup.yaml:2:29: error: follow_up_after_decision must be 50 business days (ten weeks) at most, not 1000000000 [config]`},
		{"rules:\n  thank_you_within: 100000h\n", `followup.yaml:2:21: error: thank_you_within must be 30 days at most, not 100000h: a thank-you goes out within a day or two [config]`},
		{"rules:\n  thank_you_within: 200000d\n", `followup.yaml:2:21: error: thank_you_within: "200000d" is not a duration: it is longer than followup can count [config]`},
		{"rules:\n  holidays: [9999-12-24]\n", `followup.yaml:2:14: error: holidays: "9999-12-24" is not a date of this era: check the year [config]`},
		{"rules:\n  max_follow_ups: two\n", `followup.yaml:2:19: error: max_follow_ups must be a whole number of at least 0, not "two" [config]`},
		{"rules:\n  workdays: [Mon, Funday]\n", `followup.yaml:2:19: error: workdays: "Funday" is not a day of the week such as Mon or Monday [config]`},
		{"rules:\n  holidays: [2026-13-01]\n", `followup.yaml:2:14: error: holidays: "2026-13-01" is not a date: there is no month 13 [config]`},
		{"checks:\n  disable: [tones]\n", `followup.yaml:2:13: error: checks.disable: "tones" is not the code of a warning: did you mean "tone"? [config]`},
		{"serve:\n  addr: localhost\n", `followup.yaml:2:9: error: serve.addr must be host:port, such as 127.0.0.1:8765, not "localhost" [config]`},
		{"candidate:\n  email: alex at home\n", `followup.yaml:2:10: error: candidate.email: "alex at home" is not an e-mail address [config]`},
		{"candidate:\n  name: \"Alex \\u202eRivera\"\n", `followup.yaml:2:9: error: name contains a bidirectional control character (U+202E) after "Alex ": delete it, as it shows the text in another order than it is written [config]`},
		{"candidate:\n  signature: |\n    Alex Rivera\n    \u200b+1 555 0100\n", `followup.yaml:2:14: error: signature contains an invisible character (U+200B) after "Alex Rivera\n": delete it, as it cannot be seen yet keeps the text from matching what you type [config]`},
		{"candidate: Alex\n", `followup.yaml:1:12: error: candidate must be a mapping of keys to values, not "Alex" [config]`},
		{"ignore: ['[']\n", `followup.yaml:1:10: error: ignore: "[" is not a valid glob [config]`},
		{"timezone: UTC\n  bad: x\n", `followup.yaml:2:3: error: YAML syntax: mapping values are not allowed in this context [config]`},
		{"- a\n- b\n", `followup.yaml:1:1: error: the configuration must be a mapping of keys to values, such as timezone: Europe/Berlin [config]`},
	}
	for _, tt := range tests {
		_, ds := LoadConfig(fstest.MapFS{ConfigFile: {Data: []byte(tt.yaml)}}, time.UTC)
		var got []string
		for _, d := range ds {
			got = append(got, d.String())
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("LoadConfig(%q):\n got %s\nwant %s", tt.yaml, strings.Join(got, "\n     "), tt.want)
		}
	}
}

// TestLoadConfigPush reads the push sections: their defaults, and plain
// IMAP and HTTP allowed on this machine only.
func TestLoadConfigPush(t *testing.T) {
	c, ds := LoadConfig(fstest.MapFS{ConfigFile: {Data: []byte("mailbox:\n  imap: 127.0.0.1:1143\n  security: none\n  username: alex\n  password_cmd: cat pw\ncaldav:\n  url: http://localhost:5232/alex/\n  username: alex\n")}}, time.UTC)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	if m := c.Mailbox; m == nil || *m != (Mailbox{IMAP: "127.0.0.1:1143", Security: SecurityNone, Username: "alex", PasswordCmd: "cat pw", Inbox: "INBOX"}) {
		t.Errorf("mailbox = %+v", m)
	}
	if d := c.CalDAV; d == nil || *d != (CalDAV{URL: "http://localhost:5232/alex/", Username: "alex"}) {
		t.Errorf("caldav = %+v", d)
	}
	if c, _ := LoadConfig(fstest.MapFS{}, time.UTC); c.Mailbox != nil || c.CalDAV != nil {
		t.Errorf("without the sections: %+v, %+v", c.Mailbox, c.CalDAV)
	}
	for host, want := range map[string]bool{"localhost": true, "127.0.0.2": true, "::1": true, "[::1]": true, "imap.example.com": false, "10.0.0.1": false, "": false} {
		if IsLoopback(host) != want {
			t.Errorf("IsLoopback(%q) = %v", host, !want)
		}
	}
}

func TestLoadConfigFile(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"yml", fstest.MapFS{"followup.yml": {Data: []byte("timezone: UTC\n")}},
			"followup.yml:1:1: error: the configuration is read from followup.yaml only: rename this file [config]"},
		{"latin-1", fstest.MapFS{ConfigFile: {Data: []byte("candidate:\n  name: Jos\xe9\n")}},
			"followup.yaml:2:12: error: the configuration is not UTF-8 text: save it as UTF-8 [config]"},
		{"dangling", fstest.MapFS{ConfigFile: {Data: []byte("gone.yaml"), Mode: fs.ModeSymlink}},
			"followup.yaml:1:1: error: followup.yaml is a symbolic link to a file that does not exist [config]"},
	}
	for _, tt := range tests {
		_, ds := LoadConfig(tt.fsys, time.UTC)
		if len(ds) != 1 || ds[0].String() != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, ds, tt.want)
		}
	}
}
