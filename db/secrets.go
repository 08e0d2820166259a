package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SecretSize is the length of generated secrets in bytes (256 bits).
const SecretSize = 32

// Secret returns the named server secret (e.g. the patient-form HMAC key),
// creating 32 random bytes on first use. It survives restarts and travels with
// backups. Returns an error wrapping ErrUnavailable if it cannot be read or stored.
func (d *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := d.write.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: db: read secret %s: %w", ErrUnavailable, name, err)
	}
	fresh := make([]byte, SecretSize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("db: generate secret: %w", err)
	}
	err = d.Update(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			name, fresh, ts(time.Now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	// Another process may have won the race: read what is stored.
	if err := d.write.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return nil, fmt.Errorf("%w: db: read secret %s: %w", ErrUnavailable, name, err)
	}
	return v, nil
}
