package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Update runs fn in one short write transaction (BEGIN IMMEDIATE) and commits
// it. It is for CLI commands, which run in their own process beside the
// server (busy_timeout covers the wait for the server's write lock); inside
// the server use Writer.Do. Returns fn's error (nothing stored), or an error
// wrapping ErrUnavailable if the transaction could not begin or commit.
func (d *DB) Update(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%w: db: begin: %w", ErrUnavailable, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classify(err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: db: commit: %w", ErrUnavailable, err)
	}
	return nil
}

// batch is Update for the Writer: a context that is never cancelled, because a
// started batch always runs to its COMMIT or ROLLBACK.
func (d *DB) batch(fn func(*sql.Tx) error) error {
	return d.Update(context.Background(), fn)
}
