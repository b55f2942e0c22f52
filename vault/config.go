package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net"
	"net/url"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of the configuration file at the vault's root.
const ConfigFile = "followup.yaml"

// Config is followup.yaml, with SPEC's default for every key left out.
type Config struct {
	Candidate     Candidate
	Zone          *time.Location // the vault's time zone
	Outbox        string         // relative to the vault, slash-separated
	Templates     string         // relative to the vault, slash-separated
	Ignore        []string       // globs of vault paths never read as notes
	ObsidianVault string
	Calendar      CalendarConfig
	Rules         Rules
	Checks        Checks
	Serve         Serve
	Mailbox       *Mailbox // nil without mailbox:
	CalDAV        *CalDAV  // nil without caldav:
}

// Mailbox is where push puts the e-mail drafts: an IMAP account. The
// password is never in followup.yaml, which lives in git: PasswordCmd
// prints it, or $FOLLOWUP_IMAP_PASSWORD holds it.
type Mailbox struct {
	IMAP        string // host:port
	Security    string // tls, starttls or none (loopback only)
	Username    string
	PasswordCmd string // run by the shell; its first line is the password
	Drafts      string // the Drafts folder; "" finds the one marked \Drafts
	Inbox       string // where replies are looked for
}

// The values of mailbox.security.
const (
	SecurityTLS      = "tls"
	SecuritySTARTTLS = "starttls"
	SecurityNone     = "none"
)

// CalDAV is the calendar push writes the events into.
type CalDAV struct {
	URL         string // the server, for discovery, or the calendar collection
	Username    string
	PasswordCmd string // run by the shell; else $FOLLOWUP_CALDAV_PASSWORD
}

// IsLoopback reports whether host (a name or an address, without a port)
// is this machine: localhost, 127.0.0.0/8 or ::1. Only there may push
// talk without TLS.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1] // an IPv6 address as a URL writes it
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Candidate is who writes the notes.
type Candidate struct {
	Name      string
	Email     string
	Phone     string
	Signature string
	Strengths []string
}

// CalendarConfig shapes the calendar feed.
type CalendarConfig struct {
	File    string // inside the outbox
	Name    string
	Details string        // none, names or full
	Alarm   time.Duration // before each thank-you deadline; 0 turns alarms off
}

// Rules are the timing rules of the thank-you notes and follow-ups.
type Rules struct {
	ThankYouWithin          time.Duration
	FollowUpAfterDecision   int // business days
	FollowUpWithoutDecision int // business days
	FollowUpEvery           int // business days
	MaxFollowUps            int
	Workdays                []time.Weekday
	Holidays                []Moment
}

// Checks configures the warnings.
type Checks struct {
	Disable []Code // codes of warnings not to report
}

// Serve configures `followup serve`.
type Serve struct {
	Addr  string
	Token string
}

// maxThankYouWithin and maxBusinessDays bound the rules so that, with a
// note's maxDuration, no event leaves the year after latestYear: from the
// last day of latestYear a deadline comes at most 7 + 30 days and a time
// zone later, a follow-up at most 50 business days of one workday a week,
// 350 days, later (holidays fall in latestYear at the latest, before
// that). Past the bounds no advice holds anyway.
const (
	maxThankYouWithin = 30 * 24 * time.Hour
	maxBusinessDays   = 50
)

// The values of calendar.details.
const (
	DetailsNone  = "none"
	DetailsNames = "names"
	DetailsFull  = "full"
)

// DefaultConfig returns the configuration of a vault without followup.yaml;
// zone is the machine's time zone.
func DefaultConfig(zone *time.Location) *Config {
	return &Config{
		Zone:      zone,
		Outbox:    "outbox",
		Templates: "templates",
		Calendar:  CalendarConfig{File: "calendar.ics", Name: "Job search follow-ups", Details: DetailsNames, Alarm: 2 * time.Hour},
		Rules: Rules{
			ThankYouWithin: 24 * time.Hour, FollowUpAfterDecision: 2, FollowUpWithoutDecision: 7,
			FollowUpEvery: 5, MaxFollowUps: 2,
			Workdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		},
		Serve: Serve{Addr: "127.0.0.1:8765"},
	}
}

// Disabled reports whether warnings with code are turned off.
func (c *Config) Disabled(code Code) bool { return slices.Contains(c.Checks.Disable, code) }

