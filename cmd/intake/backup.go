package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/backintake/backintake/db"
)

// runBackup writes a consistent copy of the database to FILE while the server
// may keep running and writing (db.Backup: VACUUM INTO reads one snapshot).
// The file is created 0600, never overwrites an existing one and is checked
// (integrity_check, foreign_key_check, schema) before the command reports
// success; a copy that fails its check is removed. One audit row (action
// "backup", actor cli:<os user>, the intake count, outcome) goes into the
// live database; if that row cannot be written the copy is removed too, so
// no unaudited copy of patient data is left.
func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	var dbPath string
	fs := dbFlags(env, "backup", &dbPath)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup needs one FILE to write")
	}
	dest := pos[0]
	if err := existingDB(dbPath); err != nil {
		return err
	}
	d, err := openExisting(ctx, dbPath)
	if err != nil {
		return err
	}
	defer d.Close()

	start := time.Now()
	err = d.Backup(ctx, dest)
	if errors.Is(err, db.ErrExists) {
		if st, serr := os.Stat(dest); serr == nil && st.IsDir() {
			return fmt.Errorf("%s is a directory: name a new file in it for the backup, e.g. %s", dest,
				filepath.Join(dest, "intake-"+start.Format("2006-01-02")+".db"))
		}
		return fmt.Errorf("%s already exists: a backup never overwrites a file, choose a new name", dest)
	}
	n, voided := 0, 0
	if err == nil {
		if n, err = db.CheckFile(ctx, dest); err != nil {
			os.Remove(dest)
			err = fmt.Errorf("the copy failed its check and was removed: %w", err)
		}
	}
	if err == nil {
		if _, voided, err = db.FileIntakeCounts(ctx, dest); err != nil {
			os.Remove(dest)
		}
	}
	outcome := db.OutcomeOK
	if err != nil {
		outcome = db.OutcomeError
	}
	aerr := audit(ctx, env, d, db.AuditEntry{Action: db.ActionBackup, RowCount: int64(n), Outcome: outcome})
	if err != nil {
		return err
	}
	if aerr != nil {
		os.Remove(dest)
		return fmt.Errorf("the audit row could not be written, so the backup was removed: %w", aerr)
	}
	size := int64(0)
	if st, err := os.Stat(dest); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(env.stdout, "Backup written to %s: %s, %.1f MB, mode 0600, checked, in %v.\n",
		dest, intakeCount(n, voided), float64(size)/1e6, time.Since(start).Round(time.Millisecond))
	fmt.Fprintln(env.stderr, "The backup holds patient data (PHI): keep it encrypted and readable only by the people who may restore it.")
	return nil
}

// existingDB refuses a database path with no file: db.Open would create an
// empty database there, and a backup or restore of it is a mistake.
func existingDB(path string) error {
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no database at %s (set INTAKE_DB or --db)", path)
	}
	return err
}

// intakeCount says how many intakes a database holds and, when some are,
// how many of them are voided, so that the number reconciles with an export
// (which leaves voided intakes out): "41 intakes (1 voided)".
func intakeCount(all, voided int) string {
	s := fmt.Sprintf("%d %s", all, plural(int64(all), "intake", "intakes"))
	if voided > 0 {
		s += fmt.Sprintf(" (%d voided)", voided)
	}
	return s
}
