package web

import (
	"bufio"
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/export"
	"github.com/backintake/backintake/intake"
)

// exportFormat is one of the staff exports.
type exportFormat struct {
	name        string // "csv" or "fhir": the audit range's prefix
	ext         string
	contentType string
}

var (
	exportCSV  = exportFormat{name: "csv", ext: "csv", contentType: "text/csv; charset=utf-8"}
	exportFHIR = exportFormat{name: "fhir", ext: "fhir.json", contentType: "application/fhir+json; charset=utf-8"}
)

// exportTimeout bounds one streamed export.
const exportTimeout = 10 * time.Minute

// staffExport serves GET /staff/export.csv and /staff/export.fhir.json
// (?from=&to=, submission dates inclusive in the clinic's time zone; either
// may be empty). It writes "export_started" before the first byte and
// "export_finished" (row count; outcome ok, client gone or error) after the
// last, and streams rows from db.Each with each intake's newest result, so
// memory stays flat.
func (s *Server) staffExport(f exportFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentStaff(c)
		from, to, problem := exportDates(c.Query("from"), c.Query("to"))
		if problem != "" {
			return s.staffMessage(c, fiber.StatusBadRequest, u, "Export dates", problem)
		}
		rng := db.ExportRange(f.name, from, to)
		if err := s.audit(c, u, db.AuditEntry{Action: db.ActionExportStarted, Range: rng, Outcome: db.OutcomeOK}); err != nil {
			return s.staffUnavailable(c, u, err)
		}
		name := "intakes"
		if !from.IsZero() {
			name += "-from-" + from.String()
		}
		if !to.IsZero() {
			name += "-to-" + to.String()
		}
		noStore(c)
		c.Set(fiber.HeaderContentType, f.contentType)
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+f.ext+`"`)

		// The stream runs after the handler returns: copy what it needs now.
		finished := db.AuditEntry{Actor: u.actor(), Action: db.ActionExportFinished, Range: rng, ClientIP: c.IP()}
		filter := db.Filter{From: from, To: to}
		conn := c.Context().Conn()
		c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
			n, outcome := s.streamExport(&connWriter{w: w, conn: conn}, f, filter)
			finished.RowCount, finished.Outcome, finished.At = n, outcome, s.cfg.Now().UTC()
			ctx, cancel := context.WithTimeout(context.Background(), saveTimeout)
			defer cancel()
			if err := s.deps.Writer.Do(ctx, func(tx *sql.Tx) error { _, err := db.AppendAudit(tx, finished); return err }); err != nil {
				s.log.Error("export: audit row not stored", "action", db.ActionExportFinished, "error", err.Error())
			}
		})
		return nil
	}
}

// streamExport writes the export to w and returns the rows written and the
// outcome: ok, client gone (a write to the connection failed) or error.
func (s *Server) streamExport(cw *connWriter, f exportFormat, filter db.Filter) (int64, string) {
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	var n int64
	var err error
	switch f {
	case exportCSV:
		var enc *export.CSVWriter
		if enc, err = export.NewCSV(cw, export.CSVOptions{}); err == nil {
			err = s.deps.DB.Each(ctx, filter, func(in intake.Intake, ss []db.StoredScreening) error {
				if err := enc.Write(newestRecord(in, ss)); err != nil {
					return err
				}
				n++
				return nil
			})
			if ferr := enc.Flush(); err == nil {
				err = ferr
			}
		}
	default:
		var enc *export.FHIRWriter
		if enc, err = export.NewFHIR(cw, export.FHIROptions{Base: s.cfg.FHIRBase, Timestamp: s.cfg.Now()}); err == nil {
			err = s.deps.DB.Each(ctx, filter, func(in intake.Intake, ss []db.StoredScreening) error {
				if err := enc.Write(newestRecord(in, ss)); err != nil {
					return err
				}
				n++
				return nil
			})
			if cerr := enc.Close(); err == nil {
				err = cerr
			}
		}
	}
	if err == nil {
		err = cw.Flush()
	}
	switch {
	case cw.err != nil:
		return n, db.OutcomeClientGone
	case err != nil:
		// Errors from db and export name ids and linkIds only, never PHI.
		s.log.Error("export failed", "format", f.name, "rows", n, "error", err.Error())
		return n, db.OutcomeError
	}
	return n, db.OutcomeOK
}

// newestRecord pairs an intake with its newest screening result.
func newestRecord(in intake.Intake, ss []db.StoredScreening) export.Record {
	r := export.Record{Intake: in}
	if len(ss) > 0 {
		r.Screening = ss[len(ss)-1].Result
	}
	return r
}

// connWriter writes the export into fasthttp's stream writer. It remembers
// the first write error, to tell "client gone" from an export error, and
// pushes the connection's write deadline forward on every write: fasthttp
// sets it once (writeTimeout) before the response, which would cut off any
// export that takes longer than that in all, however fast the client reads.
type connWriter struct {
	w    *bufio.Writer
	conn interface{ SetWriteDeadline(time.Time) error } // nil in tests without a connection
	err  error
}

func (c *connWriter) Write(p []byte) (int, error) {
	if c.conn != nil {
		_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	}
	n, err := c.w.Write(p)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// Flush pushes buffered bytes to the client.
func (c *connWriter) Flush() error {
	if c.conn != nil {
		_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	}
	err := c.w.Flush()
	if err != nil && c.err == nil {
		c.err = err
	}
	return err
}

// exportDates parses ?from= and ?to= (YYYY-MM-DD, each optional); problem
// is the 400 message, or "".
func exportDates(fromText, toText string) (from, to intake.Date, problem string) {
	var err error
	if fromText = strings.TrimSpace(fromText); fromText != "" {
		if from, err = intake.ParseDate(fromText); err != nil {
			return from, to, "The “from” date must be a real calendar date written YYYY-MM-DD, for example 2026-01-31."
		}
	}
	if toText = strings.TrimSpace(toText); toText != "" {
		if to, err = intake.ParseDate(toText); err != nil {
			return from, to, "The “to” date must be a real calendar date written YYYY-MM-DD, for example 2026-01-31."
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return from, to, "The “to” date is before the “from” date."
	}
	return from, to, ""
}
