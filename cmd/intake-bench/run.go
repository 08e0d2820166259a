package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/ledger"
)

// writerSettings are the group-commit settings compared without HTTP
// (MaxBatch, MaxWait); the first is the server's.
var writerSettings = []struct {
	batch int
	wait  time.Duration
}{{64, 0}, {16, 0}, {256, 0}, {64, time.Millisecond}, {64, 3 * time.Millisecond}}

// pool is how many distinct intakes intake-load generates before each run
// and sends in turn, so that generation does not take CPU from the server on
// a small machine during the measurement.
const pool = "4096"

func runAll(ctx context.Context, o options) (*Report, error) {
	r := &Report{Started: time.Now().UTC(), Quick: o.quick, Duration: o.dur.Seconds()}
	defer func() {
		r.Seconds = time.Since(r.Started).Seconds()
		r.LoadEnd = loadavg()
	}()
	var err error
	if r.Machine, err = machine(o.work); err != nil {
		return r, err
	}
	// The 1-minute load average lags: the build just before adds up to about 1.
	if l := load1(); l > 1 {
		r.note("load average %.2f at the start: other work was probably sharing the %d cores, so the figures understate this machine", l, r.Machine.CPUs)
	}
	stamp := r.Started.Format("20060102-150405")
	dir := filepath.Join(o.work, "run-"+stamp)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return r, err
	}
	step := func(name string) {
		fmt.Fprintf(os.Stderr, "intake-bench: %s (%s)\n", name, time.Since(r.Started).Round(time.Second))
	}
	bin := func(name string) string { return filepath.Join(o.bin, name) }

	// 6. Per-intake CPU work (first: it needs a quiet machine and compiles the test binaries).
	step("validation, screening and PDF micro-benchmarks (go test -bench)")
	if err := micro(ctx, o, r); err != nil {
		return r, err
	}

	// 1. Storage ceilings, each from an empty database for as long as one load run.
	step("storage ceilings (fdatasync, SQLite one row per transaction, group commit)")
	r.Fsync = &Storage{}
	if err := runJSON(ctx, r.Fsync, bin("intake-bench-sqlite"), "--mode", "fsync", "--dir", dir, "--rows", "1000", "--json"); err != nil {
		return r, err
	}
	r.OneTx = &Storage{}
	if err := runJSON(ctx, r.OneTx, bin("intake-bench-sqlite"), "--mode", "onetx", "--db", filepath.Join(dir, "onetx.db"),
		"--duration", o.dur.String(), "--rows", "0", "--json"); err != nil {
		return r, err
	}
	o.discard(filepath.Join(dir, "onetx.db"))
	settings := writerSettings
	if o.quick {
		settings = settings[:1]
	}
	for i, s := range settings {
		var st Storage
		wdb := filepath.Join(dir, fmt.Sprintf("writer-%d.db", i))
		err := runJSON(ctx, &st, bin("intake-bench-sqlite"), "--mode", "writer", "--db", wdb,
			"--duration", (o.dur / 2).String(), "--rows", "0", "--clients", "32", "--max-batch", strconv.Itoa(s.batch), "--max-wait", s.wait.String(), "--json")
		if err != nil {
			return r, err
		}
		o.discard(wdb)
		r.Writer = append(r.Writer, st)
	}

	// 2. HTTP ceiling.
	step("HTTP ceiling (Fiber hello-world under intake-load)")
	hello, err := start(ctx, filepath.Join(dir, "hello.log"), bin("intake-bench-hello"), nil, "--addr", "{addr}")
	if err != nil {
		return r, err
	}
	for _, c := range o.levels {
		l, err := load(ctx, o, hello, "api", c, "")
		if err != nil {
			hello.stop()
			return r, err
		}
		r.Hello = append(r.Hello, l)
	}
	hello.stop()

	// 3. The real server: each level on a new empty database, like the
	// SQLite ceiling, after a short warm-up (so its database is a little
	// larger than the ceiling's); every ledger is verified after the stop.
	step("the server under load (intake serve, rate limit raised)")
	for _, c := range o.levels {
		l, err := serverLevel(ctx, o, r, dir, "api", c, nil)
		if err != nil {
			return r, err
		}
		r.Server = append(r.Server, l)
	}
	// The form level's server also serves the staff page for the PDF comparison.
	pdfDir := filepath.Join(dir, "pdf")
	if err := os.MkdirAll(pdfDir, 0o700); err != nil {
		return r, err
	}
	pdfArgs := []string{"--work", pdfDir, "--json"}
	if o.quick {
		pdfArgs = append(pdfArgs, "--ours", "20", "--cold", "2", "--warm", "5")
	}
	form, err := serverLevel(ctx, o, r, dir, "form", 32, func(srv *server, dbPath string) {
		if !staffRoutes(o.repo) {
			r.note("no staff pages yet: Chromium printed a plain HTML rendering of the same intake instead of the staff detail page")
			return
		}
		page, err := staffPage(ctx, o, srv, dbPath, pdfDir)
		if err != nil {
			r.note("staff detail page not available (%s): Chromium printed a plain HTML rendering of the same intake instead", firstLine(err.Error()))
			return
		}
		pdfArgs = append(pdfArgs, "--html", page, "--html-source", "staff detail page")
	})
	if err != nil {
		return r, err
	}
	r.Form = &form

	// 4. PDF.
	step("PDF: pdf.Render vs headless Chromium")
	r.PDF = &PDF{}
	if err := runJSON(ctx, r.PDF, bin("intake-bench-pdf"), pdfArgs...); err != nil {
		r.PDF = nil
		r.note("PDF comparison failed: %s", firstLine(err.Error()))
	}

	// 5. Export.
	if o.export == "" {
		r.note("export benchmark skipped (--export \"\")")
	} else if _, err := os.Stat(o.export); err != nil {
		r.note("export benchmark %s not found: CSV/FHIR export figures missing", o.export)
	} else {
		step("CSV and FHIR export (" + o.export + ")")
		args := []string{}
		if o.quick {
			args = append(args, "-n", "2000", "-runs", "1")
		}
		if err := exportBench(ctx, o.export, args, r); err != nil {
			r.note("export benchmark failed: %s", firstLine(err.Error()))
		}
	}
	return r, nil
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// staffRoutes reports whether the app has staff pages yet.
func staffRoutes(repo string) bool {
	b, err := os.ReadFile(filepath.Join(repo, "web", "routes.go"))
	return err == nil && strings.Contains(string(b), "/staff/intakes/")
}

