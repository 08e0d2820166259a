// Command intake-bench-sqlite measures what the disk and SQLite allow for
// storing intakes, without HTTP, on a database file opened exactly as the
// server opens it (db.Open: WAL, synchronous=FULL, foreign keys, busy timeout;
// every commit waits for fsync). Rows are realistic generated intakes with
// their screening result and receipt, the same rows the server stores.
//
//	intake-bench-sqlite --mode onetx  --db .cache/bench/ceiling.db --rows 2000
//	intake-bench-sqlite --mode onetx  --db .cache/bench/ceiling.db --duration 10s --rows 0
//	intake-bench-sqlite --mode writer --db .cache/bench/writer.db --rows 5000 --clients 32 --max-batch 64 --max-wait 0
//	intake-bench-sqlite --mode fsync  --dir .cache/bench --rows 500
//
// Modes:
//   - onetx: one row per transaction, one after another (db.Update +
//     db.InsertIntake): the SQLite one-row-per-transaction ceiling.
//   - writer: --clients goroutines call db.Writer.SaveIntake in a loop, as the
//     server's handlers do (group commit with --max-batch and --max-wait).
//   - fsync: write 4 KiB and fdatasync a plain file in --dir, --rows times: the
//     disk's own flush latency, which bounds every commit.
//
// The database file must not exist yet: every run starts from an empty
// database, and the rate falls as it grows (random ids spread index writes),
// so compare runs of the same length.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/screening"
)

// Result is what one run prints (as JSON with --json).
type Result struct {
	Mode        string  `json:"mode"`
	Rows        int     `json:"rows"`
	Clients     int     `json:"clients,omitempty"`
	MaxBatch    int     `json:"max_batch,omitempty"`
	MaxWaitMS   float64 `json:"max_wait_ms"`
	Seconds     float64 `json:"seconds"`
	RowsPS      float64 `json:"rows_per_s"`
	Commits     int64   `json:"commits"`
	MSPerCommit float64 `json:"ms_per_commit"` // wall time / commits
	RowsPerTx   float64 `json:"rows_per_commit"`
	P50MS       float64 `json:"p50_ms"` // per row (onetx, fsync) or per SaveIntake call (writer)
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
	CPUSeconds  float64 `json:"cpu_s"`
}

func main() {
	mode := flag.String("mode", "onetx", "onetx, writer or fsync")
	path := flag.String("db", ".cache/bench/ceiling.db", "database file to create (onetx, writer)")
	dir := flag.String("dir", ".cache/bench", "folder for the fsync file")
	rows := flag.Int("rows", 2000, "rows to insert (fsync: flushes); with --duration, at most this many (0: no limit)")
	dur := flag.Duration("duration", 0, "onetx, writer: insert for this long instead of a fixed number of rows")
	clients := flag.Int("clients", 32, "writer: concurrent submitters")
	maxBatch := flag.Int("max-batch", 64, "writer: WriterConfig.MaxBatch")
	maxWait := flag.Duration("max-wait", 0, "writer: WriterConfig.MaxWait")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()

	var res Result
	var err error
	switch *mode {
	case "onetx":
		res, err = oneTx(*path, *rows, *dur)
	case "writer":
		res, err = writer(*path, *rows, *dur, *clients, db.WriterConfig{MaxBatch: *maxBatch, MaxWait: *maxWait})
	case "fsync":
		res, err = fsync(*dir, *rows)
	default:
		err = fmt.Errorf("--mode must be onetx, writer or fsync")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "intake-bench-sqlite:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("%s: %d rows in %.2f s = %.0f rows/s; %d commits, %.2f ms/commit, %.1f rows/commit; p50 %.2f ms p99 %.2f ms max %.2f ms; CPU %.2f s\n",
		res.Mode, res.Rows, res.Seconds, res.RowsPS, res.Commits, res.MSPerCommit, res.RowsPerTx, res.P50MS, res.P99MS, res.MaxMS, res.CPUSeconds)
}

// submissions returns n distinct realistic submissions (validated answers and
// their screening result), generated before any timing starts.
func submissions(n int) ([]db.Submission, error) {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	on := intake.DateIn(now, loc)
	r := mrand.New(mrand.NewPCG(1, 2))
	out := make([]db.Submission, n)
	for i := range out {
		a, errs := intake.V1.Validate(gen.Clinic(r, intake.V1, on), intake.Context{SubmissionDate: on, GuardianAge: 18})
		if errs != nil {
			return nil, errs
		}
		out[i] = db.Submission{
			Intake: intake.Intake{CreatedAt: now, SubmissionDate: on, QuestionnaireVersion: intake.Canonical,
				Lang: "en", Answers: a},
			Screening: screening.Run(a, on, screening.Settings{GuardianAge: 18}),
		}
	}
	return out, nil
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// randomID is an id like the server's: 128 random bits in 26 base32 letters.
func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// fresh returns sub with a new id, receipt and creation time, as the server gives each request.
func fresh(sub db.Submission) db.Submission {
	sub.Intake.ID, sub.Receipt = randomID(), randomID()
	sub.Intake.CreatedAt = time.Now().UTC()
	return sub
}

func openNew(path string) (*db.DB, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%s exists: give a new file", path)
	}
	return db.Open(context.Background(), path)
}

