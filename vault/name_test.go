package vault

import "testing"

func TestParseName(t *testing.T) {
	tests := []struct {
		name        string
		want        PersonName
		first, last string
	}{
		{"Jane Doe", PersonName{Given: "Jane", Surname: "Doe", Person: true}, "Jane", "Doe"},
		{"Dr. Jane van der Berg", PersonName{Honorific: "Dr.", Given: "Jane", Surname: "van der Berg", Person: true}, "Jane", "van der Berg"},
		{"Mr. O'Brien", PersonName{Honorific: "Mr.", Surname: "O'Brien", Person: true}, "Mr. O'Brien", "O'Brien"},
		{"Prof Maria de la Cruz", PersonName{Honorific: "Prof", Given: "Maria", Surname: "de la Cruz", Person: true}, "Maria", "de la Cruz"},
		{"Ana Smith, Jr.", PersonName{Given: "Ana", Surname: "Smith", Suffix: "Jr.", Person: true}, "Ana", "Smith"},
		{"Mary Ann Evans", PersonName{Given: "Mary Ann", Surname: "Evans", Person: true}, "Mary", "Evans"},
		{"Cher", PersonName{Given: "Cher", Person: true}, "Cher", ""},
		{"Van Morrison", PersonName{Given: "Van", Surname: "Morrison", Person: true}, "Van", "Morrison"},
		{"Dean Martin", PersonName{Given: "Dean", Surname: "Martin", Person: true}, "Dean", "Martin"},
		{"HR", PersonName{}, "HR", ""},
		{"Hiring Team", PersonName{}, "Hiring Team", ""},
		{"Talent Acquisition", PersonName{}, "Talent Acquisition", ""},
		{"Ms. Jo", PersonName{Honorific: "Ms.", Surname: "Jo", Person: true}, "Ms. Jo", "Jo"},
		{"Dr.", PersonName{Given: "Dr.", Person: true}, "Dr.", ""},
		{"李小龍", PersonName{Given: "李小龍", Person: true}, "李小龍", ""},
	}
	for _, tt := range tests {
		if got := ParseName(tt.name); got != tt.want {
			t.Errorf("ParseName(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
		iv := &Interviewer{Name: tt.name}
		if first, last := iv.FirstName(), iv.LastName(); first != tt.first || last != tt.last {
			t.Errorf("%q: first %q, last %q; want %q, %q", tt.name, first, last, tt.first, tt.last)
		}
	}
}
