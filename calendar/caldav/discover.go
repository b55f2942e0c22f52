package caldav

import (
	"context"
	"net/http"
	"strings"

	"github.com/emersion/go-webdav/caldav"
)

// findCalendar returns the path of the calendar collection to write
// into: the configured URL when it is a calendar, else the calendar named
// name in the user's calendar home set (RFC 4791, section 6.2.1), found
// through the current user principal (RFC 5397). Without one, it creates
// it, at the configured URL when that lies in the home set, else in the
// home set; in a dry run it only says it would. made reports a creation.
func (c *conn) findCalendar(ctx context.Context, name string, dryRun bool) (path string, made bool, err error) {
	what := "finding the calendar at " + c.base.Redacted()
	principal, err := c.dav.FindCurrentUserPrincipal(ctx)
	if err != nil && c.counter.status.Load() == http.StatusNotFound && c.base.Path != "/" {
		// A calendar's URL that does not exist yet: the server's root
		// names the principal (RFC 5397, section 3).
		root := *c.base
		root.Path, root.RawPath = "/", ""
		var dav *caldav.Client
		if dav, err = caldav.NewClient(c.http, root.String()); err == nil {
			principal, err = dav.FindCurrentUserPrincipal(ctx)
		}
	}
	if err != nil {
		return "", false, c.fail(what, err)
	}
	home, err := c.dav.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return "", false, c.fail(what, err)
	}
	home = dir(home)
	cals, err := c.dav.FindCalendars(ctx, home)
	if err != nil {
		return "", false, c.fail(what, err)
	}
	want := dir(c.base.Path)
	for _, cal := range cals {
		if dir(cal.Path) == want {
			return dir(cal.Path), false, nil
		}
	}
	for _, cal := range cals {
		if cal.Name == name {
			return dir(cal.Path), false, nil
		}
	}
	path = home + slug(name) + "/"
	if strings.HasPrefix(want, home) && want != home {
		path = want
	}
	if dryRun {
		return path, true, nil
	}
	return path, true, c.mkcalendar(ctx, path, name)
}

// list returns the ETag of every object in the calendar collection path,
// by path; found is false when the collection is gone.
func (c *conn) list(ctx context.Context, path string) (etags map[string]string, found bool, err error) {
	files, err := c.dav.ReadDir(ctx, path, false)
	if err != nil {
		if c.counter.status.Load() == http.StatusNotFound {
			return nil, false, nil
		}
		return nil, false, c.fail("listing "+c.ref(path), err)
	}
	etags = map[string]string{}
	for _, f := range files {
		if !f.IsDir {
			etags[f.Path] = f.ETag
		}
	}
	return etags, true, nil
}

// dir returns p with one final slash, as collections are named.
func dir(p string) string {
	return strings.TrimRight(p, "/") + "/"
}

// slug makes the last segment of a new calendar's path from its name:
// lower-case letters and digits, words joined by hyphens.
func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	if s := strings.Trim(b.String(), "-"); s != "" {
		return s
	}
	return "followup"
}
