package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session storage for staff sessions, the five operations of a fiber.Storage
// (the web package adapts them; the server runs the writes through Writer.Do).

// Session returns the data of session id. Returns ErrNotFound if there is none
// or it expired at or before now.
func (d *DB) Session(ctx context.Context, id string, now time.Time) ([]byte, error) {
	var data []byte
	err := d.read.QueryRowContext(ctx, `SELECT data FROM sessions WHERE id = ? AND (expires_at IS NULL OR expires_at > ?)`,
		id, ts(now)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: session", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("db: read session: %w", classify(err))
	}
	return data, nil
}

// SetSession stores data for session id, replacing any earlier data; a zero
// expiresAt never expires.
func SetSession(tx *sql.Tx, id string, data []byte, expiresAt time.Time) error {
	if id == "" {
		return fmt.Errorf("%w: empty session id", ErrInvalid)
	}
	if data == nil {
		data = []byte{}
	}
	_, err := tx.Exec(`INSERT INTO sessions (id, data, expires_at) VALUES (?,?,?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
		id, data, nullTS(expiresAt))
	if err != nil {
		return fmt.Errorf("db: set session: %w", err)
	}
	return nil
}

// DeleteSession removes session id; a missing session is not an error.
func DeleteSession(tx *sql.Tx, id string) error {
	if _, err := tx.Exec(`DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("db: delete session: %w", err)
	}
	return nil
}

// ResetSessions removes every session (everyone is logged out).
func ResetSessions(tx *sql.Tx) error {
	if _, err := tx.Exec(`DELETE FROM sessions`); err != nil {
		return fmt.Errorf("db: reset sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many.
func DeleteExpiredSessions(tx *sql.Tx, now time.Time) (int64, error) {
	res, err := tx.Exec(`DELETE FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= ?`, ts(now))
	if err != nil {
		return 0, fmt.Errorf("db: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
