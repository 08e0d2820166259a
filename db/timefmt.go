package db

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
)

// timeLayout is fixed-width so that text order in SQLite is time order
// (RFC3339Nano trims trailing zeros and would not sort).
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// ts formats t in UTC for storage.
func ts(t time.Time) string { return t.UTC().Format(timeLayout) }

// nullTS stores the zero time as NULL.
func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

// parseTS reads a stored timestamp.
func parseTS(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("db: stored timestamp %q: %w", s, err)
	}
	return t.UTC(), nil
}

// parseNullTS reads a nullable timestamp; NULL is the zero time.
func parseNullTS(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return parseTS(s.String)
}

// parseDate reads a stored YYYY-MM-DD date; "" is the zero Date.
func parseDate(s string) (intake.Date, error) {
	if s == "" {
		return intake.Date{}, nil
	}
	d, err := intake.ParseDate(s)
	if err != nil {
		// Not wrapped: intake.ParseDate quotes the value, and a birth date is PHI.
		return intake.Date{}, errors.New("db: stored date is not YYYY-MM-DD")
	}
	return d, nil
}
