package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// TestBackupRestoreRoundTrip: backup while the server runs → new intakes →
// restore is refused while the server runs → SIGTERM → restore → the new
// intakes are gone, the old ones present, the restore is audited, and the
// server starts on the restored database.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	srv, dbPath, all := startLoadServer(t)
	env := []string{"INTAKE_DB=" + dbPath}
	client := &http.Client{Timeout: 10 * time.Second}
	submitN := func(base string, n int) []string {
		var ids []string
		for i := range n {
			id, status, err := postCase(client, base, all[i%len(all)])
			if err != nil || id == "" {
				t.Fatalf("submit: %d %v", status, err)
			}
			ids = append(ids, id)
		}
		return ids
	}
	old := submitN(srv.Base, 4)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if res := runInProcess(t, env, "backup", backup); res.code != 0 {
		t.Fatalf("backup: %s", res.stderr)
	}
	newer := submitN(srv.Base, 3)

	before, _ := os.ReadFile(dbPath)
	res := runInProcess(t, env, "restore", backup)
	if res.code != 1 || !strings.Contains(res.stderr, "in use by another process") {
		t.Fatalf("restore beside a running server: exit %d, %q", res.code, res.stderr)
	}
	if after, _ := os.ReadFile(dbPath); string(before) != string(after) {
		t.Fatal("a refused restore changed the database file")
	}
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("server exit status %d after SIGTERM", code)
	}

	res = runInProcess(t, env, "restore", backup)
	if res.code != 0 {
		t.Fatalf("restore: exit %d: %s", res.code, res.stderr)
	}
	t.Log(strings.TrimSpace(res.stdout))
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(dbPath + suffix); err == nil {
			t.Errorf("stale %s file left after restore", suffix)
		}
	}
	kept, _ := filepath.Glob(dbPath + ".before-restore-*")
	if len(kept) == 0 || !strings.Contains(res.stdout, kept[0]) {
		t.Errorf("replaced database not kept or not named: %v, %q", kept, res.stdout)
	}

	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range old {
		if _, err := d.Intake(ctx, id); err != nil {
			t.Errorf("intake %s from before the backup: %v", id, err)
		}
	}
	for _, id := range newer {
		if _, err := d.Intake(ctx, id); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("intake %s stored after the backup: %v, want it gone", id, err)
		}
	}
	rows, _, err := d.Audit(ctx, db.AuditQuery{Action: db.ActionRestore})
	if err != nil || len(rows) != 1 || rows[0].RowCount != int64(len(old)) || !strings.HasPrefix(rows[0].Actor, "cli:") {
		t.Errorf("restore audit rows: %+v, %v", rows, err)
	}
	d.Close()

	srv = startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000/min")
	submitN(srv.Base, 1)
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("server on the restored database: exit %d", code)
	}
}

// TestServeRefusesDamagedDatabase: a database that fails integrity_check or
// foreign_key_check at start-up is refused with a clear message (exit 1,
// never "serving"); after `intake restore` of a good backup the server starts.
func TestServeRefusesDamagedDatabase(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, want string
		damage     func(t *testing.T, path string)
	}{
		{"damaged index page", "integrity_check", corruptIntakesIndex},
		{"orphan row", "foreign_key_check", plantOrphan},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
			seedIntakes(t, dbPath, 30)
			backup := filepath.Join(t.TempDir(), "good.db")
			if res := runInProcess(t, []string{"INTAKE_DB=" + dbPath}, "backup", backup); res.code != 0 {
				t.Fatal(res.stderr)
			}
			tc.damage(t, dbPath)

			cmd := exec.Command(intakeBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", dbPath)
			out, err := cmd.CombinedOutput()
			var ee interface{ ExitCode() int }
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("serve on a damaged database: %v\n%s", err, out)
			}
			msg := string(out)
			if !strings.Contains(msg, "failed its start-up check") || !strings.Contains(msg, tc.want) ||
				!strings.Contains(msg, "intake restore") || strings.Contains(msg, "serving") {
				t.Fatalf("message does not say what failed and what to do:\n%s", msg)
			}
			t.Logf("refused: %s", strings.TrimSpace(msg[strings.LastIndex(strings.TrimSpace(msg), "\n")+1:]))

			if res := runInProcess(t, []string{"INTAKE_DB=" + dbPath}, "restore", backup); res.code != 0 {
				t.Fatalf("restore: %s", res.stderr)
			}
			srv := startServer(t, dbPath)
			if code := srv.Stop(t); code != 0 {
				t.Fatalf("exit %d", code)
			}
			d := openDB(t, dbPath)
			if n, err := d.Count(ctx, db.Filter{IncludeVoided: true}); err != nil || n != 30 {
				t.Errorf("restored database holds %d intakes, %v; want 30", n, err)
			}
		})
	}
}

