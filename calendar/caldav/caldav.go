// Package caldav writes the calendar's events into the user's CalDAV
// calendar (RFC 4791), one calendar object per event, so that a phone
// shows a deadline within seconds of a save, alarm included. Only objects
// it created are ever changed or deleted.
package caldav

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"followup/calendar"
	"followup/vault"
)

// Options are how to reach the calendar.
type Options struct {
	Config   vault.CalDAV
	Password string
	Name     string // the calendar's display name, calendar.name
	DryRun   bool
	// client, when not nil, replaces the default HTTP client: tests give
	// one that trusts their server.
	client *http.Client

	// afterWrite, when not nil, runs after each change on the server and
	// before the state is saved; an error stops the push there, as if it
	// were killed. For tests.
	afterWrite func(uid string) error
}

// State is what push remembers between runs, kept in the outbox by the
// caller and saved through save after every change on the server.
type State struct {
	Calendar string `json:"calendar"` // the collection's URL
	// URL and Name are caldav.url and calendar.name as they were when
	// Calendar was found: while they stay the same, push goes straight to
	// Calendar, without discovery.
	URL     string            `json:"url"`
	Name    string            `json:"name"`
	Objects map[string]Stored `json:"objects"` // by event UID
}

// Stored is one object push created.
type Stored struct {
	Href string `json:"href"` // the object's path on the server
	ETag string `json:"etag"` // its entity tag as last seen, without quotes
	Hash string `json:"hash"` // sha256 of the object's bytes
	// Kept says that the user changed or deleted the object on the
	// server: push leaves it alone from then on, and forgets it once its
	// event leaves the feed.
	Kept bool `json:"kept,omitempty"`
}

// A Report says what one push did, or would do.
type Report struct {
	Calendar                  string   // the collection's URL
	NewCalendar               bool     // the calendar was created, or would be
	Created, Updated, Deleted []string // UIDs
	Unchanged                 int
	// Kept are lines, one per object found changed on the server and
	// left alone; each is reported once.
	Kept     []string
	requests int // HTTP requests made, for tests
}

// Push brings the calendar in line with objects, the events of the feed:
// it creates what is new, replaces what changed and deletes what left the
// feed, among the objects it created and the user did not change since.
// State is updated and saved after every change on the server, so that a
// push cut off midway converges on the next one. In a dry run, Push only
// reads: it reports what it would do, and neither changes state nor calls
// save. The password appears in no error.
func Push(ctx context.Context, opts Options, objects []calendar.Object, state *State, save func(*State) error) (rep Report, err error) {
	c, err := dial(opts)
	if err != nil {
		return rep, err
	}
	defer func() { rep.requests = int(c.counter.n.Load()) }()
	if opts.DryRun {
		state = clone(state)
		save = func(*State) error { return nil }
	}
	if state.Objects == nil {
		state.Objects = map[string]Stored{}
	}
	p := &pusher{c: c, opts: opts, state: state, save: save, rep: &rep}
	if err := p.run(ctx, objects); err != nil {
		return rep, err
	}
	slices.Sort(rep.Created)
	slices.Sort(rep.Updated)
	slices.Sort(rep.Deleted)
	return rep, nil
}

// pusher is the work of one Push.
type pusher struct {
	c     *conn
	opts  Options
	state *State
	save  func(*State) error
	rep   *Report
	dirty bool // state changed since it was last saved
}

// A step is one write push plans: create (stored is zero), update, or
// delete (obj is zero).
type step struct {
	uid    string
	obj    calendar.Object
	hash   string
	stored Stored
}

func (p *pusher) run(ctx context.Context, objects []calendar.Object) error {
	col, etags, err := p.calendar(ctx)
	if err != nil {
		return err
	}
	p.rep.Calendar = p.c.ref(col)
	steps, err := p.plan(ctx, col, objects, etags)
	if err != nil {
		return err
	}
	if p.opts.DryRun {
		for _, s := range steps {
			switch {
			case s.stored.Href == "":
				p.rep.Created = append(p.rep.Created, s.uid)
			case s.obj.Data == nil:
				p.rep.Deleted = append(p.rep.Deleted, s.uid)
			default:
				p.rep.Updated = append(p.rep.Updated, s.uid)
			}
		}
		return nil
	}
	for _, s := range steps {
		if err := p.apply(ctx, col, s); err != nil {
			return err
		}
	}
	return p.flush()
}