// serverLevel starts `intake serve` on a new database, warms it up for a
// quarter of o.dur at 8 clients, measures c clients in mode for o.dur with a
// ledger, calls before (if set) while the server still runs, stops it and
// verifies the ledger against its database.
func serverLevel(ctx context.Context, o options, r *Report, dir, mode string, c int, before func(*server, string)) (Load, error) {
	name := fmt.Sprintf("server-%s-%d", mode, c)
	dbPath := filepath.Join(dir, name+".db")
	srv, err := start(ctx, filepath.Join(dir, name+".log"), filepath.Join(o.bin, "intake"),
		[]string{"INTAKE_PATIENT_RATE=1000000000/min", "INTAKE_LOG=json"}, "serve", "--addr", "{addr}", "--db", dbPath)
	if err != nil {
		return Load{}, err
	}
	defer srv.stop()
	if _, err := runLoad(ctx, o, srv, "api", 8, o.dur/4, ""); err != nil {
		return Load{}, err
	}
	lf := filepath.Join(dir, name+".jsonl")
	l, err := load(ctx, o, srv, mode, c, lf)
	if err != nil {
		return Load{}, err
	}
	if before != nil {
		before(srv, dbPath)
	}
	if err := srv.stop(); err != nil {
		r.note("%s: stop: %v", name, err)
	}
	if err := verify(ctx, dbPath, []string{lf}, r); err != nil {
		return l, err
	}
	o.discard(dbPath)
	return l, nil
}

