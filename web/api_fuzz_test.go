package web

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

// apiDecodeErrors are every message decodeAPIRequest may return: fixed texts
// that name the problem and never echo the body (it may hold PHI).
var apiDecodeErrors = []string{
	"bad request body: the body is not valid UTF-8",
	"bad request body: unexpected data after the JSON object",
	"bad request body: the body must be a JSON object",
	`bad request body: "lang" must be a string`,
	`bad request body: "answers" must be an object`,
	"bad request body: unknown top-level key (allowed: lang, answers)",
	`bad request body: "answers" object is missing`,
	"bad request body: nested too deeply",
	"bad request body: malformed JSON",
	"bad request body: duplicate key in a JSON object",
}

// validationCodes are the error codes of spec/questionnaire.md that Validate returns.
var validationCodes = []intake.Code{intake.CodeRequired, intake.CodeType, intake.CodeFormat, intake.CodeRange,
	intake.CodeUnknownCode, intake.CodeExclusive, intake.CodeDuplicate, intake.CodeTooLong, intake.CodeMustBeYes,
	intake.CodeFutureDate, intake.CodeTooEarly, intake.CodeAboveAge, intake.CodeBelowNowOrAvg, intake.CodeUnknownItem}

var apiFuzzContext = intake.Context{SubmissionDate: intake.Date{Year: 2026, Month: 11, Day: 2}, GuardianAge: 18}

// FuzzDecodeAPIRequest feeds arbitrary bodies through the API's strict JSON
// decoder and validation. Properties: no panic; a refused body gets one of
// the fixed messages (wrapping errBadJSON); validation errors have known codes
// and at most one per linkId; valid answers sent back as a new request body
// decode and validate to themselves. Seeds: every shared case's body, bodies
// the decoder must refuse, and testdata/fuzz/FuzzDecodeAPIRequest.
func FuzzDecodeAPIRequest(f *testing.F) {
	for _, load := range []func() ([]cases.Case, error){cases.Screening, cases.Validation} {
		all, err := load()
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range all {
			f.Add(c.Body())
		}
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"answers":{}}`, `{"answers":{},"answers":{}}`, `{"lang":"vi","answers":{"pain.back_now":1e400}}`,
		`{"answers":{"patient.given_name":"A\u0000B"}}`, "{\"answers\":{\"patient.given_name\":\"\xff\"}}",
		`{"answers":{"a":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}}`, `{"answers":{}} {}`, `{"lang":7,"answers":{}}`,
		`{"answers":{"pain.back_now":-0.0,"pain.back_worst":10.0,"body.pain_regions":["lower_back","lower_back"]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := decodeAPIRequest(body)
		if err != nil {
			if !errors.Is(err, errBadJSON) || !slices.Contains(apiDecodeErrors, err.Error()) {
				t.Fatalf("unexpected decode error %q", err)
			}
			return
		}
		if req.Answers == nil {
			t.Fatal("accepted a body without an answers object")
		}
		answers, errs := intake.V1.Validate(req.Answers, apiFuzzContext)
		seen := map[string]bool{}
		for _, e := range errs {
			if !slices.Contains(validationCodes, e.Code) || seen[e.LinkID] {
				t.Fatalf("bad validation error %+v in %v", e, errs)
			}
			if (e.Code == intake.CodeUnknownItem) != (intake.V1.Item(e.LinkID) == nil) {
				t.Fatalf("error %s on %q", e.Code, e.LinkID)
			}
			seen[e.LinkID] = true
		}
		if errs != nil {
			return
		}
		again, err := json.Marshal(map[string]any{"lang": req.Lang, "answers": answers})
		if err != nil {
			t.Fatal(err)
		}
		req2, err := decodeAPIRequest(again)
		if err != nil {
			t.Fatalf("valid answers re-encoded are refused: %v", err)
		}
		answers2, errs := intake.V1.Validate(req2.Answers, apiFuzzContext)
		if errs != nil || !reflect.DeepEqual(answers, answers2) {
			t.Fatalf("valid answers do not validate to themselves: %v", errs)
		}
	})
}
