package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/backintake/backintake/intake"
)

// Filter selects intakes for exports: submission dates From..To inclusive
// (a zero Date leaves that side open) and, unless IncludeVoided, not voided.
type Filter struct {
	From, To      intake.Date
	IncludeVoided bool
}

// where returns the SQL conditions (over alias i) and their arguments.
func (f Filter) where() ([]string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds = append(conds, "i.submission_date >= ?")
		args = append(args, f.From.String())
	}
	if !f.To.IsZero() {
		conds = append(conds, "i.submission_date <= ?")
		args = append(args, f.To.String())
	}
	if !f.IncludeVoided {
		conds = append(conds, "i.voided_at IS NULL")
	}
	return conds, args
}

// Each calls fn for every intake matching f, in created_at order, with its
// screening results oldest first. Rows are streamed from one query: memory
// stays flat however many intakes there are. An error from fn stops the
// iteration and is returned as is.
func (d *DB) Each(ctx context.Context, f Filter, fn func(intake.Intake, []StoredScreening) error) error {
	q, args := eachQuery(f)
	rows, err := d.read.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("db: export query: %w", classify(err))
	}
	defer rows.Close()

	var cur intake.Intake
	var ss []StoredScreening
	flush := func() error {
		if cur.ID == "" {
			return nil
		}
		return fn(cur, ss)
	}
	for rows.Next() {
		var id string
		var s StoredScreening
		var computed string
		// Decode the intake columns only on its first row. The JSON columns are
		// read in place (RawBytes, valid until the next row): decoders copy
		// what they keep, and an export skips two copies of every document.
		var created, date, version, lang string
		var answers, result sql.RawBytes
		if err := rows.Scan(&id, &created, &date, &version, &lang, &answers, &s.RulesVersion, &result, &computed); err != nil {
			return fmt.Errorf("db: export scan: %w", err)
		}
		if err := decodeScreening(&s, result, computed); err != nil {
			return fmt.Errorf("db: intake %s: %w", id, err)
		}
		if id != cur.ID {
			if err := flush(); err != nil {
				return err
			}
			in, err := intakeFromColumns(id, created, date, version, lang, answers)
			if err != nil {
				return err
			}
			cur, ss = in, nil // fn may keep the slice it got
		}
		ss = append(ss, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("db: export: %w", classify(err))
	}
	return flush()
}

// eachQuery selects every matching intake with its screenings, one row per
// screening, in the order of the intakes_submission_date index (submission
// date, created_at, rowid), so SQLite streams rows with or without a date
// range instead of sorting them all first. The submission date is created_at's
// date in the clinic's time zone, so this is created_at order.
func eachQuery(f Filter) (string, []any) {
	conds, args := f.where()
	return `SELECT ` + intakeColumns + `, s.rules_version, s.result, s.computed_at
		FROM intakes i JOIN screenings s ON s.intake_id = i.id` + whereSQL(conds) + `
		ORDER BY i.submission_date, i.created_at, i.rowid, s.id`, args
}

// Count returns how many intakes match f.
func (d *DB) Count(ctx context.Context, f Filter) (int, error) {
	conds, args := f.where()
	var n int
	if err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM intakes i`+whereSQL(conds), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: count intakes: %w", classify(err))
	}
	return n, nil
}

// whereSQL joins conditions with AND behind WHERE, or returns "".
func whereSQL(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
