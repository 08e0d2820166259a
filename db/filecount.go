package db

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
)

// FileIntakeCounts returns how many intakes the database file at path holds,
// voided ones included, and how many of those are voided (exports leave them
// out). Like CheckFile it opens the file read-only and immutable, for a file
// no process writes, such as a backup; check it with CheckFile first.
func FileIntakeCounts(ctx context.Context, path string) (all, voided int, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, 0, fmt.Errorf("db: count intakes: %w", err)
	}
	if err := isSQLiteFile(abs); err != nil {
		return 0, 0, err
	}
	ro, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return 0, 0, fmt.Errorf("db: count intakes: %w", err)
	}
	defer ro.Close()
	if err := ro.QueryRowContext(ctx, `SELECT count(*), count(voided_at) FROM intakes`).Scan(&all, &voided); err != nil {
		return 0, 0, fmt.Errorf("db: count intakes: %w", classify(err))
	}
	return all, voided, nil
}
