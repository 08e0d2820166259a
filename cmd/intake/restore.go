package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/backintake/backintake/db"
)

// runRestore replaces the database with a backup file, for a stopped server
// (db.Restore): the backup is copied beside the database, the copy is checked,
// the database must not be open in any process (SQLite's exclusive lock is
// tried; the server and CLI commands hold locks that refuse it), the current
// file is kept aside with its -wal, stale -wal/-shm files are removed and the
// copy is renamed into place. The restored database is then opened (pending
// migrations applied) and checked, and one audit row (action "restore") is
// added to it.
func runRestore(ctx context.Context, env *cliEnv, args []string) error {
	var dbPath string
	fs := dbFlags(env, "restore", &dbPath)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore needs the backup FILE to restore")
	}
	src := pos[0]
	res, err := restoreOnce(ctx, src, dbPath)
	switch {
	case errors.Is(err, db.ErrInUse):
		return fmt.Errorf("%s is in use by another process: stop the server (and any running intake command) first; nothing was changed", dbPath)
	case errors.Is(err, db.ErrNotFound):
		return fmt.Errorf("there is no backup file at %s; nothing was changed", src)
	case errors.Is(err, db.ErrInvalid):
		return fmt.Errorf("%s is the database itself, not a backup of it; nothing was changed", src)
	case errors.Is(err, db.ErrExists):
		return fmt.Errorf("a file beside %s already has the name the replaced database would be kept under (%s.before-restore-<time>); nothing was changed", dbPath, filepath.Base(dbPath))
	case err != nil:
		if perr := backupProblem(ctx, src); perr != nil {
			return perr
		}
		return fmt.Errorf("nothing was changed: %w", err)
	}
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("restored, but the database cannot be opened: %w", err)
	}
	defer d.Close()
	if err := d.IntegrityCheck(ctx); err != nil {
		return fmt.Errorf("restored, but the database failed its check: %w", err)
	}
	if err := audit(ctx, env, d, db.AuditEntry{Action: db.ActionRestore, RowCount: int64(res.Intakes), Outcome: db.OutcomeOK}); err != nil {
		return fmt.Errorf("restored, but the audit row could not be written: %w", err)
	}
	active, err := d.Count(ctx, db.Filter{})
	if err != nil {
		return fmt.Errorf("restored, but the intakes cannot be counted: %w", err)
	}
	fmt.Fprintf(env.stdout, "Restored %s into %s: %s.\n", src, dbPath, intakeCount(res.Intakes, res.Intakes-active))
	if res.Aside != "" {
		fmt.Fprintf(env.stdout, "The replaced database is kept as %s (with its -wal file, if any): it holds intakes stored after the backup and patient data; delete it once nothing more is needed from it.\n", res.Aside)
	}
	return nil
}

// restoreOnce is db.Restore, tried again at the next whole second while the
// name the replaced database is kept under (".before-restore-<UTC time>", to
// the second) is taken: a second restore within the same second would
// otherwise fail. Waiting keeps the name the true time of the restore.
func restoreOnce(ctx context.Context, src, dbPath string) (db.Restored, error) {
	for try := 1; ; try++ {
		res, err := db.Restore(ctx, src, dbPath, time.Now())
		if !errors.Is(err, db.ErrExists) || try == 3 {
			return res, err
		}
		select {
		case <-time.After(time.Until(time.Now().Truncate(time.Second).Add(time.Second))):
		case <-ctx.Done():
			return res, err
		}
	}
}

// backupProblem returns why the backup at src fails db.CheckFile, naming src:
// db.Restore checks a temporary copy and its error names that copy. It
// returns nil if src passes, so the caller reports its own error.
func backupProblem(ctx context.Context, src string) error {
	_, err := db.CheckFile(ctx, src)
	if err == nil {
		return nil
	}
	// CheckFile's findings are sentences behind its package's prefixes.
	why := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "db: "), "check file: ")
	return fmt.Errorf("%s is not a usable backup: %s; nothing was changed", src, why)
}
