package intake

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Answers holds the normalised enabled answers of one intake, keyed by linkId.
// Values are string (string, text, date as YYYY-MM-DD, choice code), int (int),
// bool (bool) and []string (multi codes in option order). An unanswered item has
// no key. Answers is what is stored, screened, rendered and exported.
type Answers map[string]any

// Answered reports whether linkID has an answer.
func (a Answers) Answered(linkID string) bool { _, ok := a[linkID]; return ok }

// Bool returns true only when linkID is a bool answered yes; no and unanswered are false.
func (a Answers) Bool(linkID string) bool { b, _ := a[linkID].(bool); return b }

// BoolOK returns a bool answer and whether it was answered.
func (a Answers) BoolOK(linkID string) (value, ok bool) { value, ok = a[linkID].(bool); return }

// Int returns an int answer and whether it was answered.
func (a Answers) Int(linkID string) (int, bool) { n, ok := a[linkID].(int); return n, ok }

// String returns a string, text, date or choice answer, or "" when unanswered.
func (a Answers) String(linkID string) string { s, _ := a[linkID].(string); return s }

// Codes returns a multi answer's codes in option order, or nil when unanswered.
func (a Answers) Codes(linkID string) []string { c, _ := a[linkID].([]string); return c }

// Has reports whether a choice answer equals code or a multi answer contains it.
func (a Answers) Has(linkID, code string) bool {
	switch v := a[linkID].(type) {
	case string:
		return v == code
	case []string:
		return slices.Contains(v, code)
	}
	return false
}

// HasAny reports whether Has(linkID, c) holds for any of codes.
func (a Answers) HasAny(linkID string, codes ...string) bool {
	for _, c := range codes {
		if a.Has(linkID, c) {
			return true
		}
	}
	return false
}

// BirthDate returns patient.birth_date, or the zero Date when missing.
func (a Answers) BirthDate() Date { d, _ := ParseDate(a.String("patient.birth_date")); return d }

// DecodeAnswers reads stored answers (JSON written from an Answers) back into
// their Go types using the questionnaire's item types. It returns an error for
// malformed JSON, an unknown linkId or a value of the wrong type.
func (q *Questionnaire) DecodeAnswers(data []byte) (Answers, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode answers: %w", err)
	}
	a := make(Answers, len(raw))
	for id, msg := range raw {
		it := q.Item(id)
		if it == nil {
			return nil, fmt.Errorf("decode answers: unknown linkId %q", id)
		}
		var err error
		switch it.Type {
		case TypeInt:
			var n int
			err = json.Unmarshal(msg, &n)
			a[id] = n
		case TypeBool:
			var b bool
			err = json.Unmarshal(msg, &b)
			a[id] = b
		case TypeMulti:
			var c []string
			err = json.Unmarshal(msg, &c)
			a[id] = c
		default:
			var s string
			err = json.Unmarshal(msg, &s)
			a[id] = s
		}
		if err != nil {
			return nil, fmt.Errorf("decode answers: %s: %w", id, err)
		}
	}
	return a, nil
}
