package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// IdempotencyWindow is how long an idempotency key or form submission token
// replays its first intake; a later reuse stores a new intake.
const IdempotencyWindow = 24 * time.Hour

// ReceiptValidity is how long a receipt token shows the confirmation page.
const ReceiptValidity = 24 * time.Hour

// Submission is one accepted intake ready to store. The caller supplies every
// id, token and timestamp (this package has no clock and no randomness).
type Submission struct {
	Intake    intake.Intake    // ID and CreatedAt required; Answers validated and normalised
	Screening screening.Result // the submission-time result, stored as the first screening row
	// IdempotencyKey is "api:<Idempotency-Key header>" or "form:<one-time
	// submission token>"; "" for none.
	IdempotencyKey string
	BodyHash       string // hash of the request body; compared on a key's reuse
	Receipt        string // confirmation page token; "" for none
}

// Saved is what SaveIntake stored, or, when Replayed, what the first
// submission with the same idempotency key stored.
type Saved struct {
	IntakeID  string
	Receipt   string    // "" if the intake has no receipt
	CreatedAt time.Time // UTC
	Replayed  bool      // nothing was stored: an earlier identical submission was found
}

// SaveIntake stores s through the writer, in one job of the next batch, and
// returns after the commit. See InsertIntake for the rules; errors as Do.
// The JSON is encoded here, in the caller's goroutine, so the single writer
// goroutine only runs SQL.
func (w *Writer) SaveIntake(ctx context.Context, s Submission) (Saved, error) {
	enc, err := encodeSubmission(s)
	if err != nil {
		return Saved{}, err
	}
	var saved Saved
	err = w.Do(ctx, func(tx *sql.Tx) error {
		var err error
		saved, err = insertEncoded(tx, s, enc)
		return err
	})
	if err != nil {
		return Saved{}, err
	}
	return saved, nil
}

// InsertIntake stores s in tx: the intake, its first screening row, the
// idempotency row (if a key is given) and the receipt (if any). If the key was
// stored within IdempotencyWindow before s.Intake.CreatedAt with the same body
// hash, it stores nothing and returns the first intake's id, receipt and
// creation time with Replayed set; with a different hash it returns a
// *ConflictError (ErrIdempotencyConflict). An older key is taken over by the
// new intake. Returns ErrInvalid for a missing id or creation time.
func InsertIntake(tx *sql.Tx, s Submission) (Saved, error) {
	enc, err := encodeSubmission(s)
	if err != nil {
		return Saved{}, err
	}
	return insertEncoded(tx, s, enc)
}

// encodedSubmission holds a Submission's stored text, computed outside the transaction.
type encodedSubmission struct {
	answers, result, nameKey string
}

func encodeSubmission(s Submission) (encodedSubmission, error) {
	in := s.Intake
	if in.ID == "" || in.CreatedAt.IsZero() || in.SubmissionDate.IsZero() {
		return encodedSubmission{}, fmt.Errorf("%w: intake needs id, created_at and submission date", ErrInvalid)
	}
	answers, err := marshalJSON(in.Answers)
	if err != nil {
		return encodedSubmission{}, fmt.Errorf("db: intake %s: encode answers: %w", in.ID, err)
	}
	result, err := marshalJSON(s.Screening)
	if err != nil {
		return encodedSubmission{}, fmt.Errorf("db: intake %s: encode screening: %w", in.ID, err)
	}
	key := NameKey(in.Answers.String("patient.given_name"), in.Answers.String("patient.family_name"))
	return encodedSubmission{answers: answers, result: result, nameKey: key}, nil
}

