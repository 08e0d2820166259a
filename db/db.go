// Package db is the SQLite storage of backintake: opening the database with the
// durability pragmas, embedded migrations, the group-commit Writer, intakes and
// their screening results, receipts, idempotency keys, API tokens, staff users,
// sessions, the append-only audit log, streaming reads, integrity checks and
// backups.
//
// Every connection runs with journal_mode=WAL, synchronous=FULL (so a commit is
// on disk before it returns), foreign_keys=ON and a 5 s busy timeout; a
// connection that comes up otherwise is refused. A DB holds two handles: one
// write connection (the process's only one, BEGIN IMMEDIATE) and a read-only
// pool. Errors name operations and ids, never names, birth dates or answers.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"
)

// ReadConns is the size of the read-only connection pool.
const ReadConns = 4

// BusyTimeout is how long a connection waits for another process's write lock
// (a CLI command beside the server) before failing with SQLITE_BUSY.
const BusyTimeout = 5 * time.Second

// DB is an open database: one write connection and a read-only pool.
type DB struct {
	path  string
	write *sql.DB // SetMaxOpenConns(1): the process's only write connection
	read  *sql.DB // mode=ro pool for every read
}

// Open opens (creating if needed) the database file at path and applies the
// pending migrations. A new folder is created 0700; the file is created 0600
// and set to 0600 on every open, and SQLite gives its -wal and -shm files the
// same mode. Returns an error wrapping ErrUnavailable if the file cannot be
// opened or a connection lacks WAL, synchronous=FULL or foreign keys.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, err
	}
	d := &DB{path: abs}
	base := "file:" + (&url.URL{Path: abs}).EscapedPath()
	pragmas := fmt.Sprintf("_synchronous=FULL&_foreign_keys=1&_busy_timeout=%d", BusyTimeout.Milliseconds())

	// The write handle opens first: its _journal_mode=WAL converts a new file,
	// which the read-only connections cannot do.
	d.write = sql.OpenDB(connector{dsn: base + "?mode=rw&_journal_mode=WAL&_txlock=immediate&" + pragmas})
	d.write.SetMaxOpenConns(1)
	d.write.SetMaxIdleConns(1)
	d.write.SetConnMaxLifetime(0)
	d.write.SetConnMaxIdleTime(0)
	if err := d.write.PingContext(ctx); err != nil {
		d.write.Close()
		return nil, fmt.Errorf("%w: db: open write connection: %w", ErrUnavailable, err)
	}
	if err := migrate(ctx, d.write); err != nil {
		d.write.Close()
		return nil, err
	}

	d.read = sql.OpenDB(connector{dsn: base + "?mode=ro&" + pragmas})
	d.read.SetMaxOpenConns(ReadConns)
	d.read.SetMaxIdleConns(ReadConns)
	if err := d.read.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("%w: db: open read connection: %w", ErrUnavailable, err)
	}
	return d, nil
}

// prepareFile creates the folder (0700) and the file (0600) before SQLite does,
// so their modes never depend on the umask.
func prepareFile(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("db: create folder: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("db: chmod folder: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("db: create file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("db: create file: %w", err)
	}
	// SQLite creates -wal and -shm with the database file's mode.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("db: chmod file: %w", err)
	}
	return nil
}

// Path returns the absolute path of the database file.
func (d *DB) Path() string { return d.path }

// Close closes both handles. Close a Writer first.
func (d *DB) Close() error {
	var errs []error
	if d.read != nil {
		errs = append(errs, d.read.Close())
	}
	if d.write != nil {
		errs = append(errs, d.write.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a read (for GET /healthz).
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("%w: db: ping: %w", ErrUnavailable, err)
	}
	return nil
}

// connector opens go-sqlite3 connections for one DSN and checks each new
// connection's pragmas before database/sql may use it.
type connector struct{ dsn string }

var checkedDriver = &sqlite3.SQLiteDriver{ConnectHook: checkPragmas}

func (c connector) Connect(context.Context) (driver.Conn, error) { return checkedDriver.Open(c.dsn) }

func (c connector) Driver() driver.Driver { return checkedDriver }

// checkPragmas refuses a connection that would not give the promised
// durability: go-sqlite3 silently runs WAL with synchronous=NORMAL unless told.
func checkPragmas(c *sqlite3.SQLiteConn) error {
	p, err := readPragmas(func(q string) (string, error) {
		rows, err := c.Query(q, nil)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		v := make([]driver.Value, 1)
		if err := rows.Next(v); err != nil {
			return "", err
		}
		if b, ok := v[0].([]byte); ok {
			return string(b), nil
		}
		return fmt.Sprint(v[0]), nil
	})
	if err != nil {
		return err
	}
	if p.JournalMode != "wal" || p.Synchronous != 2 || p.ForeignKeys != 1 {
		return fmt.Errorf("db: connection pragmas journal_mode=%s synchronous=%d foreign_keys=%d, want wal, 2, 1",
			p.JournalMode, p.Synchronous, p.ForeignKeys)
	}
	return nil
}