// limits turns --rows and --duration into a row limit (0: none) and a deadline (zero: none).
func limits(rows int, dur time.Duration) (int, time.Time) {
	if dur <= 0 {
		return rows, time.Time{}
	}
	return rows, time.Now().Add(dur)
}

func done(i, rows int, deadline time.Time) bool {
	return rows > 0 && i >= rows || !deadline.IsZero() && time.Now().After(deadline)
}

func oneTx(path string, rows int, dur time.Duration) (Result, error) {
	subs, err := submissions(512)
	if err != nil {
		return Result{}, err
	}
	d, err := openNew(path)
	if err != nil {
		return Result{}, err
	}
	defer d.Close()
	h := newHist()
	ctx := context.Background()
	start, cpu0 := time.Now(), cpuTime()
	rows, deadline := limits(rows, dur)
	n := 0
	for ; !done(n, rows, deadline); n++ {
		sub := fresh(subs[n%len(subs)])
		t := time.Now()
		err := d.Update(ctx, func(tx *sql.Tx) error { _, err := db.InsertIntake(tx, sub); return err })
		if err != nil {
			return Result{}, err
		}
		record(h, time.Since(t))
	}
	return result("onetx", n, time.Since(start), cpuTime()-cpu0, int64(n), h), nil
}

func writer(path string, rows int, dur time.Duration, clients int, cfg db.WriterConfig) (Result, error) {
	subs, err := submissions(512)
	if err != nil {
		return Result{}, err
	}
	d, err := openNew(path)
	if err != nil {
		return Result{}, err
	}
	defer d.Close()
	w := db.NewWriter(d, cfg)
	var (
		next   atomic.Int64
		mu     sync.Mutex
		h      = newHist()
		firstE error
		wg     sync.WaitGroup
	)
	ctx := context.Background()
	start, cpu0 := time.Now(), cpuTime()
	rows, deadline := limits(rows, dur)
	var stored atomic.Int64
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if done(i, rows, deadline) {
					return
				}
				sub := fresh(subs[i%len(subs)])
				t := time.Now()
				_, err := w.SaveIntake(ctx, sub)
				el := time.Since(t)
				stored.Add(1)
				mu.Lock()
				record(h, el)
				if err != nil && firstE == nil {
					firstE = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	if err := w.Close(); err != nil {
		return Result{}, err
	}
	if firstE != nil {
		return Result{}, firstE
	}
	st := w.Stats()
	res := result("writer", int(stored.Load()), elapsed, cpu, st.Batches, h)
	res.Clients, res.MaxBatch, res.MaxWaitMS = clients, cfg.MaxBatch, float64(cfg.MaxWait.Microseconds())/1000
	return res, nil
}

func fsync(dir string, n int) (Result, error) {
	f, err := os.CreateTemp(dir, "fsync-*.bin")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	h := newHist()
	start, cpu0 := time.Now(), cpuTime()
	for i := range n {
		t := time.Now()
		if _, err := f.WriteAt(buf, int64(i%256)*4096); err != nil {
			return Result{}, err
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return Result{}, errors.Join(fmt.Errorf("fdatasync %s", filepath.Base(f.Name())), err)
		}
		record(h, time.Since(t))
	}
	return result("fsync", n, time.Since(start), cpuTime()-cpu0, int64(n), h), nil
}

func newHist() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(time.Minute/time.Microsecond), 3)
}

func record(h *hdrhistogram.Histogram, d time.Duration) {
	_ = h.RecordValue(min(max(d.Microseconds(), 1), h.HighestTrackableValue()))
}

func result(mode string, rows int, elapsed, cpu time.Duration, commits int64, h *hdrhistogram.Histogram) Result {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Result{Mode: mode, Rows: rows, Seconds: elapsed.Seconds(), RowsPS: float64(rows) / elapsed.Seconds(),
		Commits: commits, MSPerCommit: elapsed.Seconds() * 1000 / float64(commits), RowsPerTx: float64(rows) / float64(commits),
		P50MS: ms(h.ValueAtQuantile(50)), P99MS: ms(h.ValueAtQuantile(99)), MaxMS: ms(h.Max()), CPUSeconds: cpu.Seconds()}
}

// cpuTime is this process's user + system CPU time so far (getrusage).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
