package db

import (
	"errors"
	"fmt"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Errors returned by this package; test with errors.Is.
var (
	// ErrNotFound: no row with that id, token or email.
	ErrNotFound = errors.New("db: not found")
	// ErrUnavailable: the database could not store or read now (disk full, I/O
	// error, lock timeout); nothing of the failed transaction was stored and a
	// retry may succeed. The web layer answers 503 with Retry-After.
	ErrUnavailable = errors.New("db: unavailable")
	// ErrClosed: the Writer was closed.
	ErrClosed = errors.New("db: writer closed")
	// ErrIdempotencyConflict: an idempotency key (or form submission token) came
	// back within 24 h with a different body; see ConflictError.
	ErrIdempotencyConflict = errors.New("db: idempotency key reused with a different body")
	// ErrExists: a unique name (API token name, user email) is already taken.
	ErrExists = errors.New("db: already exists")
	// ErrInvalid: an argument is missing or malformed (empty id, zero time).
	ErrInvalid = errors.New("db: invalid argument")
)

// ConflictError is returned for ErrIdempotencyConflict; CreatedAt is when the
// first submission with that key was stored (UTC), for "already sent at HH:MM".
type ConflictError struct {
	IntakeID  string
	CreatedAt time.Time
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%v (first intake %s)", ErrIdempotencyConflict, e.IntakeID)
}

// Unwrap makes errors.Is(err, ErrIdempotencyConflict) hold.
func (e *ConflictError) Unwrap() error { return ErrIdempotencyConflict }

// classify wraps err with ErrUnavailable when SQLite reports a condition that
// a later retry can cure (full disk, I/O error, lock timeout, out of memory).
func classify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrBusy, sqlite3.ErrLocked,
			sqlite3.ErrNomem, sqlite3.ErrCantOpen, sqlite3.ErrReadonly, sqlite3.ErrProtocol:
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return err
}

// isUnique reports a UNIQUE or PRIMARY KEY constraint failure.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && (se.ExtendedCode == sqlite3.ErrConstraintUnique ||
		se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey)
}
