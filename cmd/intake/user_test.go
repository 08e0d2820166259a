package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/passwords"
)

// runWithStdin runs the CLI in-process with INTAKE_DB set and stdin given.
func runWithStdin(t testing.TB, dbPath, stdin string, args ...string) inProcessResult {
	t.Helper()
	return runInProcessStdin(t, []string{"INTAKE_DB=" + dbPath, "USER=tester"}, stdin, args...)
}

func TestUserCommands(t *testing.T) {
	dbPath := newDBPath(t)
	const pw1, pw2 = "first long passphrase 1", "second long passphrase 2"
	ok := func(r inProcessResult, what string) {
		t.Helper()
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", what, r.code, r.stdout, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, pw1) || strings.Contains(r.stdout+r.stderr, pw2) {
			t.Errorf("%s printed the password", what)
		}
	}
	ok(runWithStdin(t, dbPath, pw1+"\n", "user", "add", "--email", "boss@clinic.test", "--role", "admin", "--password-stdin"), "add admin")
	ok(runWithStdin(t, dbPath, pw1+"\r\n", "user", "add", "--email", "pt@clinic.test", "--role", "therapist", "--password-stdin"), "add therapist")

	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		msg         string
	}{
		{"duplicate email, other case", pw1, []string{"--email", "BOSS@clinic.test", "--role", "admin", "--password-stdin"}, 1, "already exists"},
		{"short password", "short pass", []string{"--email", "a@clinic.test", "--role", "admin", "--password-stdin"}, 1, "at least 12"},
		{"common password", "1qaz2wsx3edc", []string{"--email", "a@clinic.test", "--role", "admin", "--password-stdin"}, 1, "common"},
		{"no password", "", []string{"--email", "a@clinic.test", "--role", "admin", "--password-stdin"}, 1, "standard input"},
		{"unknown role", pw1, []string{"--email", "a@clinic.test", "--role", "owner", "--password-stdin"}, 2, "role"},
		{"not an email", pw1, []string{"--email", "Boss <boss@clinic.test>", "--role", "admin", "--password-stdin"}, 2, "email"},
		{"password flag missing", pw1, []string{"--email", "a@clinic.test", "--role", "admin"}, 2, "password-stdin"},
	} {
		r := runWithStdin(t, dbPath, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q; want %d mentioning %q", tc.name, r.code, r.stderr, tc.code, tc.msg)
		}
	}

	ok(runWithStdin(t, dbPath, pw2+"\n", "user", "passwd", "pt@clinic.test", "--password-stdin"), "passwd")
	ok(runWithStdin(t, dbPath, "", "user", "disable", "boss@clinic.test"), "disable")
	if r := runWithStdin(t, dbPath, "", "user", "disable", "nobody@clinic.test"); r.code != 1 {
		t.Errorf("disable unknown user: exit %d", r.code)
	}
	list := runWithStdin(t, dbPath, "", "user", "list")
	ok(list, "list")
	for _, want := range []string{"boss@clinic.test", "disabled", "pt@clinic.test", "therapist", "active"} {
		if !strings.Contains(list.stdout, want) {
			t.Errorf("user list lacks %q:\n%s", want, list.stdout)
		}
	}

	d := openDB(t, dbPath)
	ctx := context.Background()
	pt, err := d.UserByEmail(ctx, "pt@clinic.test")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := passwords.Verify(pw2, pt.PasswordHash); !ok {
		t.Error("passwd did not store the new password")
	}
	if !strings.HasPrefix(pt.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("stored hash %q is not argon2id with the required parameters", pt.PasswordHash[:20])
	}
	if admin, _ := d.AdminExists(ctx); admin {
		t.Error("the only admin is disabled, yet AdminExists")
	}
	rows, _, err := d.Audit(ctx, db.AuditQuery{Action: db.ActionUserChange})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 { // two adds, one passwd, one disable; refused commands change nothing
		t.Fatalf("%d user_change rows, want 4: %+v", len(rows), rows)
	}
	for _, r := range rows {
		if r.Actor != "cli:"+currentUserName(t) && r.Actor != "cli:tester" {
			t.Errorf("actor %q", r.Actor)
		}
		if !strings.HasPrefix(r.Outcome, "ok") || strings.Contains(r.Outcome, "@") {
			t.Errorf("outcome %q: want ok and no email", r.Outcome)
		}
	}
}

