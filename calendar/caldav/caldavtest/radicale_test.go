package caldavtest

import (
	"net/http"
	"testing"
)

// TestStartRadicale checks that the server runs and wants the login.
func TestStartRadicale(t *testing.T) {
	s := StartRadicale(t)
	for _, c := range []struct {
		password string
		want     int
	}{{s.Password, http.StatusMultiStatus}, {"wrong", http.StatusUnauthorized}} {
		req, err := http.NewRequest("PROPFIND", s.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Depth", "0")
		req.SetBasicAuth(s.User, c.password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("PROPFIND with password %q: %s, want %d", c.password, resp.Status, c.want)
		}
	}
}