// seedIntakes stores n copies of a case's answers through a Writer.
func seedIntakes(t *testing.T, dbPath string, n int) {
	t.Helper()
	ctx := context.Background()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w := db.NewWriter(d, db.WriterConfig{})
	defer w.Close()
	for i := range n {
		c := all[i%len(all)]
		s := caseSubmission(c, i)
		if _, err := w.SaveIntake(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

// corruptIntakesIndex overwrites the cell area of an index on intakes: the
// file still opens and migrates, integrity_check finds the damage.
func corruptIntakesIndex(t *testing.T, path string) {
	t.Helper()
	c, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	var page, size int
	err = c.QueryRow(`SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intakes' AND sql IS NOT NULL LIMIT 1`).Scan(&page)
	if err == nil {
		err = c.QueryRow(`PRAGMA page_size`).Scan(&size)
	}
	if err == nil {
		_, err = c.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	junk := []byte(strings.Repeat("\xa5", size/2))
	if _, err := f.WriteAt(junk, int64(page-1)*int64(size)+int64(size/2)); err != nil {
		t.Fatal(err)
	}
}

// plantOrphan adds a screening row whose intake does not exist, with foreign
// keys off, as a damaged or hand-edited file might hold.
func plantOrphan(t *testing.T, path string) {
	t.Helper()
	c, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Exec(`PRAGMA foreign_keys = OFF;
		INSERT INTO screenings (intake_id, rules_version, result, highest_severity, severity_rank, computed_at)
		SELECT 'no-such-intake', rules_version, result, highest_severity, severity_rank, computed_at FROM screenings LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}
}

// caseSubmission is case c as the i-th intake of a seeded database.
func caseSubmission(c cases.Case, i int) db.Submission {
	created := time.Date(2026, 11, 2, 17, 0, i, 0, time.UTC)
	in := intake.Intake{ID: fmt.Sprintf("seed-%04d", i), CreatedAt: created, SubmissionDate: c.Date(),
		QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: c.Valid()}
	return db.Submission{Intake: in, Screening: screening.Run(in.Answers, in.SubmissionDate, screening.Settings{GuardianAge: 18}),
		Receipt: fmt.Sprintf("receipt-%04d", i)}
}

// TestStartupCheckInterrupted: a stop signal during the start-up check is
// reported as such, not as a damaged database.
func TestStartupCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	seedIntakes(t, dbPath, 1)
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cancel()
	err = checkAtStart(ctx, d, slog.New(slog.DiscardHandler))
	if err == nil || strings.Contains(err.Error(), "failed") || !errors.Is(err, context.Canceled) {
		t.Fatalf("checkAtStart after cancel = %v, want an interruption, not a failed check", err)
	}
}

// A second restore within the same second keeps the database it replaces
// under a name of its own instead of failing on the first one's.
func TestRestoreTwiceInOneSecond(t *testing.T) {
	dbPath := newDBPath(t)
	env := []string{"INTAKE_DB=" + dbPath}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if r := runInProcess(t, env, "backup", backup); r.code != 0 {
		t.Fatalf("backup: %s", r.stderr)
	}
	// Start just after a whole second, so that both restores (milliseconds
	// each) fall within it.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 10*time.Millisecond)))
	first := runInProcess(t, env, "restore", backup)
	second := runInProcess(t, env, "restore", backup)
	if first.code != 0 || second.code != 0 {
		t.Fatalf("restores: exit %d %q, exit %d %q", first.code, first.stderr, second.code, second.stderr)
	}
	kept, err := filepath.Glob(dbPath + ".before-restore-*Z")
	if err != nil || len(kept) != 2 {
		t.Fatalf("kept copies %q, %v; want two", kept, err)
	}
	if !strings.Contains(first.stdout, kept[0]) || !strings.Contains(second.stdout, kept[1]) {
		t.Errorf("each restore does not name its own kept copy %q:\n%s%s", kept, first.stdout, second.stdout)
	}
}
