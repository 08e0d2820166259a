package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// WriterConfig tunes a Writer.
type WriterConfig struct {
	// MaxBatch is the most jobs in one transaction (default 64).
	MaxBatch int
	// MaxWait is how long a batch waits for more jobs after the first; 0 (the
	// default) takes whatever is queued at that moment, so a lone job never waits.
	MaxWait time.Duration
	// BeforeCommit, if set, runs in the writer goroutine before each COMMIT.
	// Tests use it to hold a batch (the shutdown test); it must not call Do.
	BeforeCommit func()
}

// WriterStats counts the Writer's work since NewWriter.
type WriterStats struct {
	Batches        int64 // committed transactions
	FailedBatches  int64 // transactions that could not begin or commit
	Jobs           int64 // jobs run inside committed transactions
	MaxBatchSize   int64 // most jobs in one committed transaction
	BatchesOverOne int64 // committed transactions with more than one job
}

// Writer owns the process's write connection: every write of the server goes
// through Do, and queued jobs are committed together (group commit), each in
// its own SAVEPOINT so one failing job cannot fail the others. A job is
// acknowledged only after its batch's COMMIT returned, and with
// synchronous=FULL that means it is on disk.
type Writer struct {
	db    *DB
	cfg   WriterConfig
	queue chan *job

	mu     sync.RWMutex // guards closed against sends on a closed queue
	closed bool
	done   chan struct{}

	statsMu sync.Mutex
	stats   WriterStats
}

// Job states: a queued job is claimed either by the writer (started) or by
// its caller giving up (cancelled), never both.
const (
	jobQueued int32 = iota
	jobStarted
	jobCancelled
)

type job struct {
	ctx   context.Context
	fn    func(*sql.Tx) error
	state atomic.Int32
	err   error
	done  chan struct{}
}

func (j *job) finish(err error) {
	j.err = err
	close(j.done)
}

// NewWriter starts the writer goroutine on d's write connection. Call Close
// before closing d.
func NewWriter(d *DB, cfg WriterConfig) *Writer {
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 64
	}
	w := &Writer{
		db:    d,
		cfg:   cfg,
		queue: make(chan *job, 16*cfg.MaxBatch),
		done:  make(chan struct{}),
	}
	go w.run()
	return w
}

// Do runs fn inside its own SAVEPOINT in the next batch transaction and
// returns after that batch's COMMIT finished. It returns fn's error (the
// savepoint is rolled back; other jobs are unaffected) or, if the batch could
// not begin or commit, an error wrapping ErrUnavailable (nothing of the batch
// is stored). SQLite errors a retry can cure (full disk, I/O, lock timeout)
// also wrap ErrUnavailable. If ctx ends while the job is still queued the job
// is skipped and ctx.Err() returned; once its batch started, the job runs to
// the end regardless. Returns ErrClosed after Close.
//
// fn runs on the writer goroutine: it must not call Do, and should use tx's
// methods without a cancellable context (an interrupted statement rolls back
// the whole batch, which then fails with ErrUnavailable).
func (w *Writer) Do(ctx context.Context, fn func(tx *sql.Tx) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	if err := w.enqueue(ctx, j); err != nil {
		return err
	}
	select {
	case <-j.done:
		return j.err
	case <-ctx.Done():
		if j.state.CompareAndSwap(jobQueued, jobCancelled) {
			return ctx.Err()
		}
		<-j.done
		return j.err
	}
}

func (w *Writer) enqueue(ctx context.Context, j *job) error {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrClosed
	}
	select {
	case w.queue <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting jobs, commits everything already queued, stops the
// goroutine and returns. Later Do calls, and a second Close, get ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.closed = true
	close(w.queue)
	w.mu.Unlock()
	<-w.done
	return nil
}

// Stats returns a snapshot of the counters.
func (w *Writer) Stats() WriterStats {
	w.statsMu.Lock()
	defer w.statsMu.Unlock()
	return w.stats
}

