package export

import (
	"encoding/json"
	"strconv"

	"github.com/backintake/backintake/screening"
)

// riskAssessmentOf expresses a screening result as one FHIR R4 RiskAssessment.
//
// Why RiskAssessment: a screening result is one assessment of one patient at
// one time, by one method (our rules version), based on one
// QuestionnaireResponse, with several possible outcomes each graded
// qualitatively — exactly RiskAssessment's shape (status, method, subject,
// basis, prediction[].outcome/qualitativeRisk/rationale). Flag resources would
// need one resource per flag and have no place for the rules version, the
// scores or the link to the response; a bare extension on the
// QuestionnaireResponse would hide the result from systems that do not know it.
//
// Mapping (all URLs under base):
//   - status "final"; method = rules_version in CodeSystem/screening-rules;
//     subject → Patient; basis → QuestionnaireResponse;
//   - one prediction per flag, in the result's order: outcome = the rule id in
//     CodeSystem/screening-flag, qualitativeRisk = the severity in
//     CodeSystem/screening-severity, rationale = the therapist-facing message,
//     extensions StructureDefinition/screening-flag-category (valueCode),
//     screening-flag-kind (valueCode, needling flags) and screening-flag-source
//     (valueString, one per citation key);
//   - extensions StructureDefinition/screening-highest-severity (valueCode),
//     screening-needling-status (valueCode), screening-guardian-age
//     (valueInteger, years) and screening-scores (complex: one sub-extension
//     per computed score, named as the CSV column, valueInteger, valueDecimal
//     with one decimal, or valueCode for chronicity).
func riskAssessmentOf(res screening.Result, intakeID, base, patientID, responseID string) riskAssessment {
	sd := base + "/StructureDefinition/"
	ra := riskAssessment{
		ResourceType: "RiskAssessment",
		ID:           resourceID("screening", intakeID),
		Identifier:   []identifier{intakeIdentifier(base, intakeID)},
		Status:       "final",
		Method: &codeableConcept{
			Coding: []coding{{System: base + "/CodeSystem/screening-rules", Code: res.RulesVersion}},
			Text:   "backintake screening rules " + res.RulesVersion,
		},
		Code:    &codeableConcept{Text: "Back-pain intake screening: red flags, patterns, dry-needling safety, psychosocial flags"},
		Subject: reference{Reference: "Patient/" + patientID},
		Basis:   []reference{{Reference: "QuestionnaireResponse/" + responseID}},
	}
	if res.HighestSeverity != "" {
		ra.Extension = append(ra.Extension, extension{URL: sd + "screening-highest-severity", ValueCode: string(res.HighestSeverity)})
	}
	if res.NeedlingStatus != "" {
		ra.Extension = append(ra.Extension, extension{URL: sd + "screening-needling-status", ValueCode: string(res.NeedlingStatus)})
	}
	if res.GuardianAge > 0 {
		ra.Extension = append(ra.Extension, extension{URL: sd + "screening-guardian-age", ValueInteger: ptr(res.GuardianAge)})
	}
	if scores := scoreExtensions(res.Scores); len(scores) > 0 {
		ra.Extension = append(ra.Extension, extension{URL: sd + "screening-scores", Extension: scores})
	}
	for _, fl := range res.Flags {
		p := prediction{
			Outcome: &codeableConcept{Coding: []coding{{System: base + "/CodeSystem/screening-flag", Code: fl.ID}}},
			QualitativeRisk: &codeableConcept{Coding: []coding{{
				System: base + "/CodeSystem/screening-severity", Code: string(fl.Severity)}}},
			Rationale: fl.Message,
		}
		if fl.Category != "" {
			p.Extension = append(p.Extension, extension{URL: sd + "screening-flag-category", ValueCode: string(fl.Category)})
		}
		if fl.Kind != "" {
			p.Extension = append(p.Extension, extension{URL: sd + "screening-flag-kind", ValueCode: string(fl.Kind)})
		}
		for _, s := range fl.Source {
			p.Extension = append(p.Extension, extension{URL: sd + "screening-flag-source", ValueString: s})
		}
		ra.Prediction = append(ra.Prediction, p)
	}
	return ra
}

// scoreExtensions lists the computed scores as sub-extensions named as the CSV
// score columns; scores that were not computable are left out.
func scoreExtensions(s screening.Scores) []extension {
	var out []extension
	integer := func(name string, n *int) {
		if n != nil {
			out = append(out, extension{URL: name, ValueInteger: n})
		}
	}
	decimal := func(name string, x *float64) {
		if x != nil {
			out = append(out, extension{URL: name, ValueDecimal: json.Number(strconv.FormatFloat(*x, 'f', 1, 64))})
		}
	}
	integer("age", s.Age)
	integer("nprs_back_now", s.NPRSBackNow)
	integer("nprs_back_avg", s.NPRSBackAvg)
	integer("nprs_back_worst", s.NPRSBackWorst)
	integer("nprs_leg_avg", s.NPRSLegAvg)
	decimal("peg", s.PEG)
	decimal("psfs", s.PSFS)
	if s.Chronicity != "" {
		out = append(out, extension{URL: "chronicity", ValueCode: s.Chronicity})
	}
	integer("qtf", s.QTF)
	return out
}
