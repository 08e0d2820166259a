package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/passwords"
	"github.com/backintake/backintake/screening"
)

// testClock is a server clock that tests move forward.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 11, 2, 18, 30, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func withClock(c *testClock) serverOption { return func(cfg *Config) { cfg.Now = c.Now } }

// behindProxy trusts app.Test's remote address (0.0.0.0) as a proxy, so a
// client's X-Forwarded-For names its IP.
func behindProxy() serverOption {
	return func(cfg *Config) { cfg.TrustedProxies = []string{"0.0.0.0"} }
}

// testPassword is long enough and not a common password.
const testPassword = "violet harbour lantern 42"

// addUser stores a staff user the way `intake user add` does and returns its id.
func (ts *testServer) addUser(t testing.TB, email string, role db.Role) int64 {
	t.Helper()
	h, err := passwords.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	err = ts.db.Update(context.Background(), func(tx *sql.Tx) error {
		id, err = db.AddUser(tx, email, role, h, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// seedIntake stores a synthetic case's answers under the given names, created
// at the given instant, and returns the intake id.
func (ts *testServer) seedIntake(t testing.TB, caseID, given, family string, created time.Time) string {
	t.Helper()
	var c cases.Case
	for _, x := range mustCases(t, cases.Screening) {
		if x.ID == caseID {
			c = x
		}
	}
	if c.ID == "" {
		t.Fatalf("no case %s", caseID)
	}
	a := c.Valid()
	a["patient.given_name"], a["patient.family_name"] = given, family
	in := intake.Intake{ID: randomID(), CreatedAt: created.UTC(), SubmissionDate: intake.DateIn(created, la),
		QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: a}
	res := screening.Run(a, c.Date(), screening.Settings{GuardianAge: 18})
	if _, err := ts.writer.SaveIntake(context.Background(), db.Submission{Intake: in, Screening: res}); err != nil {
		t.Fatal(err)
	}
	return in.ID
}

// auditRows returns the audit log, oldest first.
func (ts *testServer) auditRows(t testing.TB, q db.AuditQuery) []db.AuditEntry {
	t.Helper()
	q.Limit = db.MaxListLimit
	rows, _, err := ts.db.Audit(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// browser is one staff browser: its cookies, the CSRF token of the last page
// it saw, and the client IP it sends through the trusted proxy.
type browser struct {
	ts      *testServer
	cookies map[string]string
	csrf    string
	ip      string
}

func (ts *testServer) browser(ip string) *browser {
	return &browser{ts: ts, cookies: map[string]string{}, ip: ip}
}

var reStaffCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) send(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	if b.ip != "" {
		req.Header.Set("X-Forwarded-For", b.ip)
	}
	resp, body := b.ts.do(t, req)
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	if m := reStaffCSRF.FindStringSubmatch(body); m != nil {
		b.csrf = m[1]
	}
	return resp, body
}

func (b *browser) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	return b.send(t, httptest.NewRequest("GET", path, nil))
}

// post sends a form with the last CSRF token unless values sets _csrf
// (an explicit "" sends none).
func (b *browser) post(t testing.TB, path string, values url.Values) (*http.Response, string) {
	t.Helper()
	v := url.Values{}
	for k, vs := range values {
		v[k] = vs
	}
	if _, ok := v["_csrf"]; !ok {
		v.Set("_csrf", b.csrf)
	}
	if v.Get("_csrf") == "" {
		v.Del("_csrf")
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(t, req)
}

// login opens the sign-in page and signs in; it returns the POST's response.
func (b *browser) login(t testing.TB, email, password string) (*http.Response, string) {
	t.Helper()
	if resp, _ := b.get(t, "/staff/login"); resp.StatusCode != 200 {
		t.Fatalf("GET /staff/login: %d", resp.StatusCode)
	}
	return b.post(t, "/staff/login", url.Values{"email": {email}, "password": {password}})
}

// mustLogin signs in and fails the test unless it worked.
func (b *browser) mustLogin(t testing.TB, email string) {
	t.Helper()
	resp, body := b.login(t, email, testPassword)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff" {
		t.Fatalf("login %s: %d %s\n%s", email, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if r, _ := b.get(t, "/staff"); r.StatusCode != 200 {
		t.Fatalf("GET /staff after login: %d", r.StatusCode)
	}
}

// signedIn reports whether GET /staff shows the list (not a redirect to login).
func (b *browser) signedIn(t testing.TB) bool {
	t.Helper()
	resp, _ := b.get(t, "/staff")
	switch resp.StatusCode {
	case 200:
		return true
	case http.StatusSeeOther:
		if resp.Header.Get("Location") != "/staff/login" {
			t.Fatalf("redirect to %s", resp.Header.Get("Location"))
		}
		return false
	}
	t.Fatalf("GET /staff: %d", resp.StatusCode)
	return false
}

// staffServer is a test server with a movable clock behind a trusted proxy.
func newStaffServer(t testing.TB, opts ...serverOption) (*testServer, *testClock) {
	t.Helper()
	clk := newTestClock()
	ts := newTestServer(t, append([]serverOption{withClock(clk), behindProxy()}, opts...)...)
	return ts, clk
}

var reHref = regexp.MustCompile(`(?:href|action)="([^"]*)"`)

func httptestRequest(method, path string) *http.Request {
	return httptest.NewRequest(method, path, nil)
}
