package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backintake/backintake/internal/cases"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  string
)

// intakeBinary builds cmd/intake once per test binary (the same binary the
// clinic runs), into a temporary folder removed by TestMain. E2E_INTAKE_BIN
// names a prebuilt binary instead.
func intakeBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		if binPath = os.Getenv("E2E_INTAKE_BIN"); binPath != "" {
			return
		}
		binPath = filepath.Join(workDir, "intake")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/intake").CombinedOutput()
		buildErr, buildOut = err, string(out)
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/intake: %v\n%s", buildErr, buildOut)
	}
	return binPath
}

// server is a running `intake serve` process with its own database.
type server struct {
	base   string // http://127.0.0.1:port
	db     string // path of the SQLite file
	stderr *lockedBuffer
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

// startServer runs `intake serve` on a random loopback port over a fresh
// database in t.TempDir() and waits until it listens. The patient rate limit
// is raised: one test posts the form many times (language switches are POSTs).
func startServer(t testing.TB) *server {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	cmd := exec.Command(intakeBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
	cmd.Env = append(os.Environ(), "INTAKE_PATIENT_RATE=10000/min", "INTAKE_CLINIC_NAME=Riverside Physical Therapy")
	s := &server{db: dbPath, stderr: &lockedBuffer{}}
	pr, pw := io.Pipe()
	cmd.Stderr = io.MultiWriter(s.stderr, pw)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
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
	case s.base = <-found:
	case err := <-exited:
		t.Fatalf("server exited before listening: %v\n%s", err, s.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s", s.stderr.String())
	}
	return s
}

// cli runs an `intake` command against the server's database, with stdin.
func (s *server) cli(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(intakeBinary(t), args...)
	cmd.Env = append(os.Environ(), "INTAKE_DB="+s.db)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("intake %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// postCase sends a synthetic case through the JSON API, as a kiosk would,
// and returns the new intake's id.
func (s *server) postCase(t testing.TB, c cases.Case) string {
	t.Helper()
	resp, err := http.Post(s.base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 || out.ID == "" {
		t.Fatalf("POST %s: status %d, id %q, %v", c.ID, resp.StatusCode, out.ID, err)
	}
	return out.ID
}
