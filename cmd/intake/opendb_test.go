package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsRefuseAMissingDatabase: run from the wrong folder, a command
// names the problem instead of working on a new empty database.
func TestCommandsRefuseAMissingDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "data", "intake.db")
	backup := filepath.Join(t.TempDir(), "b.db")
	for _, args := range [][]string{
		{"backup", backup},
		{"export", "csv"},
		{"pdf", "abcdefghijklmnopqrstuvwxyz"},
		{"rescreen", "--all"},
		{"token", "list"},
		{"user", "list"},
	} {
		r := runInProcess(t, []string{"INTAKE_DB=" + missing}, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "no database at") {
			t.Errorf("intake %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("a command created the missing database")
	}
	if _, err := os.Stat(backup); !os.IsNotExist(err) {
		t.Fatal("backup wrote a file from no database")
	}
}
