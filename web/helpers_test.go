package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

// la is the test clinic's time zone.
var la = func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testServer is the real app over a real SQLite file in a temp dir.
type testServer struct {
	app    *fiber.App
	db     *db.DB
	writer *db.Writer
	token  string // an API token stored in the database
}

type serverOption func(*Config)

// at sets the server's clock to 10:30 clinic time on a YYYY-MM-DD date.
func at(date string) serverOption {
	return func(c *Config) {
		d, err := intake.ParseDate(date)
		if err != nil {
			panic(err)
		}
		t := time.Date(d.Year, d.Month, d.Day, 10, 30, 0, 0, c.Location)
		c.Now = func() time.Time { return t }
	}
}

func newTestServer(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, t.TempDir()+"/data/intake.db")
	if err != nil {
		t.Fatal(err)
	}
	w := db.NewWriter(d, db.WriterConfig{})
	t.Cleanup(func() {
		w.Close()
		d.Close()
	})
	cfg := Config{Location: la, GuardianAge: 18, ClinicName: "Test Clinic", PatientRate: 1000,
		Secret: []byte(strings.Repeat("k", 32)), FHIRBase: "https://clinic.test/fhir"}
	for _, o := range opts {
		o(&cfg)
	}
	app, err := New(cfg, Deps{DB: d, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{app: app, db: d, writer: w, token: "bit_test_token_0123456789"}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return db.AddToken(tx, "test", ts.token, time.Now()) }); err != nil {
		t.Fatal(err)
	}
	return ts
}

func (ts *testServer) do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := ts.app.Test(req, 30_000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// postJSON posts a body to the API, with the API token when auth is true.
func (ts *testServer) postJSON(t testing.TB, body []byte, auth bool, headers ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/intakes", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.Header.Set("Authorization", "Bearer "+ts.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.do(t, req)
}

var (
	reCSRF       = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	reSubmission = regexp.MustCompile(`name="_submission" value="([^"]+)"`)
)

// formSession is a browser's view of the patient form: its cookie and tokens.
type formSession struct {
	cookie, csrf, submission string
}

// openForm GETs /intake like a browser and keeps the cookie and tokens.
func (ts *testServer) openForm(t testing.TB) formSession {
	t.Helper()
	resp, body := ts.do(t, httptest.NewRequest("GET", "/intake", nil))
	if resp.StatusCode != 200 {
		t.Fatalf("GET /intake: %d", resp.StatusCode)
	}
	return sessionFrom(t, resp, body, formSession{})
}

func sessionFrom(t testing.TB, resp *http.Response, body string, prev formSession) formSession {
	t.Helper()
	s := prev
	for _, c := range resp.Cookies() {
		if c.Name == csrfCookie {
			s.cookie = c.Value
		}
	}
	m, n := reCSRF.FindStringSubmatch(body), reSubmission.FindStringSubmatch(body)
	if m == nil || n == nil {
		t.Fatalf("form without tokens")
	}
	s.csrf, s.submission = m[1], n[1]
	return s
}

// postForm posts form values with the session's cookie and tokens.
func (ts *testServer) postForm(t testing.TB, s formSession, values url.Values) (*http.Response, string) {
	t.Helper()
	v := url.Values{}
	for k, vs := range values {
		v[k] = vs
	}
	if v.Get("_csrf") == "" {
		v.Set("_csrf", s.csrf)
	}
	if v.Get("_submission") == "" {
		v.Set("_submission", s.submission)
	}
	req := httptest.NewRequest("POST", "/intake", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if s.cookie != "" {
		req.AddCookie(&http.Cookie{Name: csrfCookie, Value: s.cookie})
	}
	return ts.do(t, req)
}

// formValues encodes a case's JSON answers as the HTML form would send them.
func formValues(answers map[string]json.RawMessage) url.Values {
	v := url.Values{}
	for k, raw := range answers {
		var x any
		if err := json.Unmarshal(raw, &x); err != nil {
			panic(err)
		}
		switch y := x.(type) {
		case bool:
			if y {
				v.Set(k, "yes")
			} else {
				v.Set(k, "no")
			}
		case float64:
			v.Set(k, fmt.Sprint(y))
		case string:
			v.Set(k, y)
		case []any:
			for _, e := range y {
				v.Add(k, fmt.Sprint(e))
			}
		}
	}
	return v
}

// errorLinkIDs returns the sorted linkIds of a 422 JSON body.
func errorLinkIDs(t testing.TB, body string) []string {
	t.Helper()
	var out apiErrors
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("422 body is not JSON: %v", err)
	}
	var ids []string
	for _, e := range out.Errors {
		ids = append(ids, e.LinkID)
		if e.Message == "" {
			t.Errorf("error %s/%s has no message", e.LinkID, e.Code)
		}
	}
	sort.Strings(ids)
	return ids
}

func mustCases(t testing.TB, load func() ([]cases.Case, error)) []cases.Case {
	t.Helper()
	all, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// htmlEscape escapes text as html/template does in element content.
func htmlEscape(s string) string { return template.HTMLEscapeString(s) }
