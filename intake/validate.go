package intake

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Code is a validation error code of spec/questionnaire.md.
type Code string

// Validation error codes.
const (
	CodeRequired       Code = "required"
	CodeType           Code = "type"
	CodeFormat         Code = "format"
	CodeRange          Code = "range"
	CodeUnknownCode    Code = "unknown_code"
	CodeExclusive      Code = "exclusive"
	CodeDuplicate      Code = "duplicate"
	CodeTooLong        Code = "too_long"
	CodeMustBeYes      Code = "must_be_yes"
	CodeFutureDate     Code = "future_date"
	CodeTooEarly       Code = "too_early"
	CodeAboveAge       Code = "above_age"
	CodeBelowNowOrAvg  Code = "below_now_or_avg"
	CodeUnknownItem    Code = "unknown_item"
	CodeIdempotencyKey Code = "idempotency_key_reused" // API only; carries no linkId
)

// FieldError is one error on one linkId. It never holds the answer itself, so
// it is safe to log.
type FieldError struct {
	LinkID string `json:"linkId,omitempty"`
	Code   Code   `json:"code"`
}

// Errors is a validation failure: at most one FieldError per linkId, in
// questionnaire order with unknown linkIds last.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, len(e))
	for i, fe := range e {
		parts[i] = fe.LinkID + ":" + string(fe.Code)
	}
	return "intake: invalid answers (" + strings.Join(parts, ", ") + ")"
}

// Has reports whether linkID carries an error.
func (e Errors) Has(linkID string) bool {
	return slices.ContainsFunc(e, func(fe FieldError) bool { return fe.LinkID == linkID })
}

// Context is what validation needs beside the answers.
type Context struct {
	SubmissionDate Date // calendar date of submission in the clinic's time zone
	GuardianAge    int  // patient.guardian_name is required below this age in years (setting, default 18)
}

// Raw holds answers as received, in the JSON value domain: nil, bool,
// json.Number, string, []any or map[string]any. FromForm builds one from an
// HTML form; a JSON body decoded with UseNumber is one already.
type Raw map[string]any

// state of an item after its own checks, used by the rules that depend on it.
type state uint8

const (
	stDisabled   state = iota // not enabled: counts as unanswered
	stUnanswered              // enabled, optional, no answer
	stAnswered                // enabled, valid answer
	stUnknown                 // missing required, invalid, or its enablement unknown
)

type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// Validate checks raw answers against the questionnaire (spec/questionnaire.md):
// it drops answers to disabled items, normalises the rest (trim, NFC, CRLF to
// LF, ints as int, multi codes in option order) and applies, per linkId, the
// first failing check of presence, type, allowed code or range, the item's own
// rule and the cross-field rules. It returns the normalised enabled answers, or
// nil and Errors when any check fails.
func (q *Questionnaire) Validate(raw Raw, ctx Context) (Answers, Errors) {
	out, errs := q.validate(raw, ctx)
	if errs != nil {
		return nil, errs
	}
	return out, nil
}

// Partial returns the answers of raw that pass every check, even when others
// fail: the valid part of a rejected form. It is never stored; the patient
// form uses it to show emergency advice on a form sent back for corrections
// (a patient who will not correct it must still be told to seek care).
func (q *Questionnaire) Partial(raw Raw, ctx Context) Answers {
	out, _ := q.validate(raw, ctx)
	return out
}

func (q *Questionnaire) validate(raw Raw, ctx Context) (Answers, Errors) {
	out := Answers{}
	states := make(map[string]state, len(q.items))
	var errs Errors
	fail := func(id string, c Code) {
		errs = append(errs, FieldError{LinkID: id, Code: c})
		states[id] = stUnknown
	}
	age, ageKnown := -1, false

	for _, it := range q.items {
		switch q.enabled(it, states, out, age, ageKnown, ctx) {
		case triFalse:
			states[it.LinkID] = stDisabled
			continue
		case triUnknown:
			states[it.LinkID] = stUnknown
			continue
		}
		v, present := raw[it.LinkID]
		val, code := normalise(it, v)
		if code == "" && val == nil {
			present = false
		}
		switch {
		case !present && it.Required:
			fail(it.LinkID, CodeRequired)
		case !present:
			states[it.LinkID] = stUnanswered
		case code != "":
			fail(it.LinkID, code)
		default:
			if c := itemRule(it, val, ctx); c != "" {
				fail(it.LinkID, c)
				continue
			}
			out[it.LinkID] = val
			states[it.LinkID] = stAnswered
		}
		if it.LinkID == "patient.birth_date" && states[it.LinkID] == stAnswered {
			age, ageKnown = AgeOn(out.BirthDate(), ctx.SubmissionDate), true
		}
	}

	// Cross-field rules, each on the item its row names, skipped when any input is not a valid answer.
	ok := func(ids ...string) bool {
		for _, id := range ids {
			if states[id] != stAnswered {
				return false
			}
		}
		return true
	}
	if ok("pain.back_now", "pain.back_avg", "pain.back_worst") {
		worst, _ := out.Int("pain.back_worst")
		now, _ := out.Int("pain.back_now")
		avg, _ := out.Int("pain.back_avg")
		if worst < now || worst < avg {
			fail("pain.back_worst", CodeBelowNowOrAvg)
		}
	}
	if ok("pain.onset_age") && ageKnown {
		if n, _ := out.Int("pain.onset_age"); n > age {
			fail("pain.onset_age", CodeAboveAge)
		}
	}

	for id := range raw {
		if q.Item(id) == nil {
			errs = append(errs, FieldError{LinkID: id, Code: CodeUnknownItem})
		}
	}
	if len(errs) == 0 {
		return out, nil
	}
	q.sortErrors(errs)
	for _, e := range errs {
		delete(out, e.LinkID) // a cross-field error on an otherwise valid answer
	}
	return out, errs
}

