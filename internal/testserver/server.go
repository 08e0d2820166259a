package testserver

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a running `intake serve` process.
type Server struct {
	Base string    // http://127.0.0.1:port, without a trailing slash
	Cmd  *exec.Cmd // signal the process through Cmd.Process

	stdout, stderr Buffer
	exited         chan struct{} // closed once cmd.Wait has returned
}

// Buffer collects a server's output while a test reads it: Write and String
// are safe to call from different goroutines. The zero value is empty.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p; it never fails.
func (l *Buffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Buffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// reServing matches the log line serve writes once it listens; with
// --addr 127.0.0.1:0 it is the only place the port is told.
var reServing = regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)/intake`)

// Start runs bin (a binary from Build) as `serve` on a random loopback port
// over the database at dbPath, with env added to the test's environment, and
// waits up to 60 s until it listens. It fails t if the server exits or does
// not listen in time. The process is killed, and waited for, when t ends.
func Start(t testing.TB, bin, dbPath string, env ...string) *Server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
	cmd.Env = append(os.Environ(), env...)
	s := &Server{Cmd: cmd, exited: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(&s.stderr, pw)
	cmd.Stdout = &s.stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		pw.Close()
		close(s.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.exited
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := reServing.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	select {
	case s.Base = <-found:
	case <-s.exited:
		t.Fatalf("server exited before listening: %v\n%s", waitErr, s.Stderr())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s", s.Stderr())
	}
	return s
}

// Stdout returns what the server has written to stdout so far.
func (s *Server) Stdout() string { return s.stdout.String() }

// Stderr returns what the server has written to stderr (its log) so far.
func (s *Server) Stderr() string { return s.stderr.String() }

// Exited is closed once the process has exited; Cmd.ProcessState is set then.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Stop sends SIGTERM, waits up to 40 s for the process to exit and returns
// its exit status (-1 if a signal ended it). It fails t if the signal cannot
// be sent or the process is still running after 40 s.
func (s *Server) Stop(t testing.TB) int {
	t.Helper()
	if err := s.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.exited:
	case <-time.After(40 * time.Second):
		t.Fatalf("server still running 40 s after SIGTERM:\n%s", s.Stderr())
	}
	return s.Cmd.ProcessState.ExitCode()
}
