package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/testserver"
)

// intakeBinary builds cmd/intake once per test binary (the same binary the
// clinic runs), into a temporary folder removed by TestMain. E2E_INTAKE_BIN
// names a prebuilt binary instead.
func intakeBinary(t testing.TB) string {
	t.Helper()
	if bin := os.Getenv("E2E_INTAKE_BIN"); bin != "" {
		return bin
	}
	return testserver.Build(t, "../cmd/intake", filepath.Join(workDir, "intake"))
}

// server is a running `intake serve` process with its own database.
type server struct {
	*testserver.Server
	db string // path of the SQLite file
}

// startServer runs `intake serve` on a random loopback port over a fresh
// database in t.TempDir() and waits until it listens. The patient rate limit
// is raised: one test posts the form many times (language switches are POSTs).
func startServer(t testing.TB) *server {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := testserver.Start(t, intakeBinary(t), dbPath, "INTAKE_PATIENT_RATE=10000/min", "INTAKE_CLINIC_NAME=Riverside Physical Therapy")
	return &server{Server: srv, db: dbPath}
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
	resp, err := http.Post(s.Base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
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
