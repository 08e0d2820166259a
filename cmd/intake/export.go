package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/export"
	"github.com/backintake/backintake/intake"
)

// runExport streams intakes to stdout as CSV or as a FHIR R4 Bundle (issue 6):
//
//	intake export csv [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--no-bom] [--db FILE]
//	intake export fhir [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--db FILE] [--fhir-base URL]
//
// --from and --to are inclusive submission dates. The stored submission date
// is already the calendar date in the clinic's time zone (INTAKE_TZ at the time
// of submission), so the filter compares dates and needs no zone here. Without
// them every intake is exported. Voided intakes are left out; each intake comes
// with its newest screening result. An "export_started" audit row (format and
// range as db.ExportRange writes it) is committed before the first byte and an
// "export_finished" row (row count, outcome ok, client_gone or error) after
// the last. A bad date or an unknown format is a usage error (exit 2).
func runExport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || (args[0] != "csv" && args[0] != "fhir") {
		return usagef("export needs the format csv or fhir first")
	}
	format := args[0]
	settings := clinicSetting(0)
	if format == "fhir" {
		settings = settingFHIRBase
	}
	cfg, fs, err := cliFlags(env, "export "+format, settings)
	if err != nil {
		return err
	}
	from := fs.String("from", "", "first submission date, YYYY-MM-DD, inclusive (clinic time zone)")
	to := fs.String("to", "", "last submission date, YYYY-MM-DD, inclusive (clinic time zone)")
	noBOM := new(bool)
	if format == "csv" {
		fs.BoolVar(noBOM, "no-bom", false, "CSV without the UTF-8 byte order mark (Excel needs the BOM for accents)")
	}
	pos, err := fs.parse(args[1:])
	if err != nil {
		return err
	}
	if err := cfg.checkClinic(); err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	filter, err := exportFilter(*from, *to)
	if err != nil {
		return usagef("%v", err)
	}

	fhirOpt := export.FHIROptions{Base: cfg.FHIRBase, Timestamp: time.Now()}
	if format == "fhir" {
		if _, err := export.NewFHIR(io.Discard, fhirOpt); err != nil { // a bad base fails before any audit row
			return fmt.Errorf("INTAKE_FHIR_BASE: %w", err)
		}
	}

	d, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()

	// The export allocates ~100 MB/s while its live heap stays a few MB; on a
	// busy machine the GC lags and RSS has peaked at 60 MB instead of 30. A
	// soft limit on Go's memory keeps the process flat (GOMEMLIMIT overrides).
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(exportMemoryLimit))
	}

	// A reader that goes away (`intake export csv | head`) must not kill the
	// process before the "export_finished" row is written: with SIGPIPE
	// ignored the write fails with EPIPE instead.
	signal.Ignore(syscall.SIGPIPE)

	rng := db.ExportRange(format, filter.From, filter.To)
	if err := audit(ctx, env, d, db.AuditEntry{Action: db.ActionExportStarted, Range: rng, Outcome: db.OutcomeOK}); err != nil {
		return err
	}
	rows, err := streamExport(ctx, d, env.stdout, format, filter, export.CSVOptions{NoBOM: *noBOM}, fhirOpt)
	outcome := db.OutcomeOK
	switch {
	case errors.Is(err, syscall.EPIPE):
		outcome = db.OutcomeClientGone
	case err != nil:
		outcome = db.OutcomeError
	}
	aerr := audit(ctx, env, d, db.AuditEntry{Action: db.ActionExportFinished, Range: rng, RowCount: rows, Outcome: outcome})
	return errors.Join(err, aerr)
}

// exportMemoryLimit is the export's soft limit on the Go runtime's memory
// (heap, stacks, metadata; not SQLite's page cache or the binary), in bytes.
const exportMemoryLimit = 32 << 20

// exportFilter parses the --from and --to dates ("" leaves a side open).
func exportFilter(from, to string) (db.Filter, error) {
	var f db.Filter
	var err error
	if from != "" {
		if f.From, err = intake.ParseDate(from); err != nil {
			return db.Filter{}, fmt.Errorf("--from: %v", err)
		}
	}
	if to != "" {
		if f.To, err = intake.ParseDate(to); err != nil {
			return db.Filter{}, fmt.Errorf("--to: %v", err)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return db.Filter{}, fmt.Errorf("--to %s is before --from %s", f.To, f.From)
	}
	return f, nil
}

// recordWriter is what the two export encoders have in common.
type recordWriter interface {
	Write(export.Record) error
	Close() error
}

// csvCloser gives the CSV encoder the FHIR encoder's Close.
type csvCloser struct{ *export.CSVWriter }

func (c csvCloser) Close() error { return c.Flush() }

// streamExport writes the intakes matching f to w in format, one record at a
// time (db.Each streams; the encoders keep nothing between records), and
// returns how many intakes were written. Each intake carries its newest
// screening result.
func streamExport(ctx context.Context, d *db.DB, w io.Writer, format string, f db.Filter,
	csvOpt export.CSVOptions, fhirOpt export.FHIROptions) (int64, error) {
	var enc recordWriter
	switch format {
	case "csv":
		c, err := export.NewCSV(w, csvOpt)
		if err != nil {
			return 0, err
		}
		enc = csvCloser{c}
	case "fhir":
		fw, err := export.NewFHIR(w, fhirOpt)
		if err != nil {
			return 0, err
		}
		enc = fw
	default:
		return 0, fmt.Errorf("unknown export format %q", format)
	}
	var rows int64
	err := d.Each(ctx, f, func(in intake.Intake, ss []db.StoredScreening) error {
		rec := export.Record{Intake: in}
		if len(ss) > 0 {
			rec.Screening = ss[len(ss)-1].Result // oldest first: the last is the newest
		}
		if err := enc.Write(rec); err != nil {
			return err
		}
		rows++
		return nil
	})
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	return rows, err
}
