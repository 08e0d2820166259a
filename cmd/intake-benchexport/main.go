// Command intake-benchexport is the export benchmark of issue 6 (also used by
// issue 8): it builds a database of synthetic intakes once, then runs
// `intake export csv` and `intake export fhir` over it as separate processes
// and prints rows/s and each exporting process's own peak RSS.
//
//	go run ./cmd/intake-benchexport -intake ./bin/intake [-n 100000] [-db .cache/bench/export-clinic-100000.db] [-runs 3] [-check]
//
// scripts/bench-export builds the binary and calls this. Targets: CSV over
// 20,000 rows/s; peak RSS under 64 MB for both formats. The numbers depend on
// the machine and on what else runs on it: the load average is printed with
// the table, and rows per CPU-second are shown beside wall-clock rows/s.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/backintake/backintake/db"
)

// Targets (issue 6 "Done when").
const (
	targetCSVRowsPerSec = 20000
	targetMaxRSS        = 64 << 20
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "intake-benchexport:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("intake-benchexport", flag.ContinueOnError)
	n := fs.Int("n", 100000, "intakes in the benchmark database")
	dbPath := fs.String("db", "", "benchmark database (default .cache/bench/export-<n>.db); built when missing")
	bin := fs.String("intake", "", "the intake binary to measure (go build -o bin/intake ./cmd/intake)")
	runs := fs.Int("runs", 3, "runs per format; the median is shown")
	formats := fs.String("formats", "csv,fhir", "comma-separated export formats")
	seed := fs.Uint64("seed", 1, "seed of the synthetic answers")
	check := fs.Bool("check", false, "exit 1 when a target is missed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *runs < 1 {
		return errors.New("-n and -runs must be at least 1")
	}
	if *dbPath == "" {
		// The data mix is in the name, so a file built from other data is never reused.
		*dbPath = filepath.Join(".cache", "bench", fmt.Sprintf("export-clinic-%d.db", *n))
	}
	if err := ensureDB(ctx, *dbPath, *n, *seed, out); err != nil {
		return err
	}
	if *bin == "" {
		return errors.New("-intake: path of the intake binary to measure is required")
	}

	var results []measurement
	for _, format := range strings.Split(*formats, ",") {
		var ms []measurement
		for range *runs {
			m, err := measure(ctx, *bin, *dbPath, format)
			if err != nil {
				return err
			}
			if m.rows != int64(*n) {
				return fmt.Errorf("%s export wrote %d rows, want %d", format, m.rows, *n)
			}
			ms = append(ms, m)
		}
		results = append(results, summary(ms))
	}
	missed := report(out, results, *dbPath, *runs)
	if *check && missed {
		return errors.New("a target was missed")
	}
	return nil
}

// ensureDB builds the database unless it already holds exactly n intakes.
func ensureDB(ctx context.Context, path string, n int, seed uint64, out io.Writer) error {
	if _, err := os.Stat(path); err == nil {
		d, err := db.Open(ctx, path)
		if err != nil {
			return err
		}
		have, err := d.Count(ctx, db.Filter{IncludeVoided: true})
		d.Close()
		if err != nil {
			return err
		}
		if have != n {
			return fmt.Errorf("%s holds %d intakes, not %d: delete it (and its -wal, -shm) to rebuild", path, have, n)
		}
		return nil
	}
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "building %s with %d synthetic intakes...\n", path, n)
	start := time.Now()
	err = buildDB(ctx, path, n, seed, loc, func(done int) {
		if done%20000 == 0 {
			fmt.Fprintf(out, "  %d\n", done)
		}
	})
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Fprintf(out, "built in %.1f s (%.0f intakes/s, generation and screening included)\n", el.Seconds(), float64(n)/el.Seconds())
	return nil
}

// report prints the table and says whether a target was missed.
func report(out io.Writer, results []measurement, dbPath string, runs int) (missed bool) {
	size := "?"
	if st, err := os.Stat(dbPath); err == nil {
		size = fmt.Sprintf("%.0f MB", float64(st.Size())/(1<<20))
	}
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(out, "\nexport benchmark: %s (%s), median of %d runs, load average %s\n", dbPath, size, runs,
		strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\trows\twall s\trows/s\tCPU s\trows/CPU-s\tpeak RSS MB\ttarget\t")
	for _, m := range results {
		target := fmt.Sprintf("RSS < %d MB", targetMaxRSS>>20)
		ok := m.maxRSS < targetMaxRSS
		if m.format == "csv" {
			target = fmt.Sprintf("> %d rows/s, ", targetCSVRowsPerSec) + target
			ok = ok && m.rowsPerSec() > targetCSVRowsPerSec
		}
		verdict := "met"
		if !ok {
			verdict, missed = "MISSED", true
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.0f\t%.2f\t%.0f\t%.1f\t%s: %s\t\n", m.format, m.rows, m.wall.Seconds(),
			m.rowsPerSec(), m.cpu.Seconds(), m.rowsPerCPUSec(), float64(m.maxRSS)/(1<<20), target, verdict)
	}
	tw.Flush()
	return missed
}