func (w *Writer) run() {
	defer close(w.done)
	for {
		first, ok := <-w.queue
		if !ok {
			return
		}
		batch := w.collect(first)
		if len(batch) > 0 {
			w.commit(batch)
		}
	}
}

// collect claims first and whatever else is queued, up to MaxBatch, waiting up
// to MaxWait for more. Jobs whose caller gave up are dropped.
func (w *Writer) collect(first *job) []*job {
	batch := make([]*job, 0, w.cfg.MaxBatch)
	batch = w.claim(batch, first)
	var timeout <-chan time.Time
	if w.cfg.MaxWait > 0 {
		t := time.NewTimer(w.cfg.MaxWait)
		defer t.Stop()
		timeout = t.C
	}
	for len(batch) < w.cfg.MaxBatch {
		select {
		case j, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = w.claim(batch, j)
			continue
		default:
		}
		if timeout == nil {
			return batch
		}
		select {
		case j, ok := <-w.queue:
			if !ok {
				return batch
			}
			batch = w.claim(batch, j)
		case <-timeout:
			return batch
		}
	}
	return batch
}

func (w *Writer) claim(batch []*job, j *job) []*job {
	if j.ctx.Err() != nil {
		if j.state.CompareAndSwap(jobQueued, jobCancelled) {
			j.finish(j.ctx.Err())
		}
		return batch
	}
	if !j.state.CompareAndSwap(jobQueued, jobStarted) {
		return batch // the caller gave up and returned
	}
	return append(batch, j)
}

// commit runs one batch transaction and acknowledges every job after it ends.
func (w *Writer) commit(batch []*job) {
	errs := make([]error, len(batch))
	err := w.db.batch(func(tx *sql.Tx) error {
		for i, j := range batch {
			errs[i] = runJob(tx, j.fn)
			if errors.Is(errs[i], errBrokenTx) {
				return errs[i]
			}
		}
		if w.cfg.BeforeCommit != nil {
			w.cfg.BeforeCommit()
		}
		return nil
	})
	w.count(len(batch), err == nil)
	for i, j := range batch {
		switch {
		case err == nil || errs[i] != nil && !errors.Is(errs[i], errBrokenTx):
			// Committed, or the job failed on its own and stored nothing either way.
			j.finish(errs[i])
		default:
			j.finish(err)
		}
	}
}

// errBrokenTx marks a batch whose transaction SQLite rolled back under it
// (some I/O errors and interrupts do): no further job may run in it, or its
// statements would autocommit one by one.
var errBrokenTx = errors.New("db: batch transaction was rolled back")

// runJob runs fn in a savepoint. An error from fn rolls back to the savepoint;
// if the savepoint itself is gone, the whole transaction is, and errBrokenTx
// is returned.
func runJob(tx *sql.Tx, fn func(*sql.Tx) error) (err error) {
	if _, err := tx.Exec("SAVEPOINT j"); err != nil {
		return fmt.Errorf("%w: %w: %w", ErrUnavailable, errBrokenTx, err)
	}
	ferr := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				// The panic value may hold PHI: report only its type.
				err = fmt.Errorf("db: write job panicked (%T)", r)
			}
		}()
		return fn(tx)
	}()
	if ferr != nil {
		if _, err := tx.Exec("ROLLBACK TO j"); err != nil {
			return fmt.Errorf("%w: %w: %w", ErrUnavailable, errBrokenTx, err)
		}
	}
	if _, err := tx.Exec("RELEASE j"); err != nil {
		return fmt.Errorf("%w: %w: %w", ErrUnavailable, errBrokenTx, err)
	}
	return classify(ferr)
}

func (w *Writer) count(n int, committed bool) {
	w.statsMu.Lock()
	defer w.statsMu.Unlock()
	if !committed {
		w.stats.FailedBatches++
		return
	}
	w.stats.Batches++
	w.stats.Jobs += int64(n)
	w.stats.MaxBatchSize = max(w.stats.MaxBatchSize, int64(n))
	if n > 1 {
		w.stats.BatchesOverOne++
	}
}