// discard removes a database and its -wal and -shm files unless --keep.
func (o options) discard(dbPath string) {
	if o.keep {
		return
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}
}

// load runs intake-load for o.dur and records the server's CPU time meanwhile.
func load(ctx context.Context, o options, s *server, mode string, c int, ledgerFile string) (Load, error) {
	return runLoad(ctx, o, s, mode, c, o.dur, ledgerFile)
}

func runLoad(ctx context.Context, o options, s *server, mode string, c int, d time.Duration, ledgerFile string) (Load, error) {
	args := []string{"--url", s.base, "--mode", mode, "--concurrency", strconv.Itoa(c), "--duration", d.String(),
		"--pool", pool, "--json"}
	if ledgerFile != "" {
		args = append(args, "--ledger", ledgerFile)
	}
	var l Load
	cpu0 := s.cpu()
	err := runJSON(ctx, &l, filepath.Join(o.bin, "intake-load"), args...)
	l.ServerCPU = s.cpu() - cpu0
	return l, err
}

// verify checks every ledger against the stopped server's database.
func verify(ctx context.Context, dbPath string, ledgers []string, r *Report) error {
	d, err := db.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	for _, f := range ledgers {
		entries, err := ledger.Read(f)
		if err != nil {
			return err
		}
		if err := ledger.Verify(ctx, d, entries); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		r.Checked += len(entries)
	}
	return nil
}

// micro runs the per-intake benchmarks of intake, screening and pdf.
func micro(ctx context.Context, o options, r *Report) error {
	bt := "2s"
	if o.quick {
		bt = "100x"
	}
	v, err := goBench(ctx, "./intake", "^BenchmarkValidate", bt)
	if err != nil {
		return err
	}
	r.Micro.ValidateUS = v["BenchmarkValidate"]["ns/op"] / 1000
	r.Micro.ValidateGenUS = v["BenchmarkValidateGenerated"]["ns/op"] / 1000
	s, err := goBench(ctx, "./screening", "^BenchmarkRun$", bt)
	if err != nil {
		return err
	}
	r.Micro.ScreenUS = s["BenchmarkRun"]["ns/op"] / 1000
	p, err := goBench(ctx, "./pdf", "^BenchmarkRender$", bt)
	if err != nil {
		return err
	}
	r.Micro.PDFMS, r.Micro.PDFBytes = p["BenchmarkRender"]["ms/pdf"], p["BenchmarkRender"]["bytes/pdf"]
	return nil
}

// exportBench runs the export benchmark script and reads its table rows
// ("csv 100000 4.12 24271 3.90 25641 30.1 ...").
func exportBench(ctx context.Context, script string, args []string, r *Report) error {
	cmd := exec.CommandContext(ctx, script, args...)
	out, err := cmd.CombinedOutput()
	r.ExpOut = strings.TrimSpace(string(out))
	if err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(r.ExpOut, 3))
	}
	r.Export, err = parseExport(r.ExpOut)
	return err
}

// parseExport reads the csv and fhir lines of scripts/bench-export's table:
// format, rows, wall s, rows/s, CPU s, rows/CPU-s, peak RSS MB, target...
func parseExport(out string) ([]ExportRow, error) {
	var rows []ExportRow
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 7 || (f[0] != "csv" && f[0] != "fhir") {
			continue
		}
		var nums [6]float64
		for i := range nums {
			v, err := strconv.ParseFloat(f[1+i], 64)
			if err != nil {
				return nil, fmt.Errorf("cannot read the export table line %q", line)
			}
			nums[i] = v
		}
		rows = append(rows, ExportRow{Format: f[0], Rows: int(nums[0]), Seconds: nums[1], RowsPS: nums[2], CPU: nums[3], RSSMB: nums[5]})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no csv/fhir rows in its output: %s", lastLines(out, 3))
	}
	return rows, nil
}

func lastLines(s string, n int) string {
	l := strings.Split(s, "\n")
	return strings.Join(l[max(0, len(l)-n):], " | ")
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }
