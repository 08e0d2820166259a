// Package pdf renders the therapist's summary of one intake as a PDF with
// jung-kurt/gofpdf: page 1 is the summary a physical therapist reads in 30
// seconds (patient, flags panel, dry-needling status, scores, body chart,
// symptoms, goals); page 2 onward lists every answer with its English
// question text. Text is drawn in embedded DejaVu Sans; runes it cannot draw
// become a visible marker with a note on the page. The output is a pure
// function of its inputs: the same intake gives the same bytes.
//
// pdf does no I/O but the writer it is given: no database, no HTTP.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
	"github.com/jung-kurt/gofpdf"
)

// Options are the clinic settings the PDF needs.
type Options struct {
	ClinicName string         // printed at the top of page 1; "" prints "Clinic"
	Location   *time.Location // clinic time zone for the submission date/time; nil means UTC
	Paper      string         // "letter" (default when "") or "a4", any case
}

// ErrPaper is returned for an Options.Paper other than "", "letter" or "a4".
var ErrPaper = errors.New("pdf: paper must be letter or a4")

// Render writes the summary PDF of one intake with its (newest) screening
// result to w. The document's creation and modification dates are
// in.CreatedAt and nothing in it is random, so rendering the same intake
// twice gives identical bytes. Page 1 is the summary; answers follow from
// page 2. The PDF is built in memory and written only when complete: on error
// nothing is written. Render is safe for concurrent use. It returns ErrPaper for an
// unknown paper size, an error wrapping gofpdf's on a failed render (never
// with patient data in its text), or the writer's error.
func Render(w io.Writer, in intake.Intake, res screening.Result, opt Options) (err error) {
	size, err := paperSize(opt.Paper)
	if err != nil {
		return err
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	fs, err := loadFonts()
	if err != nil {
		return err
	}
	// gofpdf panics on some inputs (for example runes outside its width
	// tables); text is cleaned first, so this is the last resort.
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r)
		}
	}()
	p := gofpdf.New("P", "mm", size, "")
	created := in.CreatedAt
	if created.IsZero() {
		created = time.Unix(0, 0) // gofpdf would use the clock for a zero time
	}
	p.SetCreationDate(created)
	p.SetModificationDate(created)
	p.SetCatalogSort(true)
	p.SetProducer("backintake", false)
	p.SetTitle("Back-pain intake summary", false)
	p.SetAutoPageBreak(false, 0)
	p.SetMargins(marginX, marginTop, marginX)
	p.AliasNbPages(pageCountAlias)
	fs.addTo(p)
	if p.Err() {
		return fmt.Errorf("pdf: set up document: %w", p.Error())
	}
	pw, ph := p.GetPageSize()
	d := &doc{pdf: p, fs: fs, pageW: pw, pageH: ph, footer: footerText(in)}
	d.newPage()
	rest := d.page1(in, res, opt)
	total := len(res.Flags)
	for len(rest) > 0 {
		d.newPage()
		rest = d.flagsPanel(rest, total, "", d.bottom()-d.y, false)
		d.y += gap
	}
	if d.pdf.PageNo() == 1 {
		d.newPage()
	}
	d.answers(in)
	d.finish()
	if p.Err() {
		return fmt.Errorf("pdf: render: %w", p.Error())
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		return fmt.Errorf("pdf: output: %w", err)
	}
	if p.Err() {
		return fmt.Errorf("pdf: output: %w", p.Error())
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func paperSize(paper string) (string, error) {
	switch strings.ToLower(paper) {
	case "", "letter":
		return "Letter", nil
	case "a4":
		return "A4", nil
	}
	return "", ErrPaper
}

// footerText identifies the patient on every page.
func footerText(in intake.Intake) string {
	s := oneLine(in.PatientName())
	if b := in.Answers.String("patient.birth_date"); b != "" {
		s += " · born " + b
	}
	if in.ID != "" {
		s += " · intake " + in.ID
	}
	return s
}

// panicError turns a recovered panic into an error without the panic's value
// unless it is a runtime error (whose text carries no patient data).
func panicError(r any) error {
	if re, ok := r.(runtime.Error); ok {
		return fmt.Errorf("pdf: render failed: %v", re)
	}
	return errors.New("pdf: render failed")
}
