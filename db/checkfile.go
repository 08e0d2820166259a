package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CheckFile checks a database file that no process writes, such as a backup:
// it must be an SQLite file, pass PRAGMA integrity_check and foreign_key_check,
// hold backintake's tables, and be at a migration version this binary knows.
// The file is opened read-only and immutable, so no -wal or -shm file is
// created beside it and a -wal file beside it is ignored (a backup is one
// self-contained file). It returns the number of intakes in the file, or an
// error naming the first problem (tables and row ids, never values): one
// wrapping ErrNotFound if there is no file at path.
func CheckFile(ctx context.Context, path string) (intakes int, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, fmt.Errorf("db: check file: %w", err)
	}
	if err := isSQLiteFile(abs); err != nil {
		return 0, err
	}
	ro, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return 0, fmt.Errorf("db: check file: %w", err)
	}
	defer ro.Close()
	d := &DB{path: abs, read: ro}
	if err := d.IntegrityCheck(ctx); err != nil {
		return 0, err
	}
	var version sql.NullInt64
	if err := ro.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&version); err != nil {
		return 0, fmt.Errorf("db: check file: not a backintake database (no migration table): %w", err)
	}
	latest, err := latestMigration()
	if err != nil {
		return 0, err
	}
	if version.Int64 > latest {
		return 0, fmt.Errorf("db: check file: the file is at migration %d, newer than this program's %d: use a newer intake binary",
			version.Int64, latest)
	}
	if err := ro.QueryRowContext(ctx, `SELECT count(*) FROM intakes`).Scan(&intakes); err != nil {
		return 0, fmt.Errorf("db: check file: not a backintake database (no intakes table): %w", err)
	}
	return intakes, nil
}

// isSQLiteFile checks that path is a regular file starting with SQLite's header.
func isSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: db: no file at %s", ErrNotFound, path)
	}
	if err != nil {
		return fmt.Errorf("db: check file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("db: check file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("db: check file: %s is not a regular file", path)
	}
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("db: check file: %s is not an SQLite database", path)
	}
	return nil
}

// latestMigration is the highest version among the embedded migration files.
func latestMigration() (int64, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, fmt.Errorf("db: migrations: %w", err)
	}
	var latest int64
	for _, n := range names {
		num, _, _ := strings.Cut(filepath.Base(n), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("db: migration file %s has no version number", n)
		}
		latest = max(latest, v)
	}
	return latest, nil
}
