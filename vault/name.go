package vault

import (
	"strings"
	"unicode"
)

// A PersonName is a name split the way people address each other: "Dr.
// Jane van der Berg" is the honorific Dr., the given name Jane and the
// surname van der Berg, greeted "Dear Dr. van der Berg" and never "Dear
// Dr.,". A name that is not a person's ("HR", "Hiring Team") is greeted
// as written.
type PersonName struct {
	Honorific string // "Dr.", "Prof.", "Ms." … as written, or ""
	Given     string // the given names, "Mary Ann", or ""
	Surname   string // with its particles, "van der Berg", or ""
	Suffix    string // "Jr.", "III", "PhD" … as written, or ""
	Person    bool   // false for a team, a department or an acronym
}

// honorifics are the titles that stand before a name, without their
// period and in lower case.
var honorifics = map[string]bool{
	"dr": true, "prof": true, "professor": true, "mr": true, "ms": true, "mrs": true, "mx": true,
	"miss": true, "sir": true, "dame": true, "rev": true,
}

// suffixes stand after a name, without their periods, in lower case.
var suffixes = map[string]bool{
	"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true,
	"mba": true, "obe": true, "mbe": true, "cbe": true,
}

// particles start a surname: "van der Berg", "de la Cruz", "von Trapp".
var particles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "del": true, "della": true,
	"la": true, "le": true, "du": true, "da": true, "di": true, "dos": true, "das": true,
	"ter": true, "ten": true, "bin": true, "binti": true, "al": true, "el": true, "st.": true,
}

// groupWords mark a name that is not a person's.
var groupWords = map[string]bool{
	"team": true, "department": true, "dept": true, "committee": true, "panel": true, "office": true,
	"recruiting": true, "recruitment": true, "hiring": true, "talent": true, "people": true,
	"staff": true, "board": true, "group": true, "careers": true, "admissions": true, "hr": true,
}

// ParseName splits name into the parts of a PersonName.
func ParseName(name string) PersonName {
	words := strings.Fields(strings.ReplaceAll(name, ",", " , "))
	var n PersonName
	// Honorifics lead: "Dr.", "Prof. Dr.".
	var lead []string
	for len(words) > 1 && honorifics[bare(words[0])] {
		lead = append(lead, words[0])
		words = words[1:]
	}
	n.Honorific = strings.Join(lead, " ")
	// Suffixes trail, perhaps after a comma: "Ana Smith, Jr.".
	var trail []string
	for len(words) > 1 && (suffixes[bare(words[len(words)-1])] || words[len(words)-1] == ",") {
		if w := words[len(words)-1]; w != "," {
			trail = append([]string{w}, trail...)
		}
		words = words[:len(words)-1]
	}
	n.Suffix = strings.Join(trail, " ")
	words = removeCommas(words)
	n.Person = isPerson(words, n.Honorific != "")
	switch {
	case !n.Person || len(words) == 0:
	case len(words) == 1 && n.Honorific != "":
		n.Surname = words[0] // "Mr. O'Brien"
	case len(words) == 1:
		n.Given = words[0] // "Cher"
	default:
		// The surname is the last word and the particles before it, but
		// never the first word: "De Shawn Lee" has the given name De Shawn.
		i := len(words) - 1
		for i > 1 && particles[strings.ToLower(words[i-1])] {
			i--
		}
		n.Given, n.Surname = strings.Join(words[:i], " "), strings.Join(words[i:], " ")
	}
	return n
}

// bare returns a word without its periods, in lower case: "Ph.D." is phd.
func bare(w string) string { return strings.ToLower(strings.ReplaceAll(w, ".", "")) }

func removeCommas(words []string) []string {
	out := words[:0:0]
	for _, w := range words {
		if w = strings.Trim(w, ","); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// isPerson reports whether words name a person: not an acronym such as HR
// or TA, and no word of a team or a department ("Hiring Team"). A title
// before the name makes it a person's.
func isPerson(words []string, titled bool) bool {
	if titled {
		return true
	}
	if len(words) == 1 && len([]rune(words[0])) <= 4 && strings.ToUpper(words[0]) == words[0] &&
		strings.IndexFunc(words[0], unicode.IsLetter) >= 0 && strings.ToLower(words[0]) != words[0] {
		return false // HR, TA, IT
	}
	for _, w := range words {
		if groupWords[strings.ToLower(strings.Trim(w, ".&"))] {
			return false
		}
	}
	return true
}

// Plain returns the name without honorific and suffix: "Jane van der
// Berg", how a heading may write it.
func (n PersonName) Plain() string {
	return strings.TrimSpace(n.Given + " " + n.Surname)
}

// Formal returns the honorific and the surname, "Dr. van der Berg", or ""
// without an honorific.
func (n PersonName) Formal() string {
	if n.Honorific == "" {
		return ""
	}
	return strings.TrimSpace(n.Honorific + " " + cmpStr(n.Surname, n.Given))
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// IsHonorific reports whether word, with or without its period, is a
// title that stands before a name: "Dr.", "Ms", "Prof.".
func IsHonorific(word string) bool { return honorifics[bare(word)] }
