package export

import (
	"fmt"
	"strings"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// Record is one intake with its newest screening result, as the exports show it.
// A zero Screening (empty RulesVersion) means the intake has no result: the CSV
// leaves the screening columns empty and the FHIR Bundle has no RiskAssessment.
type Record struct {
	Intake    intake.Intake
	Screening screening.Result
}

// questionnaireOf returns the definition an intake was answered against, or an
// error naming the intake id when its version is not one this build knows.
// An empty version is taken as the current one.
func questionnaireOf(in intake.Intake) (*intake.Questionnaire, error) {
	switch in.QuestionnaireVersion {
	case "", intake.Canonical:
		return intake.V1, nil
	}
	return nil, fmt.Errorf("export: intake %s: unsupported questionnaire version %q", in.ID, in.QuestionnaireVersion)
}

// scoreColumns are the CSV score columns, in the order of screening.Scores.
var scoreColumns = []string{"age", "nprs_back_now", "nprs_back_avg", "nprs_back_worst", "nprs_leg_avg",
	"peg", "psfs", "chronicity", "qtf"}

// scoreCells returns the scores as text in scoreColumns order; a score that was
// not computable is "". Decimal scores keep their one decimal ("5.0"), as
// spec/screening.md defines them.
func scoreCells(s screening.Scores, dst []string) []string {
	return append(dst, intCell(s.Age), intCell(s.NPRSBackNow), intCell(s.NPRSBackAvg), intCell(s.NPRSBackWorst),
		intCell(s.NPRSLegAvg), decimalCell(s.PEG), decimalCell(s.PSFS), s.Chronicity, intCell(s.QTF))
}

// flagIDs joins the flags' rule ids with ";" in the result's order.
func flagIDs(flags []screening.Flag) string {
	switch len(flags) {
	case 0:
		return ""
	case 1:
		return flags[0].ID
	}
	var b strings.Builder
	for i, f := range flags {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(f.ID)
	}
	return b.String()
}