// calendar finds the collection, through the state or by discovery, and
// lists the ETags of its objects. A calendar other than the state's
// starts the state afresh.
func (p *pusher) calendar(ctx context.Context) (string, map[string]string, error) {
	st := p.state
	if st.Calendar != "" && st.URL == p.opts.Config.URL && st.Name == p.opts.Name {
		col, ok := p.c.path(st.Calendar)
		if ok {
			etags, found, err := p.c.list(ctx, col)
			if err != nil || found {
				return col, etags, err
			}
		}
	}
	col, made, err := p.c.findCalendar(ctx, p.opts.Name, p.opts.DryRun)
	if err != nil {
		return "", nil, err
	}
	p.rep.NewCalendar = made
	if url := p.c.ref(col); url != st.Calendar {
		if n := len(st.Objects); n > 0 && st.Calendar != "" && !made {
			p.rep.Kept = append(p.rep.Kept, fmt.Sprintf("%d events stay in the previous calendar, %s", n, st.Calendar))
		}
		st.Calendar, st.Objects = url, map[string]Stored{}
	} else if made {
		// The calendar was deleted, and with it what push had put there.
		st.Objects = map[string]Stored{}
	}
	st.URL, st.Name = p.opts.Config.URL, p.opts.Name
	p.dirty = true
	etags := map[string]string{}
	if !made {
		var found bool
		if etags, found, err = p.c.list(ctx, col); err == nil && !found {
			err = fmt.Errorf("caldav: %s: the calendar vanished while push was finding it", p.c.ref(col))
		}
	}
	return col, etags, err
}

// plan compares the objects with the state and the server, and returns
// the writes to make. What needs no write (an object the user changed, a
// copy that an earlier push wrote but did not record) it settles in the
// state at once; that takes reads only.
func (p *pusher) plan(ctx context.Context, col string, objects []calendar.Object, etags map[string]string) ([]step, error) {
	st := p.state
	var steps []step
	wanted := map[string]bool{}
	for _, o := range objects {
		if wanted[o.UID] {
			return nil, fmt.Errorf("caldav: two events have the UID %s", o.UID)
		}
		wanted[o.UID] = true
		hash := sum(o.Data)
		stored, ok := st.Objects[o.UID]
		switch {
		case ok && stored.Kept:
		case !ok:
			href := col + objectName(o.UID)
			if _, there := etags[href]; !there {
				steps = append(steps, step{uid: o.UID, obj: o, hash: hash})
				continue
			}
			// There, yet not in the state: written by a push cut off
			// before it saved, or by someone else.
			if err := p.adopt(ctx, o, Stored{Href: href}, hash, true); err != nil {
				return nil, err
			}
		default:
			etag, there := etags[stored.Href]
			switch {
			case !there:
				p.keep(o.UID, stored, "deleted on the server")
			case etag != stored.ETag:
				// Changed by the user, or by a push cut off before it saved.
				if err := p.adopt(ctx, o, stored, hash, false); err != nil {
					return nil, err
				}
			case hash == stored.Hash:
				p.rep.Unchanged++
			default:
				steps = append(steps, step{uid: o.UID, obj: o, hash: hash, stored: stored})
			}
		}
	}
	for _, uid := range slices.Sorted(maps.Keys(st.Objects)) {
		stored := st.Objects[uid]
		if wanted[uid] {
			continue
		}
		etag, there := etags[stored.Href]
		switch {
		case stored.Kept || !there:
			p.forget(uid)
		case etag != stored.ETag:
			p.forget(uid)
			p.rep.Kept = append(p.rep.Kept, uid+": changed on the server, left alone though its event is gone")
		default:
			steps = append(steps, step{uid: uid, stored: stored})
		}
	}
	return steps, nil
}

