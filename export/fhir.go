package export

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// FHIROptions configure a FHIRWriter.
type FHIROptions struct {
	// Base is the canonical base URL (setting INTAKE_FHIR_BASE), an absolute
	// http(s) URL such as "https://clinic.example/fhir"; "" means DefaultBase.
	// It prefixes the Questionnaire canonical, our code systems, extensions,
	// identifier systems and each entry's fullUrl.
	Base string
	// Timestamp, when not zero, is written as Bundle.timestamp (the moment the
	// export was assembled, from the caller's clock).
	Timestamp time.Time
}

// FHIRWriter streams a FHIR R4 Bundle of type "collection". Each Record adds,
// in this order:
//   - a Patient "patient-<id>": name (given, family), birthDate, gender
//     (female, male; intersex → other; not_said → unknown), telecom phone and
//     email when answered, the guardian as a contact with relationship GUARD,
//     and the intake id as an identifier;
//   - a QuestionnaireResponse "response-<id>": status completed, authored =
//     created_at, questionnaire = <base>/Questionnaire/back-pain-intake|1,
//     subject → the Patient, one group item per section (about, pain,
//     symptoms, safety, needling, daily, consent) holding the answered items;
//   - when the record has a screening result, a RiskAssessment
//     "screening-<id>" (see riskAssessmentOf and docs/fhir.md for why).
//
// The Patient is per intake: intakes are not matched to one another, so the
// same person appears once per visit. Resource ids are derived from the intake
// id (see resourceID) and fullUrl is <base>/<type>/<id>, so references are the
// relative "Patient/<id>" form. Nothing is kept between records.
type FHIRWriter struct {
	w      *bufio.Writer
	enc    *json.Encoder
	base   string
	n      int // entries written
	closed bool
	err    error
}

// errClosed is returned by Write after Close.
var errClosed = errors.New("export: fhir: writer is closed")

// NewFHIR starts the Bundle on w and returns the writer. It returns an error
// if opt.Base is not an absolute http(s) URL. Output is buffered: call Close
// to finish the JSON and flush it (Flush pushes bytes out earlier).
func NewFHIR(w io.Writer, opt FHIROptions) (*FHIRWriter, error) {
	base, err := normaliseBase(opt.Base)
	if err != nil {
		return nil, err
	}
	f := &FHIRWriter{w: bufio.NewWriterSize(w, 32<<10), base: base}
	f.enc = json.NewEncoder(f.w)
	f.enc.SetEscapeHTML(false)
	f.w.WriteString(`{"resourceType":"Bundle","type":"collection"`)
	if !opt.Timestamp.IsZero() {
		f.w.WriteString(`,"timestamp":"` + opt.Timestamp.UTC().Format(time.RFC3339) + `"`)
	}
	return f, nil
}

// Write adds the record's resources to the Bundle. It returns an error naming
// the intake id (and linkId) when an answer has the wrong Go type, the answers
// hold an unknown linkId or the questionnaire version is unknown — in which
// case nothing of the record is written — and the writer's error once writing
// has failed (the error sticks).
func (f *FHIRWriter) Write(r Record) error {
	if f.err != nil {
		return f.err
	}
	if f.closed {
		return errClosed
	}
	q, err := questionnaireOf(r.Intake)
	if err != nil {
		return err
	}
	pat := patientOf(r.Intake, f.base)
	qr, err := responseOf(q, r.Intake, f.base, pat.ID)
	if err != nil {
		return err
	}
	f.entry("Patient", pat.ID, pat)
	f.entry("QuestionnaireResponse", qr.ID, qr)
	if r.Screening.RulesVersion != "" {
		ra := riskAssessmentOf(r.Screening, r.Intake.ID, f.base, pat.ID, qr.ID)
		f.entry("RiskAssessment", ra.ID, ra)
	}
	return f.err
}

// entry writes one Bundle.entry.
func (f *FHIRWriter) entry(resourceType, id string, resource any) {
	if f.err != nil {
		return
	}
	if f.n == 0 {
		f.w.WriteString(`,"entry":[`)
	} else {
		f.w.WriteByte(',')
	}
	f.n++
	f.w.WriteString(`{"fullUrl":"` + f.base + "/" + resourceType + "/" + id + `","resource":`)
	if err := f.enc.Encode(resource); err != nil {
		f.err = fmt.Errorf("export: fhir: %w", err)
		return
	}
	if _, err := f.w.WriteString("}"); err != nil {
		f.err = fmt.Errorf("export: fhir: %w", err)
	}
}

// Flush writes buffered bytes to the underlying writer and returns its error.
func (f *FHIRWriter) Flush() error {
	if f.err == nil {
		if err := f.w.Flush(); err != nil {
			f.err = fmt.Errorf("export: fhir: %w", err)
		}
	}
	return f.err
}

// Close ends the Bundle's JSON and flushes it. An empty Bundle has no "entry"
// (FHIR forbids empty arrays). Close returns the first write error; calling it
// again does nothing.
func (f *FHIRWriter) Close() error {
	if f.closed {
		return f.err
	}
	f.closed = true
	if f.err != nil {
		return f.err
	}
	if f.n > 0 {
		f.w.WriteByte(']')
	}
	f.w.WriteString("}\n")
	return f.Flush()
}
