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
// malformed JSON, an unknown linkId or a value of the wrong type. Every export
// row runs this, so the shape json.Marshal writes (a flat object of strings,
// whole numbers, booleans and string arrays) is scanned directly; anything
// else takes the general JSON path.
func (q *Questionnaire) DecodeAnswers(data []byte) (Answers, error) {
	a := make(Answers, len(q.items))
	fast := scanFlat(data, func(key []byte, v any) bool {
		it := q.byID[string(key)]
		if it == nil {
			return false
		}
		v, ok := typed(it, v)
		a[it.LinkID] = v // the definition's string: no allocation per key
		return ok
	})
	if fast {
		return a, nil
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode answers: %w", err)
	}
	a = make(Answers, len(raw))
	var ok bool
	for id, v := range raw {
		it := q.Item(id)
		if it == nil {
			return nil, fmt.Errorf("decode answers: unknown linkId %q", id)
		}
		if v, ok = typed(it, v); !ok {
			return nil, fmt.Errorf("decode answers: %s: stored value of the wrong type", id)
		}
		a[id] = v
	}
	return a, nil
}

// typed converts a decoded JSON value to the item's Go type.
func typed(it *Item, v any) (any, bool) {
	switch it.Type {
	case TypeInt:
		switch n := v.(type) {
		case int:
			return n, true
		case float64:
			return int(n), n == float64(int(n))
		}
		return nil, false
	case TypeBool:
		b, ok := v.(bool)
		return b, ok
	case TypeMulti:
		switch list := v.(type) {
		case []string:
			return list, true
		case []any:
			codes := make([]string, len(list))
			for i, e := range list {
				s, ok := e.(string)
				if !ok {
					return nil, false
				}
				codes[i] = s
			}
			return codes, true
		}
		return nil, false
	}
	s, ok := v.(string)
	return s, ok
}
