package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// StoredScreening is one stored screening result of an intake.
type StoredScreening struct {
	RulesVersion string
	Result       screening.Result
	ComputedAt   time.Time // UTC
}

// Review is the staff-side state of an intake; zero times mean "not yet".
type Review struct {
	ReviewedAt time.Time
	ReviewedBy string // staff user id
	VoidedAt   time.Time
	VoidedBy   string
	VoidReason string
}

const intakeColumns = `i.id, i.created_at, i.submission_date, i.questionnaire_version, i.lang, i.answers`

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// scanIntake reads intakeColumns (plus extra destinations after them).
func scanIntake(r rowScanner, extra ...any) (intake.Intake, error) {
	var id, created, date, version, lang string
	var answers []byte
	dest := append([]any{&id, &created, &date, &version, &lang, &answers}, extra...)
	if err := r.Scan(dest...); err != nil {
		return intake.Intake{}, err
	}
	return intakeFromColumns(id, created, date, version, lang, answers)
}

// intakeFromColumns builds an Intake from its stored columns (intakeColumns order).
func intakeFromColumns(id, created, date, version, lang string, answers []byte) (intake.Intake, error) {
	in := intake.Intake{ID: id, QuestionnaireVersion: version, Lang: lang}
	var err error
	if in.CreatedAt, err = parseTS(created); err != nil {
		return intake.Intake{}, err
	}
	if in.SubmissionDate, err = parseDate(date); err != nil {
		return intake.Intake{}, err
	}
	if in.QuestionnaireVersion != intake.Canonical {
		return intake.Intake{}, fmt.Errorf("db: intake %s: unknown questionnaire version %q", in.ID, in.QuestionnaireVersion)
	}
	if in.Answers, err = intake.V1.DecodeAnswers(answers); err != nil {
		// DecodeAnswers names linkIds and JSON types, never values.
		return intake.Intake{}, fmt.Errorf("db: intake %s: %w", in.ID, err)
	}
	return in, nil
}

// Intake returns the intake with that id, answers decoded into their Go types.
// Returns ErrNotFound if there is none.
func (d *DB) Intake(ctx context.Context, id string) (intake.Intake, error) {
	in, err := scanIntake(d.read.QueryRowContext(ctx, `SELECT `+intakeColumns+` FROM intakes i WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return intake.Intake{}, fmt.Errorf("%w: intake %s", ErrNotFound, id)
	}
	if err != nil {
		return intake.Intake{}, fmt.Errorf("db: read intake %s: %w", id, classify(err))
	}
	return in, nil
}

// Review returns intake id's review and void state. Returns ErrNotFound if
// there is no such intake.
func (d *DB) Review(ctx context.Context, id string) (Review, error) {
	var r Review
	var reviewedAt, reviewedBy, voidedAt, voidedBy, reason sql.NullString
	err := d.read.QueryRowContext(ctx, `SELECT reviewed_at, reviewed_by, voided_at, voided_by, void_reason
		FROM intakes WHERE id = ?`, id).Scan(&reviewedAt, &reviewedBy, &voidedAt, &voidedBy, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return Review{}, fmt.Errorf("%w: intake %s", ErrNotFound, id)
	}
	if err != nil {
		return Review{}, fmt.Errorf("db: read review of intake %s: %w", id, classify(err))
	}
	if r.ReviewedAt, err = parseNullTS(reviewedAt); err != nil {
		return Review{}, err
	}
	if r.VoidedAt, err = parseNullTS(voidedAt); err != nil {
		return Review{}, err
	}
	r.ReviewedBy, r.VoidedBy, r.VoidReason = reviewedBy.String, voidedBy.String, reason.String
	return r, nil
}

// Screenings returns intake id's screening results, oldest (the
// submission-time result) first. Returns ErrNotFound if there are none.
func (d *DB) Screenings(ctx context.Context, id string) ([]StoredScreening, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT rules_version, result, computed_at FROM screenings
		WHERE intake_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: read screenings of intake %s: %w", id, classify(err))
	}
	defer rows.Close()
	var out []StoredScreening
	for rows.Next() {
		s, err := scanScreening(rows)
		if err != nil {
			return nil, fmt.Errorf("db: read screenings of intake %s: %w", id, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: read screenings of intake %s: %w", id, classify(err))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: screenings of intake %s", ErrNotFound, id)
	}
	return out, nil
}

func scanScreening(r rowScanner) (StoredScreening, error) {
	var s StoredScreening
	var result []byte
	var computed string
	if err := r.Scan(&s.RulesVersion, &result, &computed); err != nil {
		return StoredScreening{}, err
	}
	return s, decodeScreening(&s, result, computed)
}

func decodeScreening(s *StoredScreening, result []byte, computed string) error {
	if err := json.Unmarshal(result, &s.Result); err != nil {
		return fmt.Errorf("decode screening: %w", err)
	}
	var err error
	s.ComputedAt, err = parseTS(computed)
	return err
}

// Receipt returns the intake behind a confirmation-page token and its
// submission-time screening result (the confirmation page shows emergency
// advice from it). Returns ErrNotFound if the token is unknown or was issued
// ReceiptValidity or longer before now.
func (d *DB) Receipt(ctx context.Context, token string, now time.Time) (intake.Intake, screening.Result, error) {
	var id, created string
	err := d.read.QueryRowContext(ctx, `SELECT intake_id, created_at FROM receipts WHERE token = ?`, token).Scan(&id, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return intake.Intake{}, screening.Result{}, fmt.Errorf("%w: receipt", ErrNotFound)
	}
	if err != nil {
		return intake.Intake{}, screening.Result{}, fmt.Errorf("db: read receipt: %w", classify(err))
	}
	at, err := parseTS(created)
	if err != nil {
		return intake.Intake{}, screening.Result{}, err
	}
	if !now.Before(at.Add(ReceiptValidity)) {
		return intake.Intake{}, screening.Result{}, fmt.Errorf("%w: receipt expired", ErrNotFound)
	}
	in, err := d.Intake(ctx, id)
	if err != nil {
		return intake.Intake{}, screening.Result{}, err
	}
	ss, err := d.Screenings(ctx, id)
	if err != nil {
		return intake.Intake{}, screening.Result{}, err
	}
	return in, ss[0].Result, nil
}