// LoadConfig reads followup.yaml from the root of fsys; zone is the
// machine's time zone, the default of `timezone`. A missing file gives the
// defaults. Any diagnostic it returns is an error: the configuration is
// strict, and an unknown key names the nearest known one.
func LoadConfig(fsys fs.FS, zone *time.Location) (*Config, []Diagnostic) {
	c := DefaultConfig(zone)
	d := &diags{path: ConfigFile}
	content, err := fs.ReadFile(fsys, ConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := fs.Lstat(fsys, ConfigFile); lerr == nil {
			d.errorf(Pos{1, 1}, CodeConfig, "%s is a symbolic link to a file that does not exist", ConfigFile)
			return c, d.list
		}
		if _, yerr := fs.Stat(fsys, "followup.yml"); yerr == nil {
			d.path = "followup.yml"
			d.errorf(Pos{1, 1}, CodeConfig, "the configuration is read from %s only: rename this file", ConfigFile)
			return c, d.list
		}
		return c, nil
	}
	if err != nil {
		d.errorf(Pos{1, 1}, CodeConfig, "cannot read the configuration: %v", Cause(err))
		return c, d.list
	}
	content = bytes.TrimPrefix(content, bom)
	if !utf8.Valid(content) {
		d.errorf(invalidUTF8(content, 0), CodeConfig, "the configuration is not UTF-8 text: save it as UTF-8")
		return c, d.list
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil {
		pos, msg := Pos{1, 1}, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			pos, msg = Pos{n, firstColumn(content, n)}, m[2]
		}
		d.errorf(pos, CodeConfig, "YAML syntax: %s", msg)
		return c, d.list
	}
	root, herr := rootMapping(&doc, 0)
	if herr != nil {
		d.errorf(herr.pos, CodeConfig, "the configuration must be a mapping of keys to values, such as timezone: Europe/Berlin")
		return c, d.list
	}
	if root != nil {
		r := configReader{d}
		r.read(root, c)
	}
	for i := range d.list {
		d.list[i].Severity = Error
		if d.list[i].Code != CodeUnknownKey {
			d.list[i].Code = CodeConfig
		}
	}
	return c, d.list
}

type configReader struct{ d *diags }

// section reads mapping n, calling set for each known key; an unknown key
// is an error naming the nearest known one.
func (r configReader) section(name string, n *yaml.Node, set map[string]func(*yaml.Node)) {
	n = deref(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		r.d.errorf(nodePos(n), CodeConfig, "%s must be a mapping of keys to values, not %s", name, kindName(n))
		return
	}
	known := make([]string, 0, len(set))
	for k := range set {
		if k != "password" { // read only to refuse it: never offered
			known = append(known, k)
		}
	}
	sort.Strings(known)
	for _, f := range r.d.fields(n) {
		fn, ok := set[f.key.Value]
		if !ok {
			where := "in " + name
			if name == "" {
				where = "at the top level"
			}
			best, _ := nearest(f.key.Value, known)
			msg := fmt.Sprintf("unknown key %q %s", f.key.Value, where)
			if best != "" {
				msg += fmt.Sprintf(": did you mean %q?", best)
			} else {
				msg += ": the keys are " + strings.Join(known, ", ")
			}
			r.d.add(Error, nodePos(f.key), CodeUnknownKey, best, "%s", msg)
			continue
		}
		if !isNull(f.val) {
			fn(f.val)
		}
	}
}

