package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
)

// VerifyError lists the entries Verify found wrong, by intake id or
// "receipt:<token>" (never answers).
type VerifyError struct {
	Checked int      // entries checked
	Missing []string // acknowledged but not in the database
	Changed []string // stored answers hash differently from the ledger
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("ledger: %d of %d acknowledged intakes missing, %d with different answers (first: %s)",
		len(e.Missing), e.Checked, len(e.Changed), strings.Join(first(append(e.Missing, e.Changed...), 5), ", "))
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// Verify checks every entry against d: the intake (by id, or by receipt
// token for form entries) must exist and its stored answers must hash to the
// entry's answers_sha256. It returns nil when all do, a *VerifyError listing
// the missing and changed entries otherwise, or another error if the database
// cannot be read.
func Verify(ctx context.Context, d *db.DB, entries []Entry) error {
	ve := &VerifyError{Checked: len(entries)}
	for _, e := range entries {
		var in intake.Intake
		var err error
		if e.ID != "" {
			in, err = d.Intake(ctx, e.ID)
		} else {
			// A receipt is looked up as of its acknowledgement, so an old
			// ledger still verifies after the 24 h validity has passed.
			in, _, err = d.Receipt(ctx, e.Receipt, e.At)
		}
		switch {
		case errors.Is(err, db.ErrNotFound):
			ve.Missing = append(ve.Missing, e.key())
			continue
		case err != nil:
			return fmt.Errorf("ledger: verify %s: %w", e.key(), err)
		}
		sum, err := AnswersSHA256(in.Answers)
		if err != nil {
			return fmt.Errorf("ledger: verify %s: %w", e.key(), err)
		}
		if e.ID != "" && in.ID != e.ID || sum != e.AnswersSHA256 {
			ve.Changed = append(ve.Changed, e.key())
		}
	}
	if len(ve.Missing) > 0 || len(ve.Changed) > 0 {
		return ve
	}
	return nil
}
