package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestWriterConcurrentSubmitters(t *testing.T) {
	const goroutines, each = 32, 20
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	var wg sync.WaitGroup
	ids := make(chan string, goroutines*each)
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				in := newIntake(t, "Ana", fmt.Sprintf("Load%d", g), t0.Add(time.Duration(i)*time.Millisecond))
				s, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result(),
					IdempotencyKey: fmt.Sprintf("api:%d-%d", g, i), BodyHash: "h", Receipt: "r-" + in.ID})
				if err != nil {
					errs <- err
					continue
				}
				ids <- s.IntakeID
			}
		}()
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every acknowledged intake is stored exactly once.
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("intake %s acknowledged twice", id)
		}
		seen[id] = true
		var n int
		d.read.QueryRow(`SELECT count(*) FROM intakes WHERE id = ?`, id).Scan(&n)
		if n != 1 {
			t.Errorf("intake %s stored %d times", id, n)
		}
	}
	if len(seen) != goroutines*each || countRows(t, d, "intakes") != goroutines*each {
		t.Errorf("%d acknowledged, %d stored, want %d", len(seen), countRows(t, d, "intakes"), goroutines*each)
	}
	st := w.Stats()
	t.Logf("stats: %+v", st)
	if st.Jobs != goroutines*each || st.BatchesOverOne == 0 || st.Batches >= st.Jobs {
		t.Errorf("stats %+v: want %d jobs in batches of more than one", st, goroutines*each)
	}
}

// holdWriter returns a Writer with cfg whose first batch waits in
// BeforeCommit until release is called, so that later jobs queue up.
func holdWriter(t *testing.T, d *DB, cfg WriterConfig) (w *Writer, release func()) {
	t.Helper()
	hold := make(chan struct{})
	held := make(chan struct{}, 1)
	var once sync.Once
	cfg.BeforeCommit = func() {
		select {
		case held <- struct{}{}:
			<-hold
		default:
		}
	}
	w = newWriter(t, d, cfg)
	go w.Do(context.Background(), func(*sql.Tx) error { return nil })
	<-held
	return w, func() { once.Do(func() { close(hold) }) }
}

func TestWriterFailingJobIsolated(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{})
	errBoom := errors.New("boom")
	dup := newIntake(t, "Ana", "Dup", t0)
	jobs := []func(*sql.Tx) error{
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "One", t0), Screening: result()})
			return err
		},
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: dup, Screening: result()})
			return err
		},
		// Writes, then fails: its own rows must vanish.
		func(tx *sql.Tx) error {
			if _, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "Half", t0), Screening: result()}); err != nil {
				return err
			}
			return errBoom
		},
		// Constraint violation: the same intake id again.
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: dup, Screening: result()})
			return err
		},
		func(*sql.Tx) error { panic("secret patient data") },
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "Two", t0), Screening: result()})
			return err
		},
	}
	results := make([]chan error, len(jobs))
	for i, fn := range jobs {
		results[i] = make(chan error, 1)
		go func() { results[i] <- w.Do(ctx, fn) }()
		waitQueued(t, w, i+1) // keep the batch order
	}
	release()
	var got []error
	for _, r := range results {
		got = append(got, <-r)
	}
	if got[0] != nil || got[1] != nil || got[5] != nil {
		t.Errorf("good jobs failed: %v", got)
	}
	if !errors.Is(got[2], errBoom) {
		t.Errorf("failing job: %v", got[2])
	}
	if got[3] == nil || errors.Is(got[3], ErrUnavailable) {
		t.Errorf("duplicate id: %v, want a constraint error", got[3])
	}
	if got[4] == nil || containsAny(got[4].Error(), "secret") {
		t.Errorf("panicking job: %v", got[4])
	}
	if n := countRows(t, d, "intakes"); n != 3 {
		t.Errorf("%d intakes, want 3 (One, Dup, Two)", n)
	}
	if n := countRows(t, d, "screenings"); n != 3 {
		t.Errorf("%d screenings, want 3", n)
	}
	if st := w.Stats(); st.MaxBatchSize != int64(len(jobs)) {
		t.Errorf("stats %+v: want one batch of %d", st, len(jobs))
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}

// setMaxPages limits (or frees) the write connection's database size.
func setMaxPages(t *testing.T, w *Writer, extra int) {
	t.Helper()
	err := w.Do(context.Background(), func(tx *sql.Tx) error {
		var pages int
		if err := tx.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
			return err
		}
		limit := pages + extra
		if extra < 0 {
			limit = 1 << 30
		}
		_, err := tx.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, limit))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriterDiskFullRecovers(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	submit(t, w, newIntake(t, "Ana", "Before", t0), result())
	before := countRows(t, d, "intakes")

	setMaxPages(t, w, 0) // the file may not grow: inserts fail with SQLITE_FULL
	var failed int
	for i := range 20 {
		in := newIntake(t, "Ana", "Full", t0)
		in.Answers["notes.text"] = fmt.Sprintf("%d %01000d", i, 0) // needs new pages soon
		_, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result(), IdempotencyKey: "api:" + in.ID, BodyHash: "h", Receipt: "r-" + in.ID})
		if err == nil {
			continue
		}
		failed++
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("disk full: %v, want ErrUnavailable", err)
		}
		// Nothing of the failed intake is stored.
		var n int
		d.read.QueryRow(`SELECT (SELECT count(*) FROM intakes WHERE id = ?1) + (SELECT count(*) FROM screenings WHERE intake_id = ?1)
			+ (SELECT count(*) FROM receipts WHERE intake_id = ?1) + (SELECT count(*) FROM idempotency WHERE intake_id = ?1)`, in.ID).Scan(&n)
		if n != 0 {
			t.Errorf("failed intake left %d rows", n)
		}
	}
	t.Logf("%d of 20 inserts failed with the file at its size limit", failed)
	if failed == 0 {
		t.Fatal("no insert failed with max_page_count at the current size")
	}
	stored := countRows(t, d, "intakes")

	setMaxPages(t, w, -1) // space returns
	for range 5 {
		submit(t, w, newIntake(t, "Ana", "After", t0), result())
	}
	if n := countRows(t, d, "intakes"); n != stored+5 {
		t.Errorf("%d intakes after recovery, want %d (before %d)", n, stored+5, before)
	}
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

