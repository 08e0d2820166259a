package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// IntegrityCheck runs PRAGMA integrity_check and PRAGMA foreign_key_check and
// returns an error describing the first problem and how many there are, or nil.
// Messages name tables and row ids, never values.
func (d *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := d.read.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("db: integrity_check: %w", classify(err))
	}
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return fmt.Errorf("db: integrity_check: %w", err)
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: integrity_check: %w", classify(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("db: integrity_check found %d problem(s), first: %s", len(problems), problems[0])
	}

	rows, err = d.read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("db: foreign_key_check: %w", classify(err))
	}
	defer rows.Close()
	n, first := 0, ""
	for rows.Next() {
		var table, parent string
		var rowid, fkid any
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("db: foreign_key_check: %w", err)
		}
		if n == 0 {
			first = fmt.Sprintf("%s row %v has no %s", table, rowid, parent)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: foreign_key_check: %w", classify(err))
	}
	if n > 0 {
		return fmt.Errorf("db: foreign_key_check found %d problem(s), first: %s", n, first)
	}
	return nil
}

// Backup writes a consistent copy of the database to path with VACUUM INTO,
// while the server keeps writing (it reads one snapshot). The file is created
// 0600 before SQLite writes to it and must not exist: Backup never overwrites
// and returns an error wrapping ErrExists instead. The copy holds PHI.
func (d *DB) Backup(ctx context.Context, path string) error {
	// O_EXCL: refuse an existing file atomically; VACUUM INTO accepts an empty one.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: backup file", ErrExists)
	}
	if err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	f.Close()
	if err := os.Chmod(path, 0o600); err != nil {
		os.Remove(path)
		return fmt.Errorf("db: backup: %w", err)
	}
	if _, err := d.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("db: backup: %w", classify(err))
	}
	// VACUUM INTO does not sync its output; a backup must survive a power cut.
	if err := syncFile(path); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return syncFile(filepath.Dir(path))
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
