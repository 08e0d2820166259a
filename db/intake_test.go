package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/backintake/backintake/screening"
)

func TestSaveIntakeRoundTrip(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	names := [][2]string{
		{"Siobhán", "O’Brien"},
		{"Thị Hồng", "Nguyễn"},   // NFC as validation leaves it
		{"अनन्या", "शर्मा"},      // Devanagari
		{"Ana <b>&", "Baseline"}, // no HTML escaping in storage
	}
	for i, n := range names {
		in := newIntake(t, n[0], n[1], t0.Add(time.Duration(i)*time.Second))
		res := result(flag("RF-CES-1", screening.SeverityEmergency))
		want, err := json.Marshal(in.Answers)
		if err != nil {
			t.Fatal(err)
		}
		saved := submit(t, w, in, res)
		if saved.IntakeID != in.ID || saved.Replayed || !saved.CreatedAt.Equal(in.CreatedAt) || saved.Receipt != "r-"+in.ID {
			t.Errorf("saved = %+v", saved)
		}

		var stored string
		if err := d.read.QueryRow(`SELECT answers FROM intakes WHERE id = ?`, in.ID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		// json.Marshal escapes <, > and & ; storage does not. Compare after the same escaping.
		var compact []byte
		compact, _ = json.Marshal(json.RawMessage(stored))
		if string(compact) != string(want) {
			t.Errorf("%s: stored answers\n%s\nwant\n%s", in.ID, stored, want)
		}

		got, err := d.Intake(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Answers, in.Answers) {
			t.Errorf("%s: answers read back differ:\n%v\nwant\n%v", in.ID, got.Answers, in.Answers)
		}
		again, _ := marshalJSON(got.Answers)
		if again != stored {
			t.Errorf("%s: re-encoded answers differ from stored bytes", in.ID)
		}
		if !got.CreatedAt.Equal(in.CreatedAt) || got.SubmissionDate != in.SubmissionDate ||
			got.Lang != in.Lang || got.QuestionnaireVersion != in.QuestionnaireVersion {
			t.Errorf("%s: intake metadata %+v", in.ID, got)
		}
		if got.Answers.String("patient.given_name") != n[0] || got.Answers.String("patient.family_name") != n[1] {
			t.Errorf("%s: names %q %q", in.ID, got.Answers.String("patient.given_name"), got.Answers.String("patient.family_name"))
		}
		var given, family string
		d.read.QueryRow(`SELECT given_name, family_name FROM intakes WHERE id = ?`, in.ID).Scan(&given, &family)
		if given != n[0] || family != n[1] {
			t.Errorf("%s: name columns %q %q", in.ID, given, family)
		}

		ss, err := d.Screenings(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 1 || !reflect.DeepEqual(ss[0].Result, res) || !ss[0].ComputedAt.Equal(in.CreatedAt) {
			t.Errorf("%s: screenings %+v", in.ID, ss)
		}
	}
}

func TestStoredAnswersAreByteExact(t *testing.T) {
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	in := newIntake(t, "Ana", "O’Brien-Núñez", t0)
	want, _ := marshalJSON(in.Answers)
	submit(t, w, in, result())
	var stored []byte
	d.read.QueryRow(`SELECT answers FROM intakes WHERE id = ?`, in.ID).Scan(&stored)
	if string(stored) != want {
		t.Errorf("stored\n%s\nwant\n%s", stored, want)
	}
}

func TestSubmittedDataImmutable(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	in := newIntake(t, "Ana", "Fixed", t0)
	submit(t, w, in, result())
	for _, q := range []string{
		`UPDATE intakes SET answers = '{}' WHERE id = ?`,
		`UPDATE intakes SET given_name = 'X' WHERE id = ?`,
		`UPDATE screenings SET result = '{}' WHERE intake_id = ?`,
	} {
		err := w.Do(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(q, in.ID); return err })
		if err == nil {
			t.Errorf("%s: succeeded", q)
		}
	}
	if err := w.Do(ctx, func(tx *sql.Tx) error { return MarkReviewed(tx, in.ID, "7", t0) }); err != nil {
		t.Errorf("review must stay possible: %v", err)
	}
}

func TestIntakeNotFound(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	if _, err := d.Intake(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Intake: %v", err)
	}
	if _, err := d.Screenings(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Screenings: %v", err)
	}
	if _, err := d.Review(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Review: %v", err)
	}
	w := newWriter(t, d, WriterConfig{})
	for name, fn := range map[string]func(*sql.Tx) error{
		"MarkReviewed": func(tx *sql.Tx) error { return MarkReviewed(tx, "nope", "1", t0) },
		"Void":         func(tx *sql.Tx) error { return Void(tx, "nope", "1", "test", t0) },
		"AddScreening": func(tx *sql.Tx) error { return AddScreening(tx, "nope", result(), t0) },
	} {
		if err := w.Do(ctx, fn); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRescreenReviewVoid(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	in := newIntake(t, "Ana", "States", t0)
	first := result(flag("DN-A1", screening.SeverityCaution))
	submit(t, w, in, first)
	newer := result(flag("RF-CES-1", screening.SeverityEmergency))
	newer.RulesVersion = "screening|2"
	at := t0.Add(time.Hour)
	err := w.Do(ctx, func(tx *sql.Tx) error {
		if err := AddScreening(tx, in.ID, newer, at); err != nil {
			return err
		}
		if err := MarkReviewed(tx, in.ID, "7", at); err != nil {
			return err
		}
		if err := MarkReviewed(tx, in.ID, "8", at.Add(time.Minute)); err != nil { // first review stays
			return err
		}
		return Void(tx, in.ID, "1", "duplicate", at)
	})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := d.Screenings(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 2 || ss[0].RulesVersion != screening.RulesVersion || ss[1].RulesVersion != "screening|2" ||
		!reflect.DeepEqual(ss[0].Result, first) || !ss[1].ComputedAt.Equal(at) {
		t.Errorf("screenings not oldest first / unchanged: %+v", ss)
	}
	r, err := d.Review(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := Review{ReviewedAt: at, ReviewedBy: "7", VoidedAt: at, VoidedBy: "1", VoidReason: "duplicate"}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("review = %+v, want %+v", r, want)
	}
	if err := w.Do(ctx, func(tx *sql.Tx) error { return Void(tx, in.ID, "1", "", at) }); !errors.Is(err, ErrInvalid) {
		t.Errorf("void without reason: %v", err)
	}
}

func TestReceipt(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	in := newIntake(t, "Ana", "Receipt", t0)
	res := result(flag("RF-CES-1", screening.SeverityEmergency))
	saved := submit(t, w, in, res)
	// A rescreen must not change what the confirmation page shows.
	w.Do(ctx, func(tx *sql.Tx) error { return AddScreening(tx, in.ID, result(), t0.Add(time.Minute)) })

	got, gotRes, err := d.Receipt(ctx, saved.Receipt, t0.Add(ReceiptValidity-time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != in.ID || !reflect.DeepEqual(gotRes, res) {
		t.Errorf("receipt gave %s %+v", got.ID, gotRes)
	}
	if _, _, err := d.Receipt(ctx, saved.Receipt, t0.Add(ReceiptValidity)); !errors.Is(err, ErrNotFound) {
		t.Errorf("receipt after 24 h: %v", err)
	}
	if _, _, err := d.Receipt(ctx, "unknown", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown receipt: %v", err)
	}
}
