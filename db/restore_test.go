package db

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// backupOf fills a database with n intakes, backs it up and closes it.
func backupOf(t *testing.T, n int) (dbPath, backup string, ids []string) {
	t.Helper()
	ctx := context.Background()
	dbPath = filepath.Join(t.TempDir(), "data", "intake.db")
	d, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(d, WriterConfig{})
	for i := range n {
		ids = append(ids, submit(t, w, newIntake(t, "Ana", "Old", t0.Add(time.Duration(i)*time.Second)), result()).IntakeID)
	}
	backup = filepath.Join(t.TempDir(), "backup.db")
	if err := d.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	w.Close()
	d.Close()
	return dbPath, backup, ids
}

func TestCheckFile(t *testing.T) {
	ctx := context.Background()
	_, backup, _ := backupOf(t, 3)
	n, err := CheckFile(ctx, backup)
	if err != nil || n != 3 {
		t.Fatalf("CheckFile(backup) = %d, %v; want 3 intakes", n, err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(backup + suffix); err == nil {
			t.Errorf("CheckFile left a %s file beside the backup", suffix)
		}
	}

	dir := t.TempDir()
	if _, err := CheckFile(ctx, filepath.Join(dir, "missing.db")); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing file: %v, want ErrNotFound", err)
	}
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("this is not a database at all"), 0o600)
	if _, err := CheckFile(ctx, text); err == nil || !strings.Contains(err.Error(), "not an SQLite database") {
		t.Errorf("text file: %v", err)
	}
	other := filepath.Join(dir, "other.db")
	c, _ := sql.Open("sqlite3", other)
	_, err = c.Exec(`CREATE TABLE t (x)`)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckFile(ctx, other); err == nil || !strings.Contains(err.Error(), "not a backintake database") {
		t.Errorf("foreign SQLite file: %v", err)
	}

	// A file from a newer program (a migration this binary lacks) is refused.
	newer := filepath.Join(dir, "newer.db")
	copyFile(t, backup, newer)
	c, _ = sql.Open("sqlite3", newer)
	_, err = c.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckFile(ctx, newer); err == nil || !strings.Contains(err.Error(), "newer than this program") {
		t.Errorf("newer file: %v", err)
	}
}

func TestCheckFileFindsCorruption(t *testing.T) {
	ctx := context.Background()
	_, backup, _ := backupOf(t, 20)
	corruptIndex(t, backup)
	if _, err := CheckFile(ctx, backup); err == nil || !strings.Contains(err.Error(), "integrity_check") {
		t.Fatalf("CheckFile on a damaged file = %v, want an integrity_check error", err)
	}
}

// corruptIndex overwrites the cells of an index's root page on the intakes
// table: the table rows stay readable, integrity_check reports the index.
func corruptIndex(t *testing.T, path string) {
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
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Keep the 12-byte page header, scribble over the cell area at the end.
	junk := []byte(strings.Repeat("\xa5", size/2))
	if _, err := f.WriteAt(junk, int64(page-1)*int64(size)+int64(size/2)); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dbPath, backup, old := backupOf(t, 3)

	// An intake stored after the backup and still in the -wal: the files as
	// a killed server leaves them (copied while the database is open).
	d, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(d, WriterConfig{})
	newID := submit(t, w, newIntake(t, "Bo", "New", t0.Add(time.Hour)), result()).IntakeID
	dbPath = filepath.Join(t.TempDir(), "killed", "intake.db")
	os.Mkdir(filepath.Dir(dbPath), 0o700)
	copyFile(t, d.Path(), dbPath)
	copyFile(t, d.Path()+"-wal", dbPath+"-wal")
	copyFile(t, d.Path()+"-shm", dbPath+"-shm")
	w.Close()
	d.Close()
	if st, err := os.Stat(dbPath + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("no -wal to restore over: %v", err)
	}

	now := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	res, err := Restore(ctx, backup, dbPath, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Intakes != 3 || res.Aside != dbPath+".before-restore-20261103T080000Z" {
		t.Errorf("Restore = %+v", res)
	}
	st, err := os.Stat(dbPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("restored file: %v, mode %v", err, st.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), ".*.tmp"))
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(dbPath + suffix); err == nil {
			leftovers = append(leftovers, dbPath+suffix)
		}
	}
	if len(leftovers) > 0 {
		t.Errorf("temporary or stale files left: %v", leftovers)
	}

	d, err = Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, id := range old {
		if _, err := d.Intake(ctx, id); err != nil {
			t.Errorf("intake from the backup %s: %v", id, err)
		}
	}
	if _, err := d.Intake(ctx, newID); !errors.Is(err, ErrNotFound) {
		t.Errorf("intake stored after the backup: %v, want ErrNotFound", err)
	}
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}

	// The replaced database is kept, with the intake stored after the backup.
	kept, err := Open(ctx, res.Aside)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	if _, err := kept.Intake(ctx, newID); err != nil {
		t.Errorf("kept copy lacks the newer intake: %v", err)
	}
}

