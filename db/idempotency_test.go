package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

func countRows(t testing.TB, d *DB, table string) int {
	t.Helper()
	var n int
	if err := d.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	sub := func(at time.Time, hash string) Submission {
		in := newIntake(t, "Ana", "Twice", at)
		return Submission{Intake: in, Screening: result(), IdempotencyKey: "api:k1", BodyHash: hash, Receipt: "r-" + in.ID}
	}

	first, err := w.SaveIntake(ctx, sub(t0, "h1"))
	if err != nil || first.Replayed {
		t.Fatalf("first: %+v %v", first, err)
	}

	// Same key, same body, within 24 h: the first result, nothing stored.
	again, err := w.SaveIntake(ctx, sub(t0.Add(IdempotencyWindow-time.Second), "h1"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || again.IntakeID != first.IntakeID || again.Receipt != first.Receipt || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("replay = %+v, want first %+v replayed", again, first)
	}
	if n := countRows(t, d, "intakes"); n != 1 {
		t.Errorf("%d intakes after replay, want 1", n)
	}

	// Same key, different body: conflict naming the first time.
	_, err = w.SaveIntake(ctx, sub(t0.Add(time.Minute), "h2"))
	var ce *ConflictError
	if !errors.Is(err, ErrIdempotencyConflict) || !errors.As(err, &ce) || !ce.CreatedAt.Equal(t0) {
		t.Errorf("different body: %v", err)
	}
	if n := countRows(t, d, "intakes"); n != 1 {
		t.Errorf("%d intakes after conflict, want 1", n)
	}

	// After 24 h the key is free again: a new intake, even with another body.
	later, err := w.SaveIntake(ctx, sub(t0.Add(IdempotencyWindow), "h2"))
	if err != nil || later.Replayed || later.IntakeID == first.IntakeID {
		t.Fatalf("after 24 h: %+v %v", later, err)
	}
	if n := countRows(t, d, "intakes"); n != 2 {
		t.Errorf("%d intakes, want 2", n)
	}
	// ... and it now replays the newer intake.
	again, err = w.SaveIntake(ctx, sub(t0.Add(IdempotencyWindow+time.Minute), "h2"))
	if err != nil || !again.Replayed || again.IntakeID != later.IntakeID {
		t.Errorf("replay of the newer key: %+v %v", again, err)
	}
}

func TestIdempotencyInOneBatch(t *testing.T) {
	// Two identical submissions queued together land in one transaction: the
	// second must still see the first and replay it.
	ctx := context.Background()
	d := openTest(t)
	hold := make(chan struct{})
	held := make(chan struct{}, 1)
	w := newWriter(t, d, WriterConfig{BeforeCommit: func() {
		select {
		case held <- struct{}{}:
			<-hold
		default:
		}
	}})
	// A first job holds the writer so the next two queue up into one batch.
	go w.Do(ctx, func(*sql.Tx) error { return nil })
	<-held
	type out struct {
		s   Saved
		err error
	}
	results := make(chan out, 2)
	for range 2 {
		go func() {
			in := newIntake(t, "Ana", "Double", t0)
			s, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result(), IdempotencyKey: "form:tok", BodyHash: "h"})
			results <- out{s, err}
		}()
	}
	waitQueued(t, w, 2)
	close(hold)
	a, b := <-results, <-results
	if a.err != nil || b.err != nil || a.s.Replayed == b.s.Replayed || a.s.IntakeID != b.s.IntakeID {
		t.Errorf("two identical submissions: %+v / %+v", a, b)
	}
	if n := countRows(t, d, "intakes"); n != 1 {
		t.Errorf("%d intakes, want 1", n)
	}
}

// waitQueued waits until n jobs are queued behind the running batch.
func waitQueued(t testing.TB, w *Writer, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(w.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d jobs queued, want %d", len(w.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}