func (r configReader) read(root *yaml.Node, c *Config) {
	d := r.d
	str := func(key string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			if s, ok := d.text(key, v); ok {
				*dst = s
			}
		}
	}
	// num reads a whole number from least to most; the numbers of rules
	// are business days, bounded by maxBusinessDays, or a count.
	num := func(key string, dst *int, least, most int) func(*yaml.Node) {
		return func(v *yaml.Node) {
			s, ok := d.text(key, v)
			if !ok {
				return
			}
			n, err := strconv.Atoi(s)
			switch {
			case err != nil || n < least:
				d.errorf(nodePos(deref(v)), CodeConfig, "%s must be a whole number of at least %d, not %q", key, least, s)
			case n > most:
				d.errorf(nodePos(deref(v)), CodeConfig, "%s must be %d business days (ten weeks) at most, not %d", key, most, n)
			default:
				*dst = n
			}
		}
	}
	dur := func(key string, dst *time.Duration) func(*yaml.Node) {
		return func(v *yaml.Node) {
			if x, ok := d.duration(key, v); ok {
				*dst = x
			}
		}
	}
	folderPos := map[string]Pos{}
	folder := func(key string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) {
			s, ok := d.text(key, v)
			if !ok {
				return
			}
			clean := path.Clean(strings.ReplaceAll(s, `\`, "/"))
			if path.IsAbs(clean) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
				d.errorf(nodePos(deref(v)), CodeConfig, "%s must be a folder inside the vault, such as %s, not %q", key, key, s)
				return
			}
			if key == "outbox" && hiddenPart(clean) {
				d.errorf(nodePos(deref(v)), CodeConfig, "outbox must be a folder of its own, not a hidden folder such as %q: followup would write among tools' files", s)
				return
			}
			*dst = clean
			folderPos[key] = nodePos(deref(v))
		}
	}
	r.section("", root, map[string]func(*yaml.Node){
		"candidate": func(v *yaml.Node) {
			r.section("candidate", v, map[string]func(*yaml.Node){
				"name": str("name", &c.Candidate.Name),
				"email": func(v *yaml.Node) {
					if s, ok := d.text("email", v); ok {
						if _, email, err := SplitAddress("<" + s + ">"); err != nil {
							d.errorf(nodePos(deref(v)), CodeConfig, "candidate.email: %v", err)
						} else {
							c.Candidate.Email = email
						}
					}
				},
				"phone": str("phone", &c.Candidate.Phone),
				"signature": func(v *yaml.Node) {
					if s, ok := d.textLines("signature", v); ok {
						c.Candidate.Signature = s
					}
				},
				"strengths": func(v *yaml.Node) { c.Candidate.Strengths = d.texts("strengths", v) },
			})
		},
		"timezone": func(v *yaml.Node) {
			if loc, ok := d.zone("timezone", v); ok {
				c.Zone = loc
			}
		},
		"outbox":    folder("outbox", &c.Outbox),
		"templates": folder("templates", &c.Templates),
		"ignore": func(v *yaml.Node) {
			for i, g := range d.texts("ignore", v) {
				if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
					d.errorf(itemPos(v, i), CodeConfig, "ignore: %q is not a valid glob", g)
					continue
				}
				c.Ignore = append(c.Ignore, strings.TrimSuffix(g, "/"))
			}
		},
		"obsidian_vault": str("obsidian_vault", &c.ObsidianVault),
		"calendar": func(v *yaml.Node) {
			r.section("calendar", v, map[string]func(*yaml.Node){
				"file": func(v *yaml.Node) {
					if s, ok := d.text("file", v); ok {
						if strings.ContainsAny(s, `/\:`) || strings.HasPrefix(s, ".") || !strings.EqualFold(path.Ext(s), ".ics") {
							d.errorf(nodePos(deref(v)), CodeConfig, "calendar.file must be a plain file name ending in .ics, such as calendar.ics, not %q", s)
							return
						}
						c.Calendar.File = s
					}
				},
				"name": str("name", &c.Calendar.Name),
				"details": func(v *yaml.Node) {
					if s, ok := d.enum("details", v, DetailsNone, DetailsNames, DetailsFull); ok {
						c.Calendar.Details = s
					}
				},
				"alarm": dur("alarm", &c.Calendar.Alarm),
			})
		},
		"rules": func(v *yaml.Node) {
			r.section("rules", v, map[string]func(*yaml.Node){
				"thank_you_within": func(v *yaml.Node) {
					switch x, ok := d.duration("thank_you_within", v); {
					case !ok:
					case x > maxThankYouWithin:
						d.errorf(nodePos(deref(v)), CodeConfig, "thank_you_within must be %d days at most, not %s: a thank-you goes out within a day or two",
							maxThankYouWithin/(24*time.Hour), strings.TrimSpace(deref(v).Value))
					default:
						c.Rules.ThankYouWithin = x
					}
				},
				"follow_up_after_decision":   num("follow_up_after_decision", &c.Rules.FollowUpAfterDecision, 0, maxBusinessDays),
				"follow_up_without_decision": num("follow_up_without_decision", &c.Rules.FollowUpWithoutDecision, 0, maxBusinessDays),
				"follow_up_every":            num("follow_up_every", &c.Rules.FollowUpEvery, 1, maxBusinessDays),
				"max_follow_ups":             num("max_follow_ups", &c.Rules.MaxFollowUps, 0, math.MaxInt),
				"workdays": func(v *yaml.Node) {
					days := []time.Weekday{}
					for i, s := range d.texts("workdays", v) {
						wd, ok := parseWeekday(s)
						if !ok {
							d.errorf(itemPos(v, i), CodeConfig, "workdays: %q is not a day of the week such as Mon or Monday", s)
							continue
						}
						if !slices.Contains(days, wd) {
							days = append(days, wd)
						}
					}
					if len(days) == 0 {
						d.errorf(nodePos(deref(v)), CodeConfig, "workdays must list at least one day")
						return
					}
					slices.Sort(days)
					c.Rules.Workdays = days
				},
				"holidays": func(v *yaml.Node) {
					c.Rules.Holidays = append(c.Rules.Holidays, d.moments("holidays", v, c.Zone)...)
				},
			})
		},
		"checks": func(v *yaml.Node) {
			r.section("checks", v, map[string]func(*yaml.Node){
				"disable": func(v *yaml.Node) {
					for i, code := range d.texts("disable", v) {
						if !slices.Contains(WarningCodes, Code(code)) {
							codes := make([]string, len(WarningCodes))
							for i, c := range WarningCodes {
								codes[i] = string(c)
							}
							best, _ := nearest(code, codes)
							msg := fmt.Sprintf("checks.disable: %q is not the code of a warning", code)
							if best != "" {
								msg += fmt.Sprintf(": did you mean %q?", best)
							}
							d.add(Error, itemPos(v, i), CodeConfig, best, "%s", msg)
							continue
						}
						c.Checks.Disable = append(c.Checks.Disable, Code(code))
					}
				},
			})
		},
		"mailbox": func(v *yaml.Node) { r.mailbox(v, c) },
		"caldav":  func(v *yaml.Node) { r.caldav(v, c) },
		"serve": func(v *yaml.Node) {
			r.section("serve", v, map[string]func(*yaml.Node){
				"addr": func(v *yaml.Node) {
					if s, ok := d.text("addr", v); ok {
						if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
							d.errorf(nodePos(deref(v)), CodeConfig, "serve.addr must be host:port, such as 127.0.0.1:8765, not %q", s)
							return
						}
						c.Serve.Addr = s
					}
				},
				"token": str("token", &c.Serve.Token),
			})
		},
	})
	if within(c.Outbox, c.Templates) || within(c.Templates, c.Outbox) {
		at := folderPos["outbox"]
		if at.Line == 0 {
			at = folderPos["templates"]
		}
		d.errorf(at, CodeConfig, "the outbox %s and the templates %s must be folders apart, neither inside the other: followup writes the outbox and reads the templates", c.Outbox, c.Templates)
	}
}

// noPassword is the error of a password: key in a section of push.
func (r configReader) noPassword(section, env string) func(*yaml.Node) {
	return func(v *yaml.Node) {
		// The value is never repeated: it may be a real password.
		r.d.errorf(nodePos(deref(v)), CodeConfig, "%s.password: a password never goes in %s, which is kept in git: remove it, then set password_cmd (a command that prints it, such as pass show mail/app) or $%s",
			section, ConfigFile, env)
	}
}

// mailbox reads the mailbox: section.
func (r configReader) mailbox(v *yaml.Node, c *Config) {
	d := r.d
	before := len(d.list) // a key with an error is not also missing
	m := &Mailbox{Security: SecurityTLS, Inbox: "INBOX"}
	var hostPos Pos
	r.section("mailbox", v, map[string]func(*yaml.Node){
		"imap": func(v *yaml.Node) {
			if s, ok := d.text("imap", v); ok {
				if host, port, err := net.SplitHostPort(s); err != nil || host == "" || port == "" {
					d.errorf(nodePos(deref(v)), CodeConfig, "mailbox.imap must be host:port, such as imap.fastmail.com:993, not %q", s)
					return
				}
				m.IMAP, hostPos = s, nodePos(deref(v))
			}
		},
		"security": func(v *yaml.Node) {
			if s, ok := d.enum("security", v, SecurityTLS, SecuritySTARTTLS, SecurityNone); ok {
				m.Security = s
			}
		},
		"username":     func(v *yaml.Node) { m.Username, _ = d.text("username", v) },
		"password_cmd": func(v *yaml.Node) { m.PasswordCmd, _ = d.text("password_cmd", v) },
		"password":     r.noPassword("mailbox", "FOLLOWUP_IMAP_PASSWORD"),
		"drafts":       func(v *yaml.Node) { m.Drafts, _ = d.text("drafts", v) },
		"inbox":        func(v *yaml.Node) { m.Inbox, _ = d.text("inbox", v) },
	})
	at := nodePos(deref(v))
	switch host, _, _ := net.SplitHostPort(m.IMAP); {
	case m.IMAP == "" && len(d.list) == before:
		d.errorf(at, CodeConfig, "mailbox.imap is missing: the IMAP server as host:port, such as imap.fastmail.com:993")
	case m.Username == "" && len(d.list) == before:
		d.errorf(at, CodeConfig, "mailbox.username is missing: the account to log in as, such as alex@example.com")
	case m.Security == SecurityNone && m.IMAP != "" && !IsLoopback(host):
		d.errorf(hostPos, CodeConfig, "mailbox.security: none sends the password in the clear: it is allowed on this machine only (localhost, 127.0.0.1), not %s", host)
	}
	if m.Inbox == "" {
		m.Inbox = "INBOX"
	}
	c.Mailbox = m
}

// caldav reads the caldav: section.
func (r configReader) caldav(v *yaml.Node, c *Config) {
	d := r.d
	before := len(d.list)
	cd := &CalDAV{}
	r.section("caldav", v, map[string]func(*yaml.Node){
		"url": func(v *yaml.Node) {
			s, ok := d.text("url", v)
			if !ok {
				return
			}
			u, err := url.Parse(s)
			switch {
			case err == nil && u.User != nil:
				// Checked first: the address is not repeated, as it holds a
				// password.
				d.errorf(nodePos(deref(v)), CodeConfig, "caldav.url must not hold a user name or password: set username and password_cmd")
			case strings.Contains(s, "@") && (err != nil || u.Host == ""):
				d.errorf(nodePos(deref(v)), CodeConfig, "caldav.url must be the server's address, such as https://caldav.fastmail.com/, without a user name or password")
			case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
				d.errorf(nodePos(deref(v)), CodeConfig, "caldav.url must be the server's address, such as https://caldav.fastmail.com/, not %q", s)
			case u.Scheme == "http" && !IsLoopback(u.Hostname()):
				d.errorf(nodePos(deref(v)), CodeConfig, "caldav.url: http sends the password in the clear: use https (http is allowed on this machine only, localhost or 127.0.0.1)")
			default:
				cd.URL = s
			}
		},
		"username":     func(v *yaml.Node) { cd.Username, _ = d.text("username", v) },
		"password_cmd": func(v *yaml.Node) { cd.PasswordCmd, _ = d.text("password_cmd", v) },
		"password":     r.noPassword("caldav", "FOLLOWUP_CALDAV_PASSWORD"),
	})
	at := nodePos(deref(v))
	switch {
	case cd.URL == "" && len(d.list) == before:
		d.errorf(at, CodeConfig, "caldav.url is missing: the server, such as https://caldav.fastmail.com/, or the calendar's own address")
	case cd.Username == "" && len(d.list) == before:
		d.errorf(at, CodeConfig, "caldav.username is missing: the account to log in as, such as alex@example.com")
	}
	c.CalDAV = cd
}

// within reports whether the vault path p is the folder dir or lies in
// it, compared without case, as on the file systems of macOS and Windows.
func within(p, dir string) bool {
	p, dir = strings.ToLower(p), strings.ToLower(dir)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// hiddenPart reports whether a part of the vault path p is hidden.
func hiddenPart(p string) bool {
	for part := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(part, ".") {
			return true
		}
	}
	return false
}

// itemPos is the position of item i of list v, or of v itself.
func itemPos(v *yaml.Node, i int) Pos {
	v = deref(v)
	if v.Kind == yaml.SequenceNode && i < len(v.Content) {
		return nodePos(v.Content[i])
	}
	return nodePos(v)
}

func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		name := strings.ToLower(wd.String())
		if len(s) >= 2 && strings.HasPrefix(name, s) {
			return wd, true
		}
	}
	return 0, false
}
