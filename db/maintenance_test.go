package db

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestBackup(t *testing.T) {
	ctx := context.Background()
	old := setUmask(0)
	defer setUmask(old)
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	for i := range 10 {
		submit(t, w, newIntake(t, "Ana", "Backup", t0.Add(time.Duration(i)*time.Second)), result())
	}

	// Back up while writes go on.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				in := newIntake(t, "Ana", "During", t0)
				if _, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result()}); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	err := d.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %o, want 600", st.Mode().Perm())
	}

	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	n, err := b.Count(ctx, Filter{})
	if err != nil || n < 10 {
		t.Errorf("backup holds %d intakes, %v; want at least 10", n, err)
	}

	// Never overwrite.
	before, _ := os.ReadFile(path)
	if err := d.Backup(ctx, path); !errors.Is(err, ErrExists) {
		t.Errorf("backup onto an existing file: %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("existing backup file was changed")
	}
}

func TestIntegrityCheckFindsOrphans(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	// Plant an orphan with foreign keys off, as a damaged file might hold.
	c, err := d.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ExecContext(ctx, `PRAGMA foreign_keys = OFF; INSERT INTO receipts (token, intake_id, created_at) VALUES ('t', 'gone', ''); PRAGMA foreign_keys = ON`)
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = d.IntegrityCheck(ctx)
	if err == nil || !containsAny(err.Error(), "foreign_key_check", "receipts") {
		t.Errorf("IntegrityCheck = %v, want a foreign key problem in receipts", err)
	}
}

// setUmask sets the process umask and returns the old one, so tests can prove
// modes do not depend on it.
func setUmask(m int) int { return syscall.Umask(m) }
