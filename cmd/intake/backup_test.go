package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/cases"
)

// postCase posts one case to the API and returns the new id, or "" and the
// status when the reply is not a 201.
func postCase(client *http.Client, base string, c cases.Case) (id string, status int, err error) {
	resp, err := client.Post(base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
	if err != nil {
		return "", 0, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", resp.StatusCode, nil
	}
	var out struct{ ID string }
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
		return "", resp.StatusCode, err
	}
	return out.ID, resp.StatusCode, nil
}

// TestBackupDuringLoad: `intake backup` runs while the real server takes
// concurrent submissions. The copy is 0600, passes integrity_check, holds
// every intake acknowledged before the backup started, each with the same
// answers as the live database, and the backup is audited in the live
// database. A second backup onto the same file is refused.
func TestBackupDuringLoad(t *testing.T) {
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000/min")

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, status, err := postCase(client, srv.Base, all[(w+i)%len(all)])
				if err != nil || id == "" {
					t.Errorf("submission during backup: %d %v", status, err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
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
	close(stop)
	wg.Wait()
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

	live, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
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

	rows, _, err := live.Audit(ctx, db.AuditQuery{Action: actionBackup})
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
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
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