func TestWriterCommitFailureFailsWholeBatch(t *testing.T) {
	// A deferred foreign key violation makes COMMIT itself fail: every job of
	// the batch gets ErrUnavailable, none is stored, and the next batch works.
	ctx := context.Background()
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{})
	var results []chan error
	add := func(fn func(*sql.Tx) error) {
		c := make(chan error, 1)
		results = append(results, c)
		go func() { c <- w.Do(ctx, fn) }()
		waitQueued(t, w, len(results))
	}
	add(func(tx *sql.Tx) error {
		_, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "Lost", t0), Screening: result()})
		return err
	})
	add(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO receipts (token, intake_id, created_at) VALUES ('orphan', 'missing', '')`)
		return err
	})
	release()
	for i, c := range results {
		if err := <-c; !errors.Is(err, ErrUnavailable) {
			t.Errorf("job %d: %v, want ErrUnavailable", i, err)
		}
	}
	if n := countRows(t, d, "intakes") + countRows(t, d, "receipts"); n != 0 {
		t.Errorf("%d rows stored from a failed batch", n)
	}
	submit(t, w, newIntake(t, "Ana", "Next", t0), result())
	if st := w.Stats(); st.FailedBatches != 1 {
		t.Errorf("stats %+v, want one failed batch", st)
	}
}

func TestWriterCancelledWhileQueued(t *testing.T) {
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	ran := false
	done := make(chan error, 1)
	go func() { done <- w.Do(ctx, func(*sql.Tx) error { ran = true; return nil }) }()
	waitQueued(t, w, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled job: %v", err)
	}
	release()
	if err := w.Do(context.Background(), func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("a job cancelled while queued ran")
	}
}

func TestWriterStartedJobCompletes(t *testing.T) {
	d := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	hold := make(chan struct{})
	w := newWriter(t, d, WriterConfig{BeforeCommit: func() { cancel(); <-hold }})
	in := newIntake(t, "Ana", "Started", t0)
	done := make(chan error, 1)
	go func() {
		_, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result()})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Do returned before its batch committed: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(hold)
	if err := <-done; err != nil {
		t.Errorf("started job: %v, want it completed", err)
	}
	if _, err := d.Intake(context.Background(), in.ID); err != nil {
		t.Error(err)
	}
}

func TestWriterCloseDrains(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{})
	const n = 20
	errs := make(chan error, n)
	for i := range n {
		go func() {
			_, err := w.SaveIntake(ctx, Submission{Intake: newIntake(t, "Ana", fmt.Sprint("Drain", i), t0), Screening: result()})
			errs <- err
		}()
	}
	waitQueued(t, w, n)
	closed := make(chan error, 1)
	go func() { closed <- w.Close() }()
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if c := countRows(t, d, "intakes"); c != n {
		t.Errorf("%d intakes after Close, want %d", c, n)
	}
	if err := w.Do(ctx, func(*sql.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
}

func TestWriterMaxBatch(t *testing.T) {
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{MaxBatch: 4})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); w.Do(context.Background(), func(*sql.Tx) error { return nil }) }()
	}
	waitQueued(t, w, 10)
	release()
	wg.Wait()
	if st := w.Stats(); st.MaxBatchSize != 4 || st.Jobs != 11 {
		t.Errorf("stats %+v, want batches of at most 4 and 11 jobs", st)
	}
}

func TestWriterBatchRolledBackUnderIt(t *testing.T) {
	// SQLite rolls a whole transaction back on some I/O errors. Simulated by a
	// job that ends the transaction: no later job may autocommit on its own,
	// every job of the batch fails with ErrUnavailable, and the writer goes on.
	ctx := context.Background()
	d := openTest(t)
	w, release := holdWriter(t, d, WriterConfig{})
	jobs := []func(*sql.Tx) error{
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "Before", t0), Screening: result()})
			return err
		},
		func(tx *sql.Tx) error { _, err := tx.Exec(`ROLLBACK`); return err },
		func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: newIntake(t, "A", "After", t0), Screening: result()})
			return err
		},
	}
	var results []chan error
	for _, fn := range jobs {
		c := make(chan error, 1)
		results = append(results, c)
		go func() { c <- w.Do(ctx, fn) }()
		waitQueued(t, w, len(results))
	}
	release()
	for i, c := range results {
		if err := <-c; !errors.Is(err, ErrUnavailable) {
			t.Errorf("job %d: %v, want ErrUnavailable", i, err)
		}
	}
	if n := countRows(t, d, "intakes"); n != 0 {
		t.Errorf("%d intakes stored from a rolled-back batch", n)
	}
	submit(t, w, newIntake(t, "Ana", "Next", t0), result())
}
