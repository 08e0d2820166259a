// Command intake-bench runs the whole benchmark of issue 8 on this machine and
// prints one side-by-side table; scripts/bench builds the binaries and calls
// it. Every figure comes from the same run, with work files under --work on
// the default filesystem (tmpfs is refused):
//
//  1. storage ceilings without HTTP (intake-bench-sqlite): fdatasync, SQLite
//     one row per transaction, group commit at several WriterConfig settings;
//  2. the HTTP ceiling: a Fiber hello-world (intake-bench-hello) under
//     intake-load;
//  3. the real server (`intake serve`, rate limit raised) under intake-load at
//     1, 8, 32 and 128 clients, plus the HTML form at 32; every acknowledged
//     intake is then verified in the database from the ledgers;
//  4. pdf.Render (go test -bench in pdf/) vs headless Chromium cold and warm
//     (intake-bench-pdf) printing the staff detail page of the same intake;
//  5. CSV and FHIR export of 100,000 intakes (scripts/bench-export);
//  6. validation and screening per intake (go test -bench).
//
// Results are also written as JSON to <work>/results.json; --print FILE shows
// a saved one again.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"
)

// options are the command-line settings.
type options struct {
	quick  bool
	work   string // work folder (absolute)
	bin    string // folder of the built binaries (absolute)
	repo   string // module root (absolute)
	export string // export benchmark script; "" skips it
	keep   bool   // keep the databases of the run
	levels []int
	dur    time.Duration
}

func main() {
	quick := flag.Bool("quick", false, "smoke run: short runs, fewer levels (the figures are not for BENCHMARKS.md)")
	work := flag.String("work", ".cache/bench", "work folder on the server's default filesystem (not tmpfs)")
	bin := flag.String("bin", ".cache/bench/bin", "folder holding intake, intake-load and the intake-bench-* binaries")
	export := flag.String("export", "scripts/bench-export", "export benchmark script (\"\" to skip)")
	keep := flag.Bool("keep", false, "keep the run's databases (several hundred MB) under --work")
	reprint := flag.String("print", "", "print the table of a saved results.json and exit")
	flag.Parse()
	if *reprint != "" {
		if err := printSaved(*reprint); err != nil {
			fmt.Fprintln(os.Stderr, "intake-bench:", err)
			os.Exit(1)
		}
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	o := options{quick: *quick, export: *export, keep: *keep, levels: []int{1, 8, 32, 128}, dur: 10 * time.Second}
	if o.quick {
		o.levels, o.dur = []int{1, 32}, 2*time.Second
	}
	var err error
	if o.repo, err = os.Getwd(); err == nil {
		if o.work, err = filepath.Abs(*work); err == nil {
			o.bin, err = filepath.Abs(*bin)
		}
	}
	if err == nil {
		err = os.MkdirAll(o.work, 0o700)
	}
	if err == nil {
		_, err = os.Stat(filepath.Join(o.repo, "go.mod"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "intake-bench: run from the module root:", err)
		os.Exit(2)
	}
	r, err := runAll(ctx, o)
	if r != nil {
		printReport(os.Stdout, r)
		if b, jerr := json.MarshalIndent(r, "", "  "); jerr == nil {
			_ = os.WriteFile(filepath.Join(o.work, "results.json"), b, 0o600)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "intake-bench:", err)
		if errors.Is(err, context.Canceled) {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

func printSaved(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	printReport(os.Stdout, &r)
	return nil
}