func TestRestoreRefusesWhileInUse(t *testing.T) {
	ctx := context.Background()
	dbPath, backup, _ := backupOf(t, 2)
	d, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(dbPath)
	start := time.Now()
	_, err = Restore(ctx, backup, dbPath, t0)
	took := time.Since(start)
	d.Close()
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("Restore beside an open database: %v, want ErrInUse", err)
	}
	t.Logf("refused after %v", took.Round(time.Millisecond))
	after, _ := os.ReadFile(dbPath)
	if string(before) != string(after) {
		t.Error("database file changed by a refused restore")
	}
	matches, _ := filepath.Glob(dbPath + ".*")
	tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), ".*"))
	if len(matches)+len(tmps) > 0 {
		t.Errorf("refused restore left files: %v %v", matches, tmps)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	ctx := context.Background()
	dbPath, backup, _ := backupOf(t, 20)
	before, _ := os.ReadFile(dbPath)
	if _, err := Restore(ctx, filepath.Join(t.TempDir(), "none.db"), dbPath, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing backup: %v", err)
	}
	if _, err := Restore(ctx, dbPath, dbPath, t0); !errors.Is(err, ErrInvalid) {
		t.Errorf("restore onto itself: %v", err)
	}
	corruptIndex(t, backup)
	if _, err := Restore(ctx, backup, dbPath, t0); err == nil || !strings.Contains(err.Error(), "failed its check") {
		t.Errorf("damaged backup: %v", err)
	}
	after, _ := os.ReadFile(dbPath)
	if string(before) != string(after) {
		t.Error("database changed by a refused restore")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), "*"))
	hidden, _ := filepath.Glob(filepath.Join(filepath.Dir(dbPath), ".*"))
	if len(leftovers) != 1 || len(hidden) != 0 {
		t.Errorf("files after refused restores: %v %v", leftovers, hidden)
	}
}

func TestRestoreIntoNewFolder(t *testing.T) {
	ctx := context.Background()
	_, backup, ids := backupOf(t, 2)
	dbPath := filepath.Join(t.TempDir(), "fresh", "intake.db")
	res, err := Restore(ctx, backup, dbPath, t0)
	if err != nil || res.Aside != "" || res.Intakes != 2 {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	st, err := os.Stat(filepath.Dir(dbPath))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("new folder: %v %v", err, st.Mode())
	}
	d, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Intake(ctx, ids[0]); err != nil {
		t.Error(err)
	}
}

func TestRestoreOverUnreadableFile(t *testing.T) {
	// A database whose first page is destroyed cannot be open in a server;
	// restore replaces it and keeps the damaged file aside.
	ctx := context.Background()
	_, backup, _ := backupOf(t, 2)
	dbPath := filepath.Join(t.TempDir(), "intake.db")
	os.WriteFile(dbPath, []byte(strings.Repeat("\x00damaged", 1024)), 0o600)
	res, err := Restore(ctx, backup, dbPath, t0)
	if err != nil || res.Intakes != 2 {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	if b, _ := os.ReadFile(res.Aside); !strings.HasPrefix(string(b), "\x00damaged") {
		t.Error("damaged file not kept aside")
	}
	if _, err := CheckFile(ctx, dbPath); err != nil {
		t.Error(err)
	}
}
