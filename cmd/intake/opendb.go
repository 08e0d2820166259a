package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/backintake/backintake/db"
)

// openExisting opens the database of a CLI command. Unlike `intake serve`, a
// command never creates one: run from the wrong folder, the relative default
// path would silently give an empty new database, and a backup or export
// would "succeed" with nothing in it.
func openExisting(ctx context.Context, path string) (*db.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		abs, _ := filepath.Abs(path)
		return nil, fmt.Errorf("no database at %s: point INTAKE_DB or --db at the server's database file "+
			"(the default data/intake.db is relative to the current folder), or start `intake serve` once to create it", abs)
	}
	return db.Open(ctx, path)
}
