package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// ReviewState filters the staff list by review.
type ReviewState string

// Review states for ListQuery.Review.
const (
	ReviewAny        ReviewState = ""
	ReviewReviewed   ReviewState = "reviewed"
	ReviewUnreviewed ReviewState = "unreviewed"
)

// Page size limits of List and Audit.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
)

// pageLimit is a query's page size: DefaultListLimit when n ≤ 0, at most
// MaxListLimit.
func pageLimit(n int) int {
	if n <= 0 {
		return DefaultListLimit
	}
	return min(n, MaxListLimit)
}

// ListQuery selects and pages the staff intake list. Zero values mean "any".
type ListQuery struct {
	From, To      intake.Date        // submission dates, inclusive
	Severity      screening.Severity // the newest screening's highest severity ("none" for no flag)
	FlagID        string             // a flag id in the newest screening result, e.g. "RF-CES-1"
	Review        ReviewState
	Name          string // search words; each must occur in the folded name (FoldName)
	IncludeVoided bool
	Limit         int // rows per page: DefaultListLimit when 0, at most MaxListLimit
	Offset        int
}

// ListRow is one intake in the staff list, summarised by its newest screening.
type ListRow struct {
	ID              string
	CreatedAt       time.Time // UTC
	SubmissionDate  intake.Date
	GivenName       string
	FamilyName      string
	BirthDate       intake.Date
	HighestSeverity screening.Severity
	FlagIDs         []string // in the result's order (severity rank, then id)
	Reviewed        bool
	Voided          bool
}

// ListPage is one page of the staff list.
type ListPage struct {
	Rows  []ListRow
	Total int // rows matching the query on all pages
	// UnreviewedUrgentCount counts intakes, whatever the query, that are neither
	// reviewed nor voided and whose newest result is emergency or urgent (the badge).
	UnreviewedUrgentCount int
}

// listFrom joins each intake to its newest screening (highest id).
const listFrom = ` FROM intakes i LEFT JOIN screenings s
	ON s.id = (SELECT max(id) FROM screenings WHERE intake_id = i.id)`

// List returns one page of intakes ordered by the newest screening's severity
// (emergency first, intakes without a result last), then newest first.
func (d *DB) List(ctx context.Context, q ListQuery) (ListPage, error) {
	conds, args := Filter{From: q.From, To: q.To, IncludeVoided: q.IncludeVoided}.where()
	if q.Severity != "" {
		conds = append(conds, "coalesce(s.highest_severity, 'none') = ?")
		args = append(args, string(q.Severity))
	}
	if q.FlagID != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(s.result, '$.flags') f WHERE json_extract(f.value, '$.id') = ?)")
		args = append(args, q.FlagID)
	}
	switch q.Review {
	case ReviewAny:
	case ReviewReviewed:
		conds = append(conds, "i.reviewed_at IS NOT NULL")
	case ReviewUnreviewed:
		conds = append(conds, "i.reviewed_at IS NULL")
	default:
		return ListPage{}, fmt.Errorf("%w: review state %q", ErrInvalid, q.Review)
	}
	for _, w := range searchWords(q.Name) {
		conds = append(conds, "instr(i.name_key, ?) > 0")
		args = append(args, w)
	}
	limit := pageLimit(q.Limit)
	where := whereSQL(conds)

	// One read transaction: the page, its total and the badge see one snapshot.
	tx, err := d.read.BeginTx(ctx, nil)
	if err != nil {
		return ListPage{}, fmt.Errorf("db: list: %w", classify(err))
	}
	defer tx.Rollback()

	var page ListPage
	if err := tx.QueryRowContext(ctx, `SELECT count(*)`+listFrom+where, args...).Scan(&page.Total); err != nil {
		return ListPage{}, fmt.Errorf("db: list count: %w", classify(err))
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*)`+listFrom+`
		WHERE i.reviewed_at IS NULL AND i.voided_at IS NULL AND s.severity_rank <= ?`,
		screening.SeverityUrgent.Rank()).Scan(&page.UnreviewedUrgentCount); err != nil {
		return ListPage{}, fmt.Errorf("db: list badge: %w", classify(err))
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.created_at, i.submission_date, i.given_name, i.family_name,
		i.birth_date, coalesce(s.highest_severity, 'none'), coalesce(s.result, '{}'),
		i.reviewed_at IS NOT NULL, i.voided_at IS NOT NULL`+listFrom+where+`
		ORDER BY coalesce(s.severity_rank, 4), i.created_at DESC, i.id DESC
		LIMIT ? OFFSET ?`, append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return ListPage{}, fmt.Errorf("db: list: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var r ListRow
		var created, date, birth, sev, result string
		if err := rows.Scan(&r.ID, &created, &date, &r.GivenName, &r.FamilyName, &birth, &sev, &result,
			&r.Reviewed, &r.Voided); err != nil {
			return ListPage{}, fmt.Errorf("db: list scan: %w", err)
		}
		r.HighestSeverity = screening.Severity(sev)
		if r.CreatedAt, err = parseTS(created); err != nil {
			return ListPage{}, err
		}
		if r.SubmissionDate, err = parseDate(date); err != nil {
			return ListPage{}, err
		}
		if r.BirthDate, err = parseDate(birth); err != nil {
			return ListPage{}, fmt.Errorf("db: intake %s: birth date: %w", r.ID, err)
		}
		var flags struct {
			Flags []struct {
				ID string `json:"id"`
			} `json:"flags"`
		}
		if err := json.Unmarshal([]byte(result), &flags); err != nil {
			return ListPage{}, fmt.Errorf("db: intake %s: decode screening: %w", r.ID, err)
		}
		for _, f := range flags.Flags {
			r.FlagIDs = append(r.FlagIDs, f.ID)
		}
		page.Rows = append(page.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return ListPage{}, fmt.Errorf("db: list: %w", classify(err))
	}
	return page, nil
}
