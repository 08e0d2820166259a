package main

import (
	"bytes"
	"context"
	"database/sql"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// caseDB is a test database holding every shared case as one intake.
type caseDB struct {
	path    string
	intakes []intake.Intake // in submission order
	results []screening.Result
}

// seedCaseDB stores every shared case in a new database under t.TempDir():
// case i is submitted on its submitted_on date plus i days at 10:30 in Los
// Angeles, with the id "case-<case id>" and its screening.Run result (rules
// version set to version when not "").
func seedCaseDB(t testing.TB, version string) *caseDB {
	t.Helper()
	cs, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	s := &caseDB{path: filepath.Join(t.TempDir(), "data", "intake.db")}
	ctx := context.Background()
	d, err := db.Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	err = d.Update(ctx, func(tx *sql.Tx) error {
		for i, c := range cs {
			day := c.Date().Time().AddDate(0, 0, i)
			created := time.Date(day.Year(), day.Month(), day.Day(), 10, 30, 0, 0, la).UTC()
			in := intake.Intake{ID: "case-" + c.ID, CreatedAt: created, SubmissionDate: intake.DateIn(created, la),
				QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: c.Valid()}
			res := screening.Run(in.Answers, in.SubmissionDate, screening.Settings{GuardianAge: 18})
			if version != "" {
				res.RulesVersion = version
			}
			if _, err := db.InsertIntake(tx, db.Submission{Intake: in, Screening: res}); err != nil {
				return err
			}
			s.intakes = append(s.intakes, in)
			s.results = append(s.results, res)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// open opens the seeded database for the test's own checks.
func (s *caseDB) open(t testing.TB) *db.DB {
	t.Helper()
	return openDB(t, s.path)
}

// update runs fn in one write transaction on the seeded database.
func (s *caseDB) update(t testing.TB, fn func(*sql.Tx) error) {
	t.Helper()
	if err := s.open(t).Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// audit returns the audit rows with the given action, oldest first.
func (s *caseDB) audit(t testing.TB, action string) []db.AuditEntry {
	t.Helper()
	rows, _, err := s.open(t).Audit(context.Background(), db.AuditQuery{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// inProcessResult is one in-process run of the CLI.
type inProcessResult struct {
	code           int
	stdout, stderr string
	out            []byte
}

// runInProcess runs the CLI in-process with only the given environment variables
// (KEY=VALUE) and empty stdin, and returns the exit status and both streams.
func runInProcess(t testing.TB, env []string, args ...string) inProcessResult {
	t.Helper()
	return runInProcessStdin(t, env, "", args...)
}

// runInProcessStdin is runInProcess with stdin.
func runInProcessStdin(t testing.TB, env []string, stdin string, args ...string) inProcessResult {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var out, errb bytes.Buffer
	e := &cliEnv{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code := run(context.Background(), e, args)
	return inProcessResult{code: code, stdout: out.String(), stderr: errb.String(), out: out.Bytes()}
}

func TestCLIActorIsTheOSUser(t *testing.T) {
	env := &cliEnv{getenv: func(k string) string { return map[string]string{"USER": "from-env"}[k] }}
	got := cliActor(env)
	if u, err := user.Current(); err == nil && u.Username != "" {
		if got != "cli:"+u.Username {
			t.Fatalf("actor %q, want cli:%s", got, u.Username)
		}
		return
	}
	if got != "cli:from-env" {
		t.Fatalf("actor %q without an account entry, want cli:from-env", got)
	}
}

func TestAuditRowIsWrittenAfterCancel(t *testing.T) {
	s := seedCaseDB(t, "")
	d := s.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := &cliEnv{getenv: func(string) string { return "" }}
	if err := audit(ctx, env, d, db.AuditEntry{Action: db.ActionExportFinished, Range: "csv ..", Outcome: db.OutcomeError}); err != nil {
		t.Fatal(err)
	}
	rows := s.audit(t, db.ActionExportFinished)
	if len(rows) != 1 || !strings.HasPrefix(rows[0].Actor, "cli:") || rows[0].At.IsZero() {
		t.Fatalf("audit rows %+v", rows)
	}
}
