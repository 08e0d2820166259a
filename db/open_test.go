package db

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestPragmasOnEveryConnection(t *testing.T) {
	d := openTest(t)
	// Keep the writer busy-free but alive, as in the server.
	newWriter(t, d, WriterConfig{})
	report, err := d.PragmaReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, p := range report {
		roles[p.Role]++
		if p.JournalMode != "wal" || p.Synchronous != 2 || p.ForeignKeys != 1 || p.BusyTimeout != 5000 {
			t.Errorf("%s connection: %+v, want wal, synchronous 2, foreign_keys 1, busy_timeout 5000", p.Role, p)
		}
	}
	if roles["write"] != 1 || roles["read"] != ReadConns {
		t.Errorf("connections checked: %v, want 1 write and %d read", roles, ReadConns)
	}
}

func TestReadPoolCannotWrite(t *testing.T) {
	d := openTest(t)
	_, err := d.read.Exec(`INSERT INTO sessions (id, data) VALUES ('x', x'00')`)
	if err == nil {
		t.Fatal("insert through the read pool succeeded")
	}
}

func TestFileModes(t *testing.T) {
	old := setUmask(0)
	defer setUmask(old)
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	submit(t, w, newIntake(t, "Ana", "Modes", t0), result())

	for path, want := range map[string]os.FileMode{
		filepath.Dir(d.Path()): 0o700,
		d.Path():               0o600,
		d.Path() + "-wal":      0o600,
		d.Path() + "-shm":      0o600,
	} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(path), got, want)
		}
	}
}

func TestOpenTightensExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %o, want 600", st.Mode().Perm())
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	ctx := context.Background()
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	w := NewWriter(d, WriterConfig{})
	in := newIntake(t, "Ana", "Reopen", t0)
	submit(t, w, in, result())
	w.Close()
	d.Close()

	d, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Intake(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	var versions int
	d.read.QueryRow(`SELECT count(*) FROM goose_db_version WHERE version_id > 0`).Scan(&versions)
	if versions != len(migrationFiles(t)) {
		t.Errorf("%d applied migrations, want %d", versions, len(migrationFiles(t)))
	}
}
