package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CLI messages read as sentences for a clinic admin: no "db: not found",
// "db: already exists" or "passwords:" prefixes, and a bad backup is named
// by its own path, not by the temporary copy restore checks.
func TestMessagesAreSentences(t *testing.T) {
	dbPath := newDBPath(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runWithStdin(t, dbPath, "", "token", "add", "--name", "kiosk"); r.code != 0 {
		t.Fatalf("token add: %d %s", r.code, r.stderr)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"token name taken", "", []string{"token", "add", "--name", "kiosk"}, `intake token: an API token named "kiosk" already exists`},
		{"unknown token", "", []string{"token", "revoke", "kiosq"}, `intake token: no API token is named "kiosq"`},
		{"short password", "short pass\n", []string{"user", "add", "--email", "a@clinic.test", "--role", "admin", "--password-stdin"},
			"intake user: the password is too short: it needs at least 12 characters"},
		{"common password", "1qaz2wsx3edc\n", []string{"user", "add", "--email", "a@clinic.test", "--role", "admin", "--password-stdin"},
			"intake user: the password is one of the 10,000 most common"},
		{"no backup file", "", []string{"restore", filepath.Join(dir, "missing.db")},
			"intake restore: there is no backup file at " + filepath.Join(dir, "missing.db") + "; nothing was changed"},
		{"garbage backup", "", []string{"restore", garbage}, "intake restore: " + garbage + " is not a usable backup: "},
		{"backup is the database", "", []string{"restore", dbPath}, "intake restore: " + dbPath + " is the database itself, not a backup of it"},
	} {
		r := runWithStdin(t, dbPath, tc.stdin, tc.args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.name, r.code, r.stderr, tc.want)
		}
		for _, leak := range []string{"db:", "passwords:", ".restore-", ".tmp"} {
			if strings.Contains(r.stderr, leak) {
				t.Errorf("%s: %q shows %q", tc.name, r.stderr, leak)
			}
		}
	}
}
