package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/testserver"
)

// binDir holds the binaries the tests build; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	var err error
	if binDir, err = os.MkdirTemp("", "intake-bin-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(binDir)
	os.Exit(code)
}

// intakeBinary builds cmd/intake once per test run.
func intakeBinary(t testing.TB) string {
	t.Helper()
	return testserver.Build(t, ".", filepath.Join(binDir, "intake"))
}

// startServer starts `intake serve` on a random loopback port with the given
// database and extra environment, and waits until it listens.
func startServer(t testing.TB, dbPath string, env ...string) *testserver.Server {
	t.Helper()
	return testserver.Start(t, intakeBinary(t), dbPath, env...)
}

func TestHelpListsCommands(t *testing.T) {
	var out strings.Builder
	env := &cliEnv{getenv: func(string) string { return "" }, stdout: &out, stderr: &out}
	if code := run(context.Background(), env, []string{"help"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out.String(), "intake "+c.name) {
			t.Errorf("help does not list %s", c.name)
		}
	}
	out.Reset()
	if code := run(context.Background(), env, []string{"frobnicate"}); code != 2 {
		t.Fatalf("unknown command: exit %d, want 2", code)
	}
}
