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
	"time"

	"github.com/mattn/go-sqlite3"
)

// ErrInUse: the database file is open in another process (the server, or a
// CLI command beside it), so it may not be replaced.
var ErrInUse = errors.New("db: database in use by another process")

// Restored describes a finished Restore.
type Restored struct {
	Intakes int    // intakes in the restored database
	Aside   string // where the replaced database was kept; "" if there was none
}

// Restore replaces the database file at path with a copy of the backup file at
// src, for a stopped server. In order:
//
//  1. src is copied to a temporary file beside path (0600, fsync) and the copy
//     is checked with CheckFile, so what is checked is what is put in place.
//  2. The database at path must be unused: Restore takes SQLite's own
//     exclusive lock (locking_mode=EXCLUSIVE, BEGIN EXCLUSIVE, no busy wait).
//     Every process with the file open (the server, a running CLI command)
//     holds a lock that refuses it, so Restore returns ErrInUse and changes
//     nothing. The lock is released before the swap: a process that opens
//     the file in the milliseconds between is not detected.
//  3. The current file and its -wal (and a stray -journal) are kept, as hard
//     links, at path+".before-restore-<UTC time>" (+ the same suffixes), so
//     the intakes stored since the backup are not lost; the caller should
//     tell the operator. The stale -wal, -journal and -shm files are removed:
//     an old -wal applied to the restored file would corrupt it.
//  4. The copy is renamed over path (atomic) and the folder is synced.
//
// A crash at any point leaves either the old or the restored file at path,
// never a mix. The folder is created 0700 if missing. now names the kept
// copy. Returns an error wrapping ErrNotFound if src does not exist,
// ErrInUse as above, ErrExists if the kept copy's name is taken, or the
// failed check's error.
func Restore(ctx context.Context, src, path string, now time.Time) (Restored, error) {
	src, err := filepath.Abs(src)
	if err != nil {
		return Restored{}, fmt.Errorf("db: restore: %w", err)
	}
	path, err = filepath.Abs(path)
	if err != nil {
		return Restored{}, fmt.Errorf("db: restore: %w", err)
	}
	srcInfo, err := os.Stat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return Restored{}, fmt.Errorf("%w: db: restore: no backup file at %s", ErrNotFound, src)
	}
	if err != nil {
		return Restored{}, fmt.Errorf("db: restore: %w", err)
	}
	cur, err := os.Stat(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Restored{}, fmt.Errorf("db: restore: %w", err)
	}
	if exists && os.SameFile(srcInfo, cur) {
		return Restored{}, fmt.Errorf("%w: db: restore: the backup is the database itself", ErrInvalid)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Restored{}, fmt.Errorf("db: restore: create folder: %w", err)
	}

	tmp, err := copyToTemp(src, dir, filepath.Base(path))
	if err != nil {
		return Restored{}, err
	}
	placed := false
	defer func() {
		if !placed {
			os.Remove(tmp)
		}
	}()
	n, err := CheckFile(ctx, tmp)
	if err != nil {
		return Restored{}, fmt.Errorf("db: restore: the backup failed its check: %w", err)
	}

	var out Restored
	out.Intakes = n
	if exists {
		if err := checkUnused(ctx, path); err != nil {
			return Restored{}, err
		}
		out.Aside = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		if err := keepAside(path, out.Aside); err != nil {
			return Restored{}, err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return Restored{}, fmt.Errorf("db: restore: put the copy in place: %w", err)
	}
	placed = true
	if err := syncFile(dir); err != nil {
		return out, fmt.Errorf("db: restore: sync folder: %w", err)
	}
	return out, nil
}

// copyToTemp copies src to a new 0600 file in dir and syncs it.
func copyToTemp(src, dir, base string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", fmt.Errorf("db: restore: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, "."+base+".restore-*.tmp") // created 0600
	if err != nil {
		return "", fmt.Errorf("db: restore: %w", err)
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", fmt.Errorf("db: restore: copy the backup: %w", err)
	}
	return out.Name(), nil
}

// checkUnused returns ErrInUse if another process has the database open. A
// file SQLite cannot read as a database (a damaged page 1) cannot be in use
// by a server either, so it passes.
func checkUnused(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+
		"?mode=rw&_locking_mode=EXCLUSIVE&_busy_timeout=0")
	if err != nil {
		return fmt.Errorf("db: restore: %w", err)
	}
	defer c.Close()
	conn, err := c.Conn(ctx)
	if err == nil {
		defer conn.Close()
		_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrBusy, sqlite3.ErrLocked:
			return ErrInUse
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return nil
		}
	}
	return fmt.Errorf("db: restore: check that the database is unused: %w", err)
}

// keepAside hard-links the database and its -wal and -journal files to aside
// (same suffixes), then removes the -wal, -journal and -shm files at path.
func keepAside(path, aside string) error {
	for _, suffix := range []string{"", "-wal", "-journal"} {
		err := os.Link(path+suffix, aside+suffix)
		switch {
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%w: db: restore: %s", ErrExists, aside+suffix)
		case errors.Is(err, fs.ErrNotExist) && suffix != "":
		case err != nil:
			return fmt.Errorf("db: restore: keep the current database: %w", err)
		}
	}
	for _, suffix := range []string{"-wal", "-journal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("db: restore: remove stale %s file: %w", suffix, err)
		}
	}
	return nil
}
