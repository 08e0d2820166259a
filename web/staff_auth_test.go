package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/passwords"
)

func TestLoginSuccessAndFailure(t *testing.T) {
	ts, _ := newStaffServer(t)
	id := ts.addUser(t, "ana@clinic.test", db.RoleTherapist)
	b := ts.browser("192.0.2.10")

	resp, body := b.login(t, "ana@clinic.test", "not the password at all")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, msgBadLogin) {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `value="ana@clinic.test"`) {
		t.Error("the email is not kept in the form after a failure")
	}
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("a failed login set a session cookie")
	}
	resp, _ = b.login(t, "nobody@clinic.test", testPassword)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unknown email: %d", resp.StatusCode)
	}

	resp, _ = b.login(t, "ANA@clinic.test", testPassword)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff" {
		t.Fatalf("login: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/staff" || cookie.Secure ||
		!cookie.Expires.IsZero() || cookie.MaxAge != 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/staff, not Secure without TLS, session-only", cookie)
	}
	if !b.signedIn(t) {
		t.Fatal("not signed in after login")
	}

	// Audit: failures name the user id when the email is a user's, else nobody; never the email.
	rows := ts.auditRows(t, db.AuditQuery{})
	want := []struct{ action, actor string }{
		{db.ActionFailedLogin, strconv.FormatInt(id, 10)},
		{db.ActionFailedLogin, "anonymous"},
		{db.ActionLogin, strconv.FormatInt(id, 10)},
	}
	if len(rows) < len(want) {
		t.Fatalf("audit rows %+v", rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Action != w.action || r.Actor != w.actor || r.ClientIP != "192.0.2.10" {
			t.Errorf("audit row %d = %+v, want %s by %s from 192.0.2.10", i, r, w.action, w.actor)
		}
	}
	for _, r := range rows {
		if strings.Contains(strings.ToLower(r.Actor+r.Outcome+r.Range), "clinic.test") {
			t.Errorf("an email reached the audit log: %+v", r)
		}
	}
}

func TestSessionCookieSecureOnTLS(t *testing.T) {
	ts, _ := newStaffServer(t, func(c *Config) { c.TLS = true })
	ts.addUser(t, "tls@clinic.test", db.RoleAdmin)
	b := ts.browser("192.0.2.11")
	resp, _ := b.login(t, "tls@clinic.test", testPassword)
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && !c.Secure {
			t.Errorf("session cookie not Secure on TLS: %+v", c)
		}
	}
}

func TestLoginCSRF(t *testing.T) {
	ts, _ := newStaffServer(t)
	ts.addUser(t, "csrf@clinic.test", db.RoleAdmin)
	form := url.Values{"email": {"csrf@clinic.test"}, "password": {testPassword}}

	// No token at all.
	b := ts.browser("192.0.2.20")
	b.get(t, "/staff/login")
	form.Set("_csrf", "")
	if resp, _ := b.post(t, "/staff/login", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without a token: %d, want 403", resp.StatusCode)
	}
	// A token issued to another browser (another login cookie).
	other := ts.browser("192.0.2.21")
	other.get(t, "/staff/login")
	form.Set("_csrf", other.csrf)
	if resp, _ := b.post(t, "/staff/login", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("login with a foreign token: %d, want 403", resp.StatusCode)
	}
	if _, ok := b.cookies[sessionCookie]; ok || b.signedIn(t) {
		t.Error("a login without a valid token created a session")
	}
	if rows := ts.auditRows(t, db.AuditQuery{Action: db.ActionLogin}); len(rows) != 0 {
		t.Errorf("refused logins were audited as logins: %+v", rows)
	}
}

func TestLoginThrottlePair(t *testing.T) {
	ts, clk := newStaffServer(t)
	ts.addUser(t, "pair@clinic.test", db.RoleTherapist)
	attacker := ts.browser("203.0.113.5")
	var last *http.Response
	for i := range db.DefaultLoginLimits.PairMax {
		last, _ = attacker.login(t, "pair@clinic.test", "wrong password number "+strconv.Itoa(i))
		clk.Advance(time.Second)
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("fifth failure: %d, want 429", last.StatusCode)
	}
	if ra, _ := strconv.Atoi(last.Header.Get("Retry-After")); ra < 890 || ra > 900 {
		t.Errorf("Retry-After %q, want about 900 s", last.Header.Get("Retry-After"))
	}
	// Locked: even the right password is refused from this IP...
	if resp, _ := attacker.login(t, "pair@clinic.test", testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("right password while locked: %d, want 429", resp.StatusCode)
	}
	// ...but the account is not locked for its owner elsewhere.
	owner := ts.browser("198.51.100.20")
	owner.mustLogin(t, "pair@clinic.test")
	// The lock ends after 15 minutes.
	clk.Advance(15 * time.Minute)
	attacker.mustLogin(t, "pair@clinic.test")
}

