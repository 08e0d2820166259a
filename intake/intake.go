package intake

import "time"

// Intake is one accepted submission as stored.
type Intake struct {
	ID                   string    // random, unguessable, URL-safe
	CreatedAt            time.Time // submission instant, UTC
	SubmissionDate       Date      // calendar date of CreatedAt in the clinic's time zone
	QuestionnaireVersion string    // Canonical at submission ("back-pain-intake|1")
	Lang                 string    // patient's language: en, es or vi
	Answers              Answers   // normalised enabled answers
}

// PatientName returns "given family" as typed (NFC, trimmed).
func (in Intake) PatientName() string {
	g, f := in.Answers.String("patient.given_name"), in.Answers.String("patient.family_name")
	switch {
	case g == "":
		return f
	case f == "":
		return g
	}
	return g + " " + f
}
