package export

import (
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
)

// responseOf builds the QuestionnaireResponse for one intake: one group item
// per section with at least one answer, holding the answered items in
// questionnaire order (FHIR forbids items with neither answer nor item).
func responseOf(q *intake.Questionnaire, in intake.Intake, base, patientID string) (questionnaireResponse, error) {
	qr := questionnaireResponse{
		ResourceType:  "QuestionnaireResponse",
		ID:            resourceID("response", in.ID),
		Language:      in.Lang,
		Identifier:    ptr(intakeIdentifier(base, in.ID)),
		Questionnaire: base + "/Questionnaire/" + intake.Canonical,
		Status:        "completed",
		Subject:       &reference{Reference: "Patient/" + patientID},
		Authored:      in.CreatedAt.UTC().Format(time.RFC3339),
	}
	seen := 0
	for _, s := range q.Sections {
		var items []qrItem
		for _, it := range s.Items {
			v, ok := in.Answers[it.LinkID]
			if !ok {
				continue
			}
			seen++
			ans, err := answersOf(it, v, base)
			if err != nil {
				return qr, fmt.Errorf("export: intake %s: %w", in.ID, err)
			}
			if len(ans) > 0 {
				items = append(items, qrItem{LinkID: it.LinkID, Answer: ans})
			}
		}
		if len(items) > 0 {
			qr.Item = append(qr.Item, qrItem{LinkID: s.ID, Item: items})
		}
	}
	if seen != len(in.Answers) {
		return qr, fmt.Errorf("export: intake %s: answers hold a linkId not in %s", in.ID, intake.Canonical)
	}
	return qr, nil
}

// answersOf encodes one answer as FHIR answer values: valueBoolean,
// valueInteger, valueDate, valueString, or one valueCoding per code for
// choice and multi items. An empty multi gives no answer.
func answersOf(it *intake.Item, v any, base string) ([]qrAnswer, error) {
	switch it.Type {
	case intake.TypeString, intake.TypeText:
		if s, ok := v.(string); ok {
			return []qrAnswer{{ValueString: s}}, nil
		}
	case intake.TypeDate:
		if s, ok := v.(string); ok {
			return []qrAnswer{{ValueDate: s}}, nil
		}
	case intake.TypeInt:
		if n, ok := v.(int); ok {
			return []qrAnswer{{ValueInteger: &n}}, nil
		}
	case intake.TypeBool:
		if b, ok := v.(bool); ok {
			return []qrAnswer{{ValueBoolean: &b}}, nil
		}
	case intake.TypeChoice:
		if s, ok := v.(string); ok {
			return []qrAnswer{{ValueCoding: optionCoding(it, s, base)}}, nil
		}
	case intake.TypeMulti:
		if codes, ok := v.([]string); ok {
			out := make([]qrAnswer, len(codes))
			for i, c := range codes {
				out[i].ValueCoding = optionCoding(it, c, base)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("%s: %w (%T)", it.LinkID, errAnswerType, v)
}

// optionCoding is the Coding of one option code: our code system for the
// item, the code, and its English label as display.
func optionCoding(it *intake.Item, code, base string) *coding {
	return &coding{System: codeSystem(base, it), Code: code, Display: optionDisplay(it, code)}
}
