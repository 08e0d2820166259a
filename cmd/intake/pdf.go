package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/pdf"
)

// runPDF writes the therapist's summary PDF of one intake to stdout (issue 5):
//
//	intake pdf ID > intake.pdf
//
// The PDF shows the newest screening result and is rendered with the
// clinic settings of pdfOptions (INTAKE_CLINIC_NAME, INTAKE_TZ, INTAKE_PAPER),
// the same inputs the server's GET /staff/intakes/{id}.pdf gives pdf.Render,
// so both give identical bytes. Each call writes a "pdf" audit row (outcome
// ok, or not_found for an unknown id) before any byte of the PDF. An unknown
// id is an error (exit 1); a terminal on stdout is a usage error (exit 2),
// checked before anything is read.
func runPDF(ctx context.Context, env *cliEnv, args []string) error {
	cfg, fs, err := cliFlags(env, "pdf", pdfSettings)
	if err != nil {
		return err
	}
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if err := cfg.checkClinic(); err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("pdf needs exactly one intake id")
	}
	id := pos[0]
	if isTerminal(env.stdout) {
		shown := "ID"
		if db.AuditIntakeID(id) != "" {
			shown = id
		}
		return usagef("the PDF would be written to the terminal as binary; redirect the output to a file: intake pdf %s > intake.pdf", shown)
	}
	opt, err := cfg.pdfOptions()
	if err != nil {
		return err
	}
	d, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()

	var buf bytes.Buffer
	err = renderPDF(ctx, d, id, opt, &buf)
	if errors.Is(err, db.ErrNotFound) {
		aerr := audit(ctx, env, d, db.AuditEntry{Action: db.ActionPDF, IntakeID: db.AuditIntakeID(id), Outcome: db.OutcomeNotFound})
		return errors.Join(notFound(id), aerr)
	}
	if err != nil {
		aerr := audit(ctx, env, d, db.AuditEntry{Action: db.ActionPDF, IntakeID: db.AuditIntakeID(id), Outcome: db.OutcomeError})
		return errors.Join(err, aerr)
	}
	// The PDF leaves the process only once its reading is on record.
	if err := audit(ctx, env, d, db.AuditEntry{Action: db.ActionPDF, IntakeID: id, RowCount: 1, Outcome: db.OutcomeOK}); err != nil {
		return err
	}
	signal.Ignore(syscall.SIGPIPE) // a closed stdout is an error message, not a silent death
	_, err = env.stdout.Write(buf.Bytes())
	return err
}

// renderPDF renders intake id with its newest screening result into buf.
// Returns an error wrapping db.ErrNotFound if there is no such intake.
func renderPDF(ctx context.Context, d *db.DB, id string, opt pdf.Options, buf *bytes.Buffer) error {
	in, err := d.Intake(ctx, id)
	if err != nil {
		return err
	}
	ss, err := d.Screenings(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		// Every stored intake has its submission-time result; a missing one
		// is damage, not an unknown id.
		return fmt.Errorf("intake %s has no screening result", id)
	}
	if err != nil {
		return err
	}
	return pdf.Render(buf, in, ss[len(ss)-1].Result, opt)
}

// isTerminal reports whether w is a terminal (a character device other than
// /dev/null), where a PDF's bytes would only garble the screen.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
