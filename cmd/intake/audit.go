package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/user"
	"time"

	"github.com/backintake/backintake/db"
)

// cliActor names the person running a CLI command in the audit log:
// "cli:<os user>", from the operating system's account database, else $USER,
// else "cli:unknown".
func cliActor(env *cliEnv) string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if name := env.getenv("USER"); name != "" {
		return "cli:" + name
	}
	return "cli:unknown"
}

// audit appends one audit row in its own short write transaction (BEGIN
// IMMEDIATE; busy_timeout covers a running server's writer). At and Actor are
// filled in when empty. The row is written even after ctx is cancelled
// (Ctrl-C): an interrupted export still records how it ended.
func audit(ctx context.Context, env *cliEnv, d *db.DB, e db.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if e.Actor == "" {
		e.Actor = cliActor(env)
	}
	return d.Update(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		_, err := db.AppendAudit(tx, e)
		return err
	})
}

// notFound is the error for an unknown intake id; it repeats the id only when
// it is id-shaped (see db.AuditIntakeID).
func notFound(id string) error {
	if db.AuditIntakeID(id) == "" {
		return errors.New("no intake with that id (ids are letters, digits and '-')")
	}
	return fmt.Errorf("no intake with id %q", id)
}
