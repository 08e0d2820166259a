package db

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// Benchmarks run on real files in the test's temporary folder with the
// production pragmas (synchronous=FULL: every commit waits for fsync), so the
// numbers depend on the disk. Compare the two:
//
//	go test ./db -run '^$' -bench 'SaveIntake|OneTxPerRow' -benchtime 2000x

// BenchmarkSaveIntake submits intakes from many goroutines through one
// Writer, as the server does; ms/commit is wall time per batch transaction.
func BenchmarkSaveIntake(b *testing.B) {
	d := openTest(b)
	w := NewWriter(d, WriterConfig{})
	defer w.Close()
	base := newIntake(b, "Ana", "Bench", t0)
	ctx := context.Background()
	b.SetParallelism(16) // 32 submitters on 2 cores, more on bigger machines
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			in := base
			in.ID = nextID()
			if _, err := w.SaveIntake(ctx, Submission{Intake: in, Screening: result(), Receipt: "r-" + in.ID}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	st := w.Stats()
	b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(st.Batches), "ms/commit")
	b.ReportMetric(float64(st.Jobs)/float64(st.Batches), "rows/commit")
	b.ReportMetric(float64(st.Jobs)/elapsed.Seconds(), "rows/s")
}

// BenchmarkInsertOneTxPerRow stores the same intake row by row, one
// transaction (and one fsync) each, without the Writer: the baseline that
// group commit improves on.
func BenchmarkInsertOneTxPerRow(b *testing.B) {
	d := openTest(b)
	base := newIntake(b, "Ana", "Bench", t0)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		in := base
		in.ID = nextID()
		err := d.Update(ctx, func(tx *sql.Tx) error {
			_, err := InsertIntake(tx, Submission{Intake: in, Screening: result(), Receipt: "r-" + in.ID})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(elapsed.Microseconds())/1000/float64(b.N), "ms/commit")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "rows/s")
}
