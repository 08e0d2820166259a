package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// migrations holds the numbered schema files, applied in order at Open.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies pending migrations with goose v3's Provider on the embedded
// files (version table goose_db_version). Goose was chosen over a
// PRAGMA user_version runner because it records each applied version with a
// timestamp, runs every SQL file in its own transaction on one *sql.Conn (so it
// works with the single write connection) and needs no global state. Two
// processes migrating a new file at once can race between goose's version
// read and its BEGIN IMMEDIATE; the loser fails on "already exists", so Up
// runs once more and then finds nothing pending.
func migrate(ctx context.Context, write *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, write, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	if _, err = p.Up(ctx); err != nil {
		if _, err = p.Up(ctx); err != nil {
			return fmt.Errorf("db: migrate: %w", classify(err))
		}
	}
	return nil
}
