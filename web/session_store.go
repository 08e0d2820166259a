package web

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/backintake/backintake/db"
)

// sessionStorage is the fiber.Storage behind staff sessions (gofiber's SQLite
// storage is not available here): rows of db's sessions table, read from the
// read pool and written through the Writer like every other write of the
// server. Keys are stored as their SHA-256, so a copy of the database holds no
// live session id. Expiry uses the server's clock (Config.Now), which tests
// move forward.
type sessionStorage struct {
	db  *db.DB
	w   *db.Writer
	now func() time.Time
}

// storageTimeout bounds one storage call: fiber.Storage passes no context.
const storageTimeout = 10 * time.Second

func sessionRowKey(id string) string { return sha256Hex([]byte("staff-session|" + id)) }

// Get returns the session's data, or nil, nil when there is none or it expired.
func (s *sessionStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), storageTimeout)
	defer cancel()
	data, err := s.db.Session(ctx, sessionRowKey(key), s.now())
	if errors.Is(err, db.ErrNotFound) {
		return nil, nil
	}
	return data, err
}

// Set stores the session's data to expire exp from now (the idle limit: every
// authenticated request saves the session again); exp 0 never expires.
func (s *sessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	var at time.Time
	if exp > 0 {
		at = s.now().Add(exp)
	}
	return s.do(func(tx *sql.Tx) error { return db.SetSession(tx, sessionRowKey(key), val, at) })
}

// Delete removes one session; a missing one is not an error.
func (s *sessionStorage) Delete(key string) error {
	if key == "" {
		return nil
	}
	return s.do(func(tx *sql.Tx) error { return db.DeleteSession(tx, sessionRowKey(key)) })
}

// Reset removes every staff session.
func (s *sessionStorage) Reset() error { return s.do(db.ResetSessions) }

// Close does nothing: the database outlives the session store.
func (s *sessionStorage) Close() error { return nil }

func (s *sessionStorage) do(fn func(*sql.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), storageTimeout)
	defer cancel()
	return s.w.Do(ctx, fn)
}
