package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
)

// TestErrorsCarryNoPHI provokes every error a stored intake can cause and
// checks that no message holds its name, birth date or answers.
func TestErrorsCarryNoPHI(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	in := newIntake(t, "Zyxcanary", "Qwvcanary", t0)
	in.Answers["notes.text"] = "Canarynote"
	birth := in.Answers.String("patient.birth_date")
	phi := []string{"Zyxcanary", "Qwvcanary", "zyxcanary", "Canarynote", birth}
	sub := Submission{Intake: in, Screening: result(), IdempotencyKey: "api:k", BodyHash: "h1", Receipt: "r"}
	if _, err := w.SaveIntake(ctx, sub); err != nil {
		t.Fatal(err)
	}

	var errs []error
	collect := func(err error) {
		if err == nil {
			t.Error("expected an error")
		}
		errs = append(errs, err)
	}
	dup := sub
	dup.IdempotencyKey = ""
	_, err := w.SaveIntake(ctx, dup) // same intake id
	collect(err)
	conflict := sub
	conflict.BodyHash = "h2"
	_, err = w.SaveIntake(ctx, conflict)
	collect(err)
	collect(w.Do(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE intakes SET answers = '{}' WHERE id = ?`, in.ID)
		return err
	}))
	collect(w.Do(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO intakes SELECT * FROM intakes WHERE id = ?`, in.ID)
		return err
	}))
	_, err = d.List(ctx, ListQuery{Name: "Zyxcanary", Review: "bad"})
	collect(err)
	for _, err := range errs {
		if err != nil && containsAny(err.Error(), phi...) {
			t.Errorf("error holds PHI: %v", err)
		}
	}
	if !errors.Is(errs[1], ErrIdempotencyConflict) {
		t.Errorf("conflict: %v", errs[1])
	}
}
