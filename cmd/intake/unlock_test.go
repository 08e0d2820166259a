package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/backintake/backintake/db"
)

// Against the real server: five wrong passwords lock an account from this IP,
// `intake user unlock --email` lets the right password in at once (so the CLI
// and the sign-in page agree on the throttling key); twenty failures lock the
// IP for every account, and `intake user unlock --ip` ends that. Both are
// audited as user_change without the email.
func TestUserUnlockEndsSignInLocks(t *testing.T) {
	dbPath := newDBPath(t)
	const email, pw = "boss@clinic.test", "the right long passphrase"
	if r := runWithStdin(t, dbPath, pw+"\n", "user", "add", "--email", email, "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %d %s", r.code, r.stderr)
	}
	srv := startServer(t, dbPath)
	jar, _ := cookiejar.New(nil)
	b := &staffHTTP{t: t, client: &http.Client{Jar: jar}, base: srv.Base}
	b.get("/staff/login", http.StatusOK)
	signIn := func(email, pw string, want int) {
		t.Helper()
		b.post("/staff/login", url.Values{"email": {email}, "password": {pw}}, want)
	}

	lim := db.DefaultLoginLimits
	for range lim.PairMax - 1 {
		signIn(email, "wrong password", http.StatusUnauthorized)
	}
	signIn(email, "wrong password", http.StatusTooManyRequests)
	signIn(email, pw, http.StatusTooManyRequests)
	r := runWithStdin(t, dbPath, "", "user", "unlock", "--email", "Boss@clinic.test")
	want := fmt.Sprintf("Sign-in unlocked for boss@clinic.test (user 1) from every IP: 1 lock ended, %d failed sign-ins forgotten.\n", lim.PairMax)
	if r.code != 0 || r.stdout != want {
		t.Fatalf("unlock --email: exit %d, stdout %q, want %q; stderr %q", r.code, r.stdout, want, r.stderr)
	}
	signIn(email, pw, http.StatusOK) // 303 to the staff list
	b.post("/staff/logout", nil, http.StatusOK)

	// Failures for many emails, none reaching the pair limit, lock the IP.
	b.get("/staff/login", http.StatusOK)
	for i := range lim.IPMax - 1 {
		signIn(fmt.Sprintf("guess%d@clinic.test", i/(lim.PairMax-1)), "wrong password", http.StatusUnauthorized)
	}
	signIn("guess-last@clinic.test", "wrong password", http.StatusTooManyRequests)
	signIn(email, pw, http.StatusTooManyRequests)
	r = runWithStdin(t, dbPath, "", "user", "unlock", "--email", email)
	if r.code != 0 || !strings.Contains(r.stdout, "Sign-in from 127.0.0.1 stays locked for every account until ") ||
		!strings.Contains(r.stdout, "`intake user unlock --ip 127.0.0.1`") {
		t.Fatalf("unlock --email under an IP lock: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	signIn(email, pw, http.StatusTooManyRequests)
	r = runWithStdin(t, dbPath, "", "user", "unlock", "--ip", "127.0.0.1")
	want = fmt.Sprintf("Sign-in unlocked from 127.0.0.1 for every account: 1 lock ended, %d failed sign-ins forgotten.\n", lim.IPMax)
	if r.code != 0 || r.stdout != want {
		t.Fatalf("unlock --ip: exit %d, stdout %q, want %q; stderr %q", r.code, r.stdout, want, r.stderr)
	}
	signIn(email, pw, http.StatusOK)

	rows, _, err := openDB(t, dbPath).Audit(t.Context(), db.AuditQuery{Action: db.ActionUserChange})
	if err != nil {
		t.Fatal(err)
	}
	var unlocks []string
	for _, row := range rows {
		if strings.Contains(row.Outcome, "unlocked") {
			unlocks = append(unlocks, row.Outcome)
		}
		if strings.Contains(row.Outcome, "@") || strings.Contains(row.Outcome, pw) {
			t.Errorf("audit outcome %q names an email or the password", row.Outcome)
		}
	}
	if len(unlocks) != 3 || !strings.HasPrefix(unlocks[0], "ok: sign-in unlocked from IP 127.0.0.1") ||
		!strings.HasPrefix(unlocks[2], "ok: sign-in unlocked for user 1 from every IP (1 lock ended") {
		t.Errorf("unlock audit rows, newest first: %q", unlocks)
	}
}

func TestUserUnlockRefusals(t *testing.T) {
	dbPath := newDBPath(t)
	for _, args := range [][]string{
		{"user", "unlock"},
		{"user", "unlock", "boss@clinic.test"},
		{"user", "unlock", "--ip", "not-an-ip"},
		{"user", "unlock", "--email", "Boss <boss@clinic.test>"},
	} {
		if r := runWithStdin(t, dbPath, "", args...); r.code != 2 {
			t.Errorf("%q: exit %d, want 2; %q", args, r.code, r.stderr)
		}
	}
	r := runWithStdin(t, dbPath, "", "user", "unlock", "--email", "nobody@clinic.test")
	if r.code != 0 || !strings.Contains(r.stdout, "no account has this email") || !strings.Contains(r.stdout, "0 locks ended, 0 failed sign-ins forgotten") {
		t.Errorf("unlock of an email with no account: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}
