package main

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// genVault writes a vault of n interview notes into dir, as
// ../shared/genvault does: the same kinds of notes (a third of the
// interviewers linked to person notes, one to four interviewers, personal
// parts under "Thank you:" headings), from a fixed seed, so that the
// benchmarks need nothing outside the repository.
func genVault(tb testing.TB, dir string, n int) {
	tb.Helper()
	var (
		firsts    = []string{"Jane", "Raj", "Priya", "Tomás", "Zoë", "Wei", "Amara", "Liam", "Sofía", "Kenji", "Fatima", "Noah", "Olga", "Mateo", "Chloé", "Aiyana", "Björn", "Nadia", "Kwame", "Ines"}
		lasts     = []string{"Doe", "Patel", "Shah", "García", "Müller", "Zhang", "Okafor", "O'Brien", "Rossi", "Tanaka", "Haddad", "Kim", "Ivanova", "López", "Dubois", "Begay", "Lindqvist", "Karimi", "Mensah", "Silva"}
		companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Industries", "Wayne Logistics", "Hooli", "Vandelay Imports", "Soylent Foods", "Cyberdyne Systems", "Tyrell Labs", "Wonka Confections", "Gringotts Bank", "Oceanic Air", "Aperture Science"}
		roles     = []string{"Senior Backend Engineer", "Site Reliability Engineer", "Product Manager", "Data Scientist", "Staff Engineer", "Engineering Manager"}
		titles    = []string{"Engineering Manager", "Staff Engineer", "Recruiter", "Head of Product", "Director of Engineering"}
		topics    = []string{"the billing pipeline migration to Kafka", "on-call culture", "the team's move to Go", "observability and SLOs", "hiring plans for next year", "the mobile roadmap", "data privacy reviews", "incident retrospectives", "the API redesign", "mentoring junior engineers"}
		zones     = []string{"America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles", "Europe/London"}
		statuses  = []string{"draft", "ready", "ready", "sent"}
		outcomes  = []string{"pending", "pending", "pending", "next-round", "offer", "rejected"}
		words     = strings.Fields("the team shipped a careful migration while keeping latency low and the on-call rotation humane we discussed trade-offs between consistency and availability in detail with concrete examples from production incidents and how reviews are run")
	)
	r := rand.New(rand.NewSource(1))
	pick := func(list []string) string { return list[r.Intn(len(list))] }
	paragraph := func() string {
		w := make([]string, 25+r.Intn(40))
		for i := range w {
			w[i] = pick(words)
		}
		w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
		return strings.Join(w, " ") + "."
	}
	ascii := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ü", "u", "ö", "o", "ë", "e", "'", "", " ", "-")
	write := func(p, text string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write(filepath.Join(dir, "followup.yaml"), "candidate:\n  name: Alex Rivera\n  email: alex@example.com\ntimezone: America/New_York\n")
	people := map[string]bool{}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range n {
		company := pick(companies)
		domain := strings.ToLower(ascii.Replace(company)) + ".example"
		date := start.Add(time.Duration(r.Intn(330*24)) * time.Hour).Truncate(24 * time.Hour).Add(time.Duration(9+r.Intn(8)) * time.Hour)
		var b strings.Builder
		fmt.Fprintf(&b, "---\ncompany: %s\nrole: %s\ndate: %s\ntimezone: %s\n", company, pick(roles), date.Format("2006-01-02T15:04:05"), pick(zones))
		if r.Intn(4) > 0 {
			fmt.Fprintf(&b, "decision_date: %s\n", date.AddDate(0, 0, 5+r.Intn(14)).Format("2006-01-02"))
		}
		status := pick(statuses)
		fmt.Fprintf(&b, "status: %s\noutcome: %s\n", status, pick(outcomes))
		if status == "sent" {
			fmt.Fprintf(&b, "sent: %s\n", date.AddDate(0, 0, 1).Format("2006-01-02"))
		}
		fmt.Fprintf(&b, "topics: [%q, %q]\ntags: [interview]\ninterviewers:\n", pick(topics), pick(topics))
		var names []string
		for range 1 + r.Intn(4) {
			first, last := pick(firsts), pick(lasts)
			name := first + " " + last
			names = append(names, name)
			email := strings.ToLower(ascii.Replace(first)+"."+ascii.Replace(last)) + "@" + domain
			switch {
			case r.Float64() < 0.3:
				fmt.Fprintf(&b, "  - \"[[%s]]\"\n", name)
				if !people[name] {
					people[name] = true
					write(filepath.Join(dir, "people", name+".md"), fmt.Sprintf("---\nemail: %s\ntitle: %s\ncompany: %s\n---\n# %s\n\nMet at %s.\n", email, pick(titles), company, name, company))
				}
			case r.Intn(2) == 0:
				fmt.Fprintf(&b, "  - %q\n", name+" <"+email+">")
			default:
				fmt.Fprintf(&b, "  - name: %q\n    title: %s\n    email: %s\n    topics: [%q]\n", name, pick(titles), email, pick(topics))
			}
		}
		fmt.Fprintf(&b, "---\n\n# %s — interview notes\n\n", company)
		for range 2 + r.Intn(3) {
			b.WriteString(paragraph() + "\n\n")
		}
		b.WriteString("- asked about " + pick(topics) + "\n- whiteboard: design a rate limiter\n\n")
		for _, name := range names {
			fmt.Fprintf(&b, "## Thank you: %s\n\nI especially enjoyed our conversation about %s, and it made me even more excited about %s. %s\n\n", name, pick(topics), company, paragraph())
		}
		if r.Intn(3) == 0 {
			b.WriteString("## Unfinished business\n\nI never answered the question about *load shedding*: I would start with a token bucket per tenant.\n")
		}
		slug := fmt.Sprintf("%s-%s-%05d.md", date.Format("2006-01-02"), strings.ToLower(ascii.Replace(company)), i)
		write(filepath.Join(dir, "interviews", date.Format("2006"), date.Format("01"), slug), b.String())
	}
}
