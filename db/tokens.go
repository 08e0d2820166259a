package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// APIToken is a named API token; only the SHA-256 of its secret is stored.
type APIToken struct {
	Name      string
	CreatedAt time.Time // UTC
	RevokedAt time.Time // zero while active
}

// tokenHash is the stored form of a token secret: hex SHA-256. A plain hash is
// enough because the secrets are long random strings, not passwords.
func tokenHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// AddToken stores a new API token called name whose secret is secret (the
// caller generates it and shows it once). Returns ErrExists if the name, or
// the secret, is already taken (a revoked token keeps its name).
func AddToken(tx *sql.Tx, name, secret string, at time.Time) error {
	if name == "" || len(secret) < 16 || at.IsZero() {
		return fmt.Errorf("%w: token needs a name, a secret of 16+ characters and a time", ErrInvalid)
	}
	_, err := tx.Exec(`INSERT INTO api_tokens (name, hash, created_at) VALUES (?,?,?)`, name, tokenHash(secret), ts(at))
	if isUnique(err) {
		return fmt.Errorf("%w: token %q", ErrExists, name)
	}
	if err != nil {
		return fmt.Errorf("db: add token: %w", err)
	}
	return nil
}

// RevokeToken marks token name revoked at at; revoking a revoked token changes
// nothing. Returns ErrNotFound if no token has that name.
func RevokeToken(tx *sql.Tx, name string, at time.Time) error {
	var one int
	err := tx.QueryRow(`SELECT 1 FROM api_tokens WHERE name = ?`, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: token %q", ErrNotFound, name)
	}
	if err != nil {
		return fmt.Errorf("db: revoke token: %w", err)
	}
	if _, err := tx.Exec(`UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`, ts(at), name); err != nil {
		return fmt.Errorf("db: revoke token: %w", err)
	}
	return nil
}

// Tokens lists every API token, active and revoked, by name.
func (d *DB) Tokens(ctx context.Context) ([]APIToken, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT name, created_at, revoked_at FROM api_tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("db: list tokens: %w", classify(err))
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var created string
		var revoked sql.NullString
		if err := rows.Scan(&t.Name, &created, &revoked); err != nil {
			return nil, fmt.Errorf("db: list tokens: %w", err)
		}
		if t.CreatedAt, err = parseTS(created); err != nil {
			return nil, err
		}
		if t.RevokedAt, err = parseNullTS(revoked); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: list tokens: %w", classify(err))
	}
	return out, nil
}

// TokenName returns the name of the active token whose secret is secret (for
// Authorization: Bearer). Returns ErrNotFound for an unknown or revoked secret.
func (d *DB) TokenName(ctx context.Context, secret string) (string, error) {
	var name string
	err := d.read.QueryRowContext(ctx, `SELECT name FROM api_tokens WHERE hash = ? AND revoked_at IS NULL`,
		tokenHash(secret)).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: token", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("db: look up token: %w", classify(err))
	}
	return name, nil
}