func TestLoginThrottleIP(t *testing.T) {
	ts, clk := newStaffServer(t)
	ts.addUser(t, "ip@clinic.test", db.RoleFrontDesk)
	ts.addUser(t, "other@clinic.test", db.RoleFrontDesk)
	spray := ts.browser("203.0.113.77")
	// Four tries each at five emails: no pair reaches its limit, the IP does.
	var last *http.Response
	for i := range db.DefaultLoginLimits.IPMax {
		last, _ = spray.login(t, "user"+strconv.Itoa(i%5)+"@clinic.test", "wrong password here")
		clk.Advance(time.Second)
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("twentieth failure: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if resp, _ := spray.login(t, "ip@clinic.test", testPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("a real account from the locked IP: %d, want 429", resp.StatusCode)
	}
	// Another IP is not affected by this IP's failures.
	ts.browser("198.51.100.30").mustLogin(t, "other@clinic.test")
}

func TestSessionRotationAtLogin(t *testing.T) {
	ts, _ := newStaffServer(t)
	ts.addUser(t, "victim@clinic.test", db.RoleAdmin)
	ts.addUser(t, "mallory@clinic.test", db.RoleFrontDesk)

	// A made-up id planted in the victim's browser is replaced at login.
	victim := ts.browser("192.0.2.40")
	planted := randomID()
	victim.cookies[sessionCookie] = planted
	victim.mustLogin(t, "victim@clinic.test")
	if victim.cookies[sessionCookie] == planted {
		t.Fatal("login kept the planted session id")
	}
	withPlanted := ts.browser("192.0.2.41")
	withPlanted.cookies[sessionCookie] = planted
	if withPlanted.signedIn(t) {
		t.Fatal("the planted id is signed in")
	}

	// A real session id of the attacker's, planted before the victim logs in,
	// is deleted at login and never accepted afterwards.
	mallory := ts.browser("192.0.2.42")
	mallory.mustLogin(t, "mallory@clinic.test")
	hers := mallory.cookies[sessionCookie]
	victim2 := ts.browser("192.0.2.43")
	victim2.cookies[sessionCookie] = hers
	victim2.mustLogin(t, "victim@clinic.test")
	if victim2.cookies[sessionCookie] == hers {
		t.Fatal("login kept a planted, valid session id")
	}
	replay := ts.browser("192.0.2.42")
	replay.cookies[sessionCookie] = hers
	if replay.signedIn(t) {
		t.Error("the planted session id is still accepted after the victim's login")
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	ts, clk := newStaffServer(t)
	ts.addUser(t, "idle@clinic.test", db.RoleTherapist)
	b := ts.browser("192.0.2.50")
	b.mustLogin(t, "idle@clinic.test")
	for range 3 { // activity keeps the session: 14 minutes apart, three times
		clk.Advance(14 * time.Minute)
		if !b.signedIn(t) {
			t.Fatal("session ended within the idle limit")
		}
	}
	clk.Advance(15*time.Minute + time.Second)
	if b.signedIn(t) {
		t.Error("session survived more than 15 minutes idle")
	}
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	ts, clk := newStaffServer(t, func(c *Config) { c.SessionMax = time.Hour })
	ts.addUser(t, "long@clinic.test", db.RoleTherapist)
	b := ts.browser("192.0.2.51")
	b.mustLogin(t, "long@clinic.test")
	for range 5 {
		clk.Advance(10 * time.Minute)
		if !b.signedIn(t) {
			t.Fatal("session ended before the absolute limit")
		}
	}
	clk.Advance(10 * time.Minute) // 60 minutes since login, never idle
	if b.signedIn(t) {
		t.Error("session survived the absolute limit")
	}
}

func TestLogout(t *testing.T) {
	ts, _ := newStaffServer(t)
	id := ts.addUser(t, "bye@clinic.test", db.RoleFrontDesk)
	b := ts.browser("192.0.2.60")
	b.mustLogin(t, "bye@clinic.test")
	old := b.cookies[sessionCookie]
	resp, _ := b.post(t, "/staff/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff/login?signed_out=1" {
		t.Fatalf("logout: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("logout did not clear the cookie")
	}
	if _, body := b.get(t, "/staff/login?signed_out=1"); !strings.Contains(body, "You are signed out.") {
		t.Error("no signed-out notice")
	}
	again := ts.browser("192.0.2.60")
	again.cookies[sessionCookie] = old
	if again.signedIn(t) {
		t.Error("the session id still works after logout")
	}
	rows := ts.auditRows(t, db.AuditQuery{Action: db.ActionLogout})
	if len(rows) != 1 || rows[0].Actor != strconv.FormatInt(id, 10) || rows[0].ClientIP != "192.0.2.60" {
		t.Errorf("logout audit %+v", rows)
	}
}

func TestDisabledUserOrNewPasswordEndsSession(t *testing.T) {
	ts, _ := newStaffServer(t)
	ts.addUser(t, "gone@clinic.test", db.RoleAdmin)
	ts.addUser(t, "newpw@clinic.test", db.RoleAdmin)
	a, b := ts.browser("192.0.2.70"), ts.browser("192.0.2.71")
	a.mustLogin(t, "gone@clinic.test")
	b.mustLogin(t, "newpw@clinic.test")
	ctx := context.Background()
	// What `intake user disable` and `intake user passwd` do, from another process.
	if err := ts.db.Update(ctx, func(tx *sql.Tx) error { return db.DisableUser(tx, "gone@clinic.test", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	h, _ := passwords.Hash("an entirely new password")
	if err := ts.db.Update(ctx, func(tx *sql.Tx) error { return db.SetPassword(tx, "newpw@clinic.test", h) }); err != nil {
		t.Fatal(err)
	}
	if a.signedIn(t) {
		t.Error("a disabled user's session still works")
	}
	if b.signedIn(t) {
		t.Error("a session survived a password change")
	}
	if resp, _ := a.login(t, "gone@clinic.test", testPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled user login: %d, want 401", resp.StatusCode)
	}
}

// X-Forwarded-For counts only from a configured trusted proxy.
func TestClientIPOnlyFromTrustedProxies(t *testing.T) {
	ts := newTestServer(t) // no trusted proxies
	ts.addUser(t, "ip@clinic.test", db.RoleAdmin)
	b := ts.browser("203.0.113.200")
	b.mustLogin(t, "ip@clinic.test")
	rows := ts.auditRows(t, db.AuditQuery{Action: db.ActionLogin})
	if len(rows) != 1 || rows[0].ClientIP == "203.0.113.200" {
		t.Errorf("an untrusted X-Forwarded-For reached the audit log: %+v", rows)
	}
}
