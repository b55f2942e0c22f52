package calendar

// An Object is one event of the feed as a calendar of its own: a
// VCALENDAR with one VEVENT (and its VALARM), as a CalDAV server stores
// it.
type Object struct {
	UID  string
	Data []byte
}
