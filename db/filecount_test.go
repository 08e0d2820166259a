package db

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFileIntakeCounts(t *testing.T) {
	ctx := context.Background()
	dbPath, _, ids := backupOf(t, 4)
	d, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return Void(tx, ids[1], "1", "duplicate", t0.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "voided.db")
	if err := d.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	d.Close()
	all, voided, err := FileIntakeCounts(ctx, backup)
	if err != nil || all != 4 || voided != 1 {
		t.Fatalf("FileIntakeCounts = %d, %d, %v; want 4 intakes, 1 voided", all, voided, err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(backup + suffix); err == nil {
			t.Errorf("FileIntakeCounts left a %s file beside the backup", suffix)
		}
	}
	if _, _, err := FileIntakeCounts(ctx, filepath.Join(t.TempDir(), "missing.db")); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing file: %v, want ErrNotFound", err)
	}
}