func (q *Questionnaire) sortErrors(errs Errors) {
	pos := func(id string) int {
		for i, it := range q.items {
			if it.LinkID == id {
				return i
			}
		}
		return len(q.items)
	}
	sort.SliceStable(errs, func(i, j int) bool {
		pi, pj := pos(errs[i].LinkID), pos(errs[j].LinkID)
		if pi != pj {
			return pi < pj
		}
		return errs[i].LinkID < errs[j].LinkID
	})
}

// enabled evaluates an item's enable rules over the items before it.
func (q *Questionnaire) enabled(it *Item, states map[string]state, out Answers, age int, ageKnown bool, ctx Context) tri {
	if it.GuardianRule {
		if !ageKnown {
			return triUnknown
		}
		if age < ctx.GuardianAge {
			return triTrue
		}
		return triFalse
	}
	if len(it.EnableWhen) == 0 {
		return triTrue
	}
	result := triFalse
	for _, c := range it.EnableWhen {
		switch states[c.Question] {
		case stUnknown:
			result = triUnknown
		case stAnswered:
			if conditionHolds(c, out) {
				return triTrue
			}
		}
	}
	return result
}

// conditionHolds evaluates c over a valid answer to c.Question.
func conditionHolds(c Condition, out Answers) bool {
	switch c.Op {
	case OpExists:
		return out.Answered(c.Question)
	case OpEquals:
		if b, isBool := c.Answer.(bool); isBool {
			v, ok := out.BoolOK(c.Question)
			return ok && v == b
		}
		return out.Has(c.Question, c.Answer.(string))
	case OpNotEquals:
		if b, isBool := c.Answer.(bool); isBool {
			v, ok := out.BoolOK(c.Question)
			return ok && v != b
		}
		return out.Answered(c.Question) && !out.Has(c.Question, c.Answer.(string))
	}
	return false
}

// normalise converts a raw value to the item's Go type. It returns (nil, "")
// for no answer, or a type, format, range or unknown_code error.
func normalise(it *Item, v any) (any, Code) {
	if v == nil {
		return nil, ""
	}
	switch it.Type {
	case TypeBool:
		b, ok := v.(bool)
		if !ok {
			return nil, CodeType
		}
		return b, ""
	case TypeInt:
		return normaliseInt(it, v)
	case TypeMulti:
		list, ok := v.([]any)
		if !ok {
			return nil, CodeType
		}
		codes := make([]string, 0, len(list))
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, CodeType
			}
			codes = append(codes, s)
		}
		if len(codes) == 0 {
			return nil, ""
		}
		for _, c := range codes {
			if !it.HasOption(c) {
				return nil, CodeUnknownCode
			}
		}
		for i, c := range codes {
			if slices.Contains(codes[:i], c) {
				return nil, CodeDuplicate
			}
		}
		if it.Exclusive != "" && len(codes) > 1 && slices.Contains(codes, it.Exclusive) {
			return nil, CodeExclusive
		}
		ordered := make([]string, 0, len(codes))
		for _, o := range it.Options {
			if slices.Contains(codes, o) {
				ordered = append(ordered, o)
			}
		}
		return ordered, ""
	}
	// string, text, date, choice
	s, ok := v.(string)
	if !ok {
		return nil, CodeType
	}
	if !utf8.ValidString(s) {
		return nil, CodeFormat
	}
	if it.Type == TypeText {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return nil, ""
	}
	if it.Type == TypeChoice {
		if !it.HasOption(s) {
			return nil, CodeUnknownCode
		}
		return s, ""
	}
	if c := checkVar(it, s); c != "" {
		return nil, c
	}
	return s, ""
}

// maxSaneInt bounds ints before conversion; every range in the questionnaire is far below it.
const maxSaneInt = 1 << 40

func normaliseInt(it *Item, v any) (any, Code) {
	var f float64
	switch n := v.(type) {
	case json.Number:
		var err error
		f, err = strconv.ParseFloat(string(n), 64)
		if err != nil {
			return nil, CodeRange // syntactically a number, too large to hold
		}
	case float64:
		f = n
	case int:
		f = float64(n)
	default:
		return nil, CodeType
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, CodeRange
	}
	if f != math.Trunc(f) {
		return nil, CodeType
	}
	if math.Abs(f) > maxSaneInt {
		return nil, CodeRange
	}
	n := int(f)
	if c := checkVar(it, n); c != "" {
		return nil, c
	}
	return n, ""
}

// itemRule applies the item's own rule after type and range: must be yes, date bounds.
func itemRule(it *Item, v any, ctx Context) Code {
	switch it.Type {
	case TypeBool:
		if it.MustBeYes && v != true {
			return CodeMustBeYes
		}
	case TypeDate:
		d, err := ParseDate(v.(string))
		if err != nil {
			return CodeFormat
		}
		if it.NotAfterSubmission && ctx.SubmissionDate.Before(d) {
			return CodeFutureDate
		}
		if it.NotBefore != "" {
			if min, _ := ParseDate(it.NotBefore); d.Before(min) {
				return CodeTooEarly
			}
		}
	}
	return ""
}