// adopt reads the server's copy of o: when it is o, the state takes it as
// ours (an earlier push wrote it and was cut off before it saved); else
// it is the user's, and kept. isNew says o was not in the state.
func (p *pusher) adopt(ctx context.Context, o calendar.Object, stored Stored, hash string, isNew bool) error {
	data, etag, found, err := p.c.get(ctx, stored.Href)
	if err != nil {
		return err
	}
	same := found && sameEvent(data, o.Data)
	if same && etag == "" {
		fi, err := p.c.dav.Stat(ctx, stored.Href)
		if err != nil {
			return p.c.fail("reading "+p.c.ref(stored.Href), err)
		}
		etag = fi.ETag
	}
	switch {
	case !found && isNew:
		// Gone since the listing: the next push creates it.
		return nil
	case !found:
		p.keep(o.UID, stored, "deleted on the server")
	case !same || etag == "":
		if isNew {
			p.keep(o.UID, stored, "on the server already, not written by followup")
		} else {
			p.keep(o.UID, stored, "changed on the server")
		}
	default:
		switch {
		case isNew:
			p.rep.Created = append(p.rep.Created, o.UID)
		case hash != stored.Hash:
			p.rep.Updated = append(p.rep.Updated, o.UID)
		default:
			p.rep.Unchanged++
		}
		p.state.Objects[o.UID] = Stored{Href: stored.Href, ETag: etag, Hash: hash}
		p.dirty = true
	}
	return nil
}

// keep marks an object as the user's from now on, and reports it.
func (p *pusher) keep(uid string, stored Stored, why string) {
	stored.Kept = true
	p.state.Objects[uid] = stored
	p.dirty = true
	p.rep.Kept = append(p.rep.Kept, uid+": "+why+", left alone")
}

func (p *pusher) forget(uid string) {
	delete(p.state.Objects, uid)
	p.dirty = true
}

// apply makes one write and saves the state. A failed precondition means
// the user changed or deleted the object since the listing: it is theirs.
func (p *pusher) apply(ctx context.Context, col string, s step) error {
	switch {
	case s.obj.Data == nil:
		status, err := p.c.remove(ctx, s.stored.Href, s.stored.ETag)
		if err != nil {
			return err
		}
		p.forget(s.uid)
		switch status {
		case http.StatusPreconditionFailed:
			p.rep.Kept = append(p.rep.Kept, s.uid+": changed on the server, left alone though its event is gone")
		case http.StatusNotFound:
		default:
			p.rep.Deleted = append(p.rep.Deleted, s.uid)
		}
	case s.stored.Href == "":
		href := col + objectName(s.uid)
		etag, status, err := p.c.put(ctx, href, s.obj.Data, "")
		if err != nil {
			return err
		}
		if status == http.StatusPreconditionFailed {
			// Created since the listing: by whom, its bytes tell.
			return p.adopt(ctx, s.obj, Stored{Href: href}, s.hash, true)
		}
		p.state.Objects[s.uid] = Stored{Href: href, ETag: etag, Hash: s.hash}
		p.rep.Created = append(p.rep.Created, s.uid)
	default:
		etag, status, err := p.c.put(ctx, s.stored.Href, s.obj.Data, s.stored.ETag)
		if err != nil {
			return err
		}
		if status == http.StatusPreconditionFailed {
			p.keep(s.uid, s.stored, "changed on the server")
			break
		}
		p.state.Objects[s.uid] = Stored{Href: s.stored.Href, ETag: etag, Hash: s.hash}
		p.rep.Updated = append(p.rep.Updated, s.uid)
	}
	p.dirty = true
	if p.opts.afterWrite != nil {
		if err := p.opts.afterWrite(s.uid); err != nil {
			return err
		}
	}
	return p.flush()
}

// flush saves the state if it changed.
func (p *pusher) flush() error {
	if !p.dirty {
		return nil
	}
	if err := p.save(p.state); err != nil {
		return err
	}
	p.dirty = false
	return nil
}

// path returns the path of rawURL when it lies on the configured server.
func (c *conn) path(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return "", false
	}
	return dir(u.Path), true
}

func clone(s *State) *State {
	c := *s
	c.Objects = maps.Clone(s.Objects)
	return &c
}
