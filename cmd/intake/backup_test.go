package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
)

// TestBackupDuringLoad: `intake backup` runs while the real server takes
// concurrent submissions. The copy is 0600, passes integrity_check, holds
// every intake acknowledged before the backup started, each with the same
// answers as the live database, and the backup is audited in the live
// database. A second backup onto the same file is refused.
func TestBackupDuringLoad(t *testing.T) {
	srv, dbPath, all := startLoadServer(t)
	var (
		mu    sync.Mutex
		acked []string
		stop  atomic.Bool
	)
	wait := postLoad(srv.Base, all, 4, 10*time.Second, func(r loadReply) bool {
		if r.err != nil || r.id == "" {
			t.Errorf("submission during backup: %d %v", r.status, r.err)
			return false
		}
		mu.Lock()
		acked = append(acked, r.id)
		mu.Unlock()
		return !stop.Load()
	})
	// Let the load run, then back up in the middle of it.
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 50 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "intake-backup.db")
	start := time.Now()
	res := runInProcess(t, []string{"INTAKE_DB=" + dbPath, "USER=backup-tester"}, "backup", backup)
	took := time.Since(start)
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	stop.Store(true)
	wait()
	if res.code != 0 {
		t.Fatalf("backup: exit %d: %s", res.code, res.stderr)
	}
	t.Logf("backup took %v with %d intakes acknowledged while it ran; %s", took.Round(time.Millisecond), during, strings.TrimSpace(res.stdout))
	if !strings.Contains(res.stderr, "patient data") {
		t.Errorf("backup does not warn that the file holds patient data: %q", res.stderr)
	}

	st, err := os.Stat(backup)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %o, want 600", st.Mode().Perm())
	}
	ctx := context.Background()
	n, err := db.CheckFile(ctx, backup)
	if err != nil {
		t.Fatalf("backup fails its check: %v", err)
	}
	if n < len(before) {
		t.Fatalf("backup holds %d intakes, %d were acknowledged before it started", n, len(before))
	}

	live := openDB(t, dbPath)
	cp := openCopy(t, backup)
	for _, id := range before {
		got, err := cp.Intake(ctx, id)
		if err != nil {
			t.Fatalf("intake %s acknowledged before the backup is not in it: %v", id, err)
		}
		want, err := live.Intake(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got.Answers)
		w, _ := json.Marshal(want.Answers)
		if !bytes.Equal(g, w) {
			t.Fatalf("intake %s: answers in the backup differ from the live database", id)
		}
	}

	rows, _, err := live.Audit(ctx, db.AuditQuery{Action: db.ActionBackup})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Actor != cliActor(&cliEnv{getenv: func(string) string { return "backup-tester" }}) ||
		rows[0].Outcome != "ok" || rows[0].RowCount != int64(n) {
		t.Errorf("audit rows for the backup: %+v, want one ok row by the CLI user counting %d intakes", rows, n)
	}

	// Never overwrite: the second run fails and leaves the file as it was.
	first, _ := os.ReadFile(backup)
	res = runInProcess(t, []string{"INTAKE_DB=" + dbPath}, "backup", backup)
	if res.code != 1 || !strings.Contains(res.stderr, "already exists") {
		t.Errorf("backup onto an existing file: exit %d, %q", res.code, res.stderr)
	}
	if again, _ := os.ReadFile(backup); !bytes.Equal(first, again) {
		t.Error("an existing file was changed by a refused backup")
	}
}

// openCopy opens a copy of a backup file (opening the backup itself would add
// -wal and -shm files beside it).
func openCopy(t *testing.T, backup string) *db.DB {
	t.Helper()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return openDB(t, path)
}

func TestBackupRefusesAMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	res := runInProcess(t, []string{"INTAKE_DB=" + filepath.Join(dir, "nothing.db")}, "backup", filepath.Join(dir, "b.db"))
	if res.code != 1 || !strings.Contains(res.stderr, "no database at") {
		t.Errorf("exit %d, %q", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing.db")); err == nil {
		t.Error("backup created a database")
	}
	if res := runInProcess(t, nil, "backup"); res.code != 2 {
		t.Errorf("backup without FILE: exit %d, want 2", res.code)
	}
}

// A backup aimed at an existing directory says so and suggests a file in it,
// instead of "choose a new name".
func TestBackupIntoADirectory(t *testing.T) {
	dbPath := newDBPath(t)
	dir := t.TempDir()
	r := runInProcess(t, []string{"INTAKE_DB=" + dbPath}, "backup", dir)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "intake backup: "+dir+" is a directory: name a new file in it for the backup, e.g. "+dir+"/intake-") {
		t.Fatalf("backup into a directory: exit %d, %q", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the refused backup left %d files in the directory", len(entries))
	}
}

// Backup and restore count voided intakes apart, so that their numbers
// reconcile with an export, which leaves voided intakes out.
func TestBackupAndRestoreCountVoidedIntakes(t *testing.T) {
	s := seedCaseDB(t, "")
	n := len(s.intakes)
	last := s.intakes[n-1]
	s.update(t, func(tx *sql.Tx) error {
		return db.Void(tx, last.ID, "test", "duplicate", last.CreatedAt.Add(time.Hour))
	})
	env := []string{"INTAKE_DB=" + s.path}
	backup := filepath.Join(t.TempDir(), "backup.db")
	counted := fmt.Sprintf(": %d intakes (1 voided)", n)

	r := runInProcess(t, env, "backup", backup)
	if want := "Backup written to " + backup + counted + ", "; r.code != 0 || !strings.HasPrefix(r.stdout, want) {
		t.Errorf("backup: exit %d, stdout %q, want it to start %q", r.code, r.stdout, want)
	}
	exp := runInProcess(t, env, "export", "csv")
	if rows := readExportCSV(t, exp.out, true); exp.code != 0 || len(rows) != n-1 {
		t.Errorf("export: exit %d, %d rows, want %d", exp.code, len(rows), n-1)
	}
	r = runInProcess(t, []string{"INTAKE_DB=" + filepath.Join(t.TempDir(), "restored.db")}, "restore", backup)
	if want := "Restored " + backup + " into "; r.code != 0 || !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, counted+".\n") {
		t.Errorf("restore: exit %d, stdout %q, want %q…%q", r.code, r.stdout, want, counted+".")
	}
}
