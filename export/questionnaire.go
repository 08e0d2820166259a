package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// FHIR and SDC extension URLs used by the Questionnaire.
const (
	extMinValue           = "http://hl7.org/fhir/StructureDefinition/minValue"
	extMaxValue           = "http://hl7.org/fhir/StructureDefinition/maxValue"
	extOptionExclusive    = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
	extEnableWhenFHIRPath = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)

// fhirTypes maps our item types to Questionnaire.item.type (R4); multi is a
// repeating choice.
var fhirTypes = map[intake.Type]string{
	intake.TypeString: "string",
	intake.TypeText:   "text",
	intake.TypeDate:   "date",
	intake.TypeInt:    "integer",
	intake.TypeBool:   "boolean",
	intake.TypeChoice: "choice",
	intake.TypeMulti:  "choice",
}

// Questionnaire returns q as a FHIR R4 Questionnaire in indented JSON: url
// <base>/Questionnaire/back-pain-intake, version "1", status active, one group
// item per section with its items (type, English text, required, repeats for
// multi, maxLength for string and text, answerOption valueCoding with display
// for choice and multi, enableWhen with enableBehavior "any" when there is more
// than one condition, minValue/maxValue extensions for int ranges and the
// earliest birth date, questionnaire-optionExclusive on "none"/"nothing").
//
// The guardian rule (patient.guardian_name is enabled while the age on the
// submission date is below guardianAge years; <= 0 means screening.DefaultGuardianAge)
// is an SDC enableWhenExpression in FHIRPath. The server enforces it and every
// other rule FHIR cannot state (see docs/fhir.md). base "" means DefaultBase.
// It returns an error for a nil q, a bad base, or an item type or enableWhen
// answer it cannot express.
func Questionnaire(q *intake.Questionnaire, base string, guardianAge int) ([]byte, error) {
	if q == nil {
		return nil, errors.New("export: questionnaire is nil")
	}
	base, err := normaliseBase(base)
	if err != nil {
		return nil, err
	}
	if guardianAge <= 0 {
		guardianAge = screening.DefaultGuardianAge
	}
	res := questionnaireResource{
		ResourceType: "Questionnaire",
		ID:           intake.QuestionnaireID,
		Language:     "en",
		URL:          base + "/Questionnaire/" + intake.QuestionnaireID,
		Version:      intake.QuestionnaireVersion,
		Name:         "BackPainIntake",
		Title:        "Back-pain intake",
		Status:       "active",
		SubjectType:  []string{"Patient"},
		Description: "Pre-visit back-pain intake of a physical-therapy clinic. The server also enforces " +
			"rules this resource cannot state: name, phone and email formats, yes-only consent, " +
			"cross-field checks and the guardian-age rule.",
	}
	for _, s := range q.Sections {
		group := questionnaireItem{LinkID: s.ID, Type: "group", Text: english(messages.SectionTitle(s.ID), s.ID)}
		for _, it := range s.Items {
			qi, err := questionnaireItemOf(q, it, base, guardianAge)
			if err != nil {
				return nil, err
			}
			group.Item = append(group.Item, qi)
		}
		res.Item = append(res.Item, group)
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: questionnaire: %w", err)
	}
	return out, nil
}

// questionnaireItemOf expresses one item; see Questionnaire.
func questionnaireItemOf(q *intake.Questionnaire, it *intake.Item, base string, guardianAge int) (questionnaireItem, error) {
	typ, ok := fhirTypes[it.Type]
	if !ok {
		return questionnaireItem{}, fmt.Errorf("export: questionnaire: %s: no FHIR type for %q", it.LinkID, it.Type)
	}
	qi := questionnaireItem{
		LinkID:   it.LinkID,
		Text:     english(messages.ItemText(it.LinkID), it.LinkID),
		Type:     typ,
		Required: it.Required,
		Repeats:  it.Type == intake.TypeMulti,
	}
	if it.Type == intake.TypeString || it.Type == intake.TypeText {
		qi.MaxLength = it.MaxLen
	}
	if it.Type == intake.TypeInt {
		qi.Extension = append(qi.Extension,
			extension{URL: extMinValue, ValueInteger: ptr(it.Min)},
			extension{URL: extMaxValue, ValueInteger: ptr(it.Max)})
	}
	if it.Type == intake.TypeDate && it.NotBefore != "" {
		qi.Extension = append(qi.Extension, extension{URL: extMinValue, ValueDate: it.NotBefore})
	}
	if it.GuardianRule {
		qi.Extension = append(qi.Extension, extension{URL: extEnableWhenFHIRPath, ValueExpression: &expression{
			Language:   "text/fhirpath",
			Expression: guardianExpression(guardianAge),
		}})
	}
	for _, code := range it.Options {
		opt := answerOption{ValueCoding: *optionCoding(it, code, base)}
		if code == it.Exclusive {
			opt.Extension = []extension{{URL: extOptionExclusive, ValueBoolean: ptr(true)}}
		}
		qi.AnswerOption = append(qi.AnswerOption, opt)
	}
	for _, c := range it.EnableWhen {
		ew, err := enableWhenOf(q, it, c, base)
		if err != nil {
			return qi, err
		}
		qi.EnableWhen = append(qi.EnableWhen, ew)
	}
	if len(qi.EnableWhen) > 1 {
		qi.EnableBehavior = "any"
	}
	return qi, nil
}

// enableWhenOf expresses one condition: "exists" as answerBoolean true, a bool
// answer as answerBoolean, a code as answerCoding in the trigger item's code
// system. For "!=" our rule is "answered and different"; FHIR R4 leaves the
// unanswered case open, and the server decides (docs/fhir.md).
func enableWhenOf(q *intake.Questionnaire, it *intake.Item, c intake.Condition, base string) (enableWhen, error) {
	trigger := q.Item(c.Question)
	if trigger == nil {
		return enableWhen{}, fmt.Errorf("export: questionnaire: %s: enableWhen names unknown linkId %s", it.LinkID, c.Question)
	}
	ew := enableWhen{Question: c.Question, Operator: string(c.Op)}
	if c.Op == intake.OpExists {
		ew.AnswerBoolean = ptr(true)
		return ew, nil
	}
	switch v := c.Answer.(type) {
	case bool:
		ew.AnswerBoolean = ptr(v)
	case string:
		ew.AnswerCoding = &coding{System: codeSystem(base, trigger), Code: v}
	default:
		return ew, fmt.Errorf("export: questionnaire: %s: enableWhen answer of type %T", it.LinkID, c.Answer)
	}
	return ew, nil
}

// guardianExpression is true while the birth date is after today minus
// guardianAge years, i.e. while the age in full years is below guardianAge
// (spec/questionnaire.md "Dates and age"). FHIRPath's today() is the client's
// date; the server uses the submission date in the clinic's time zone.
func guardianExpression(guardianAge int) string {
	return "%resource.repeat(item).where(linkId='patient.birth_date').answer.value > today() - " +
		strconv.Itoa(guardianAge) + " years"
}