func insertEncoded(tx *sql.Tx, s Submission, enc encodedSubmission) (Saved, error) {
	in := s.Intake
	if s.IdempotencyKey != "" {
		saved, found, err := replay(tx, s)
		if err != nil || found {
			return saved, err
		}
	}
	given, family := in.Answers.String("patient.given_name"), in.Answers.String("patient.family_name")
	_, err := tx.Exec(`INSERT INTO intakes (id, created_at, submission_date, questionnaire_version, lang,
		answers, given_name, family_name, birth_date, name_key) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		in.ID, ts(in.CreatedAt), in.SubmissionDate.String(), in.QuestionnaireVersion, in.Lang,
		enc.answers, given, family, in.Answers.String("patient.birth_date"), enc.nameKey)
	if err != nil {
		return Saved{}, fmt.Errorf("db: insert intake %s: %w", in.ID, err)
	}
	// The intake row was just inserted: no existence check needed.
	if err := insertScreening(tx, in.ID, s.Screening, enc.result, in.CreatedAt); err != nil {
		return Saved{}, err
	}
	if s.IdempotencyKey != "" {
		_, err := tx.Exec(`INSERT INTO idempotency (key, body_hash, intake_id, created_at) VALUES (?,?,?,?)
			ON CONFLICT (key) DO UPDATE SET body_hash = excluded.body_hash,
			intake_id = excluded.intake_id, created_at = excluded.created_at`,
			s.IdempotencyKey, s.BodyHash, in.ID, ts(in.CreatedAt))
		if err != nil {
			return Saved{}, fmt.Errorf("db: intake %s: store idempotency key: %w", in.ID, err)
		}
	}
	if s.Receipt != "" {
		_, err := tx.Exec(`INSERT INTO receipts (token, intake_id, created_at) VALUES (?,?,?)`,
			s.Receipt, in.ID, ts(in.CreatedAt))
		if err != nil {
			return Saved{}, fmt.Errorf("db: intake %s: store receipt: %w", in.ID, err)
		}
	}
	return Saved{IntakeID: in.ID, Receipt: s.Receipt, CreatedAt: in.CreatedAt.UTC()}, nil
}

// replay looks up s's idempotency key; found reports a live earlier use.
func replay(tx *sql.Tx, s Submission) (saved Saved, found bool, err error) {
	var hash, id, created string
	err = tx.QueryRow(`SELECT body_hash, intake_id, created_at FROM idempotency WHERE key = ?`,
		s.IdempotencyKey).Scan(&hash, &id, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Saved{}, false, nil
	}
	if err != nil {
		return Saved{}, false, fmt.Errorf("db: look up idempotency key: %w", err)
	}
	first, err := parseTS(created)
	if err != nil {
		return Saved{}, false, err
	}
	if !first.After(s.Intake.CreatedAt.Add(-IdempotencyWindow)) {
		return Saved{}, false, nil // expired: the new intake takes the key over
	}
	if hash != s.BodyHash {
		return Saved{}, true, &ConflictError{IntakeID: id, CreatedAt: first}
	}
	var receipt sql.NullString
	err = tx.QueryRow(`SELECT token FROM receipts WHERE intake_id = ? ORDER BY created_at LIMIT 1`, id).Scan(&receipt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Saved{}, false, fmt.Errorf("db: intake %s: look up receipt: %w", id, err)
	}
	return Saved{IntakeID: id, Receipt: receipt.String, CreatedAt: first, Replayed: true}, true, nil
}

// marshalJSON encodes v without HTML escaping and without a trailing newline,
// so stored text reads as the patient typed it.
func marshalJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// AddScreening stores a screening result for intake id, computed at at (UTC).
// The submission-time row and every later one are never changed: rescreening
// adds rows, and the newest is the current result. Returns ErrNotFound if no
// intake has that id.
func AddScreening(tx *sql.Tx, id string, res screening.Result, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("%w: screening needs computed_at", ErrInvalid)
	}
	if err := intakeExists(tx, id); err != nil {
		return err
	}
	data, err := marshalJSON(res)
	if err != nil {
		return fmt.Errorf("db: intake %s: encode screening: %w", id, err)
	}
	return insertScreening(tx, id, res, data, at)
}

// insertScreening stores res, already encoded as data, for an existing intake.
func insertScreening(tx *sql.Tx, id string, res screening.Result, data string, at time.Time) error {
	sev := res.HighestSeverity
	if sev == "" {
		sev = screening.SeverityNone
	}
	_, err := tx.Exec(`INSERT INTO screenings (intake_id, rules_version, result, highest_severity, severity_rank, computed_at)
		VALUES (?,?,?,?,?,?)`, id, res.RulesVersion, data, string(sev), sev.Rank(), ts(at))
	if err != nil {
		return fmt.Errorf("db: intake %s: insert screening: %w", id, err)
	}
	return nil
}

func intakeExists(tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRow(`SELECT 1 FROM intakes WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: intake %s", ErrNotFound, id)
	}
	if err != nil {
		return fmt.Errorf("db: intake %s: %w", id, err)
	}
	return nil
}

// MarkReviewed records that staff user by reviewed intake id at at. The first
// review stays recorded: marking an already reviewed intake changes nothing.
// Returns ErrNotFound if no intake has that id.
func MarkReviewed(tx *sql.Tx, id, by string, at time.Time) error {
	if by == "" || at.IsZero() {
		return fmt.Errorf("%w: review needs who and when", ErrInvalid)
	}
	if err := intakeExists(tx, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE intakes SET reviewed_at = ?, reviewed_by = ? WHERE id = ? AND reviewed_at IS NULL`,
		ts(at), by, id); err != nil {
		return fmt.Errorf("db: intake %s: mark reviewed: %w", id, err)
	}
	return nil
}

// Void hides intake id from lists and exports by default (a test or duplicate
// intake); nothing is deleted. reason is required. Voiding a voided intake
// changes nothing. Returns ErrNotFound if no intake has that id, ErrInvalid
// without a reason.
func Void(tx *sql.Tx, id, by, reason string, at time.Time) error {
	if by == "" || reason == "" || at.IsZero() {
		return fmt.Errorf("%w: void needs who, why and when", ErrInvalid)
	}
	if err := intakeExists(tx, id); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE intakes SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL`,
		ts(at), by, reason, id); err != nil {
		return fmt.Errorf("db: intake %s: void: %w", id, err)
	}
	return nil
}