func currentUserName(t testing.TB) string {
	return strings.TrimPrefix(cliActor(&cliEnv{getenv: func(string) string { return "" }}), "cli:")
}

func TestTokenChangesAreAudited(t *testing.T) {
	dbPath := newDBPath(t)
	add := runWithStdin(t, dbPath, "", "token", "add", "--name", "kiosk")
	if add.code != 0 {
		t.Fatalf("token add: %d %s", add.code, add.stderr)
	}
	secret := strings.TrimSpace(add.stdout)
	if r := runWithStdin(t, dbPath, "", "token", "revoke", "kiosk"); r.code != 0 {
		t.Fatalf("token revoke: %d %s", r.code, r.stderr)
	}
	d := openDB(t, dbPath)
	rows, _, err := d.Audit(context.Background(), db.AuditQuery{Action: db.ActionTokenChange})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !strings.Contains(rows[0].Outcome, "revoked") || !strings.Contains(rows[1].Outcome, "added") {
		t.Fatalf("token_change rows %+v", rows)
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Actor, "cli:") || strings.Contains(r.Outcome, secret) {
			t.Errorf("row %+v", r)
		}
	}
}

// While no active admin exists, every start prints how to create one on
// stdout; once one exists, nothing.
func TestServeAdminHint(t *testing.T) {
	dbPath := newDBPath(t)
	s := startServer(t, dbPath)
	if out := s.Stdout(); !strings.Contains(out, "intake user add") || !strings.Contains(out, "--role admin") ||
		!strings.Contains(out, "--password-stdin") {
		t.Errorf("no admin hint on stdout:\n%s", out)
	}
	if strings.Contains(s.Stderr(), "intake user add") {
		t.Error("the hint went to stderr (logs)")
	}
	_ = s.Cmd.Process.Kill()
	<-s.Exited()
	if r := runWithStdin(t, dbPath, "an admin passphrase here\n", "user", "add", "--email", "a@clinic.test", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %d %s", r.code, r.stderr)
	}
	s2 := startServer(t, dbPath)
	if strings.Contains(s2.Stdout(), "intake user add") {
		t.Errorf("hint printed although an admin exists:\n%s", s2.Stdout())
	}
}

// `user enable` undoes `user disable`; repeating either says so and changes
// and audits nothing.
func TestUserDisableEnable(t *testing.T) {
	dbPath := newDBPath(t)
	if r := runWithStdin(t, dbPath, "a long passphrase here\n", "user", "add", "--email", "boss@clinic.test", "--role", "admin", "--password-stdin"); r.code != 0 {
		t.Fatalf("user add: %d %s", r.code, r.stderr)
	}
	d := openDB(t, dbPath)
	ctx := context.Background()
	u, err := d.UserByEmail(ctx, "boss@clinic.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		verb, said string
		active     bool
	}{
		{"disable", "disabled", false},
		{"disable", "already disabled", false},
		{"enable", "enabled", true},
		{"enable", "already enabled", true},
	} {
		r := runWithStdin(t, dbPath, "", "user", step.verb, "boss@clinic.test")
		if want := fmt.Sprintf("User %d (boss@clinic.test) %s.\n", u.ID, step.said); r.code != 0 || r.stdout != want {
			t.Errorf("%s: exit %d, stdout %q, want %q; stderr %q", step.verb, r.code, r.stdout, want, r.stderr)
		}
		if active, _ := d.AdminExists(ctx); active != step.active {
			t.Errorf("after %s (%s): the admin is active %v", step.verb, step.said, active)
		}
	}
	if r := runWithStdin(t, dbPath, "", "user", "enable", "nobody@clinic.test"); r.code != 1 || !strings.Contains(r.stderr, "no user with email nobody@clinic.test") {
		t.Errorf("enable unknown user: exit %d, %q", r.code, r.stderr)
	}
	rows, _, err := d.Audit(ctx, db.AuditQuery{Action: db.ActionUserChange})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, r := range rows {
		outcomes = append(outcomes, r.Outcome)
	}
	want := []string{fmt.Sprintf("ok: user %d enabled", u.ID), fmt.Sprintf("ok: user %d disabled", u.ID), fmt.Sprintf("ok: added user %d (admin)", u.ID)}
	if !slices.Equal(outcomes, want) {
		t.Errorf("user_change outcomes, newest first: %q, want %q", outcomes, want)
	}
}
