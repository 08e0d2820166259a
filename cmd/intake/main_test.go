package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// intakeBinary builds cmd/intake once per test run.
func intakeBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "intake-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "intake")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Log(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return binPath
}

// server is a running `intake serve` process.
type server struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:port
	stderr *lockedBuffer
	stdout *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var reServing = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)/intake`)

// startServer starts `intake serve` on a random loopback port with the given
// database and extra environment, and waits until it listens.
func startServer(t testing.TB, dbPath string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(intakeBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
	cmd.Env = append(os.Environ(), env...)
	s := &server{cmd: cmd, stderr: &lockedBuffer{}, stdout: &lockedBuffer{}, exited: make(chan error, 1)}
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(s.stderr, pw)
	cmd.Stdout = s.stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := reServing.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case s.base = <-found:
	case err := <-s.exited:
		t.Fatalf("server exited before listening: %v\n%s", err, s.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s", s.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return s
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
