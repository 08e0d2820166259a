package intake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

// fuzzContext is the validation context of every fuzz input: the shared
// cases' submission date and the default guardian age.
var fuzzContext = intake.Context{SubmissionDate: intake.Date{Year: 2026, Month: 11, Day: 2}, GuardianAge: 18}

// knownCodes are the validation error codes of spec/questionnaire.md.
var knownCodes = []intake.Code{intake.CodeRequired, intake.CodeType, intake.CodeFormat, intake.CodeRange,
	intake.CodeUnknownCode, intake.CodeExclusive, intake.CodeDuplicate, intake.CodeTooLong, intake.CodeMustBeYes,
	intake.CodeFutureDate, intake.CodeTooEarly, intake.CodeAboveAge, intake.CodeBelowNowOrAvg, intake.CodeUnknownItem}

// FuzzFormDecoder feeds arbitrary urlencoded bodies through FromForm and
// Validate. Properties: no panic; validation is deterministic; every error
// has a known code and names either a questionnaire item or (unknown_item)
// a posted field, at most once per linkId; valid answers validate again to
// themselves from their JSON form, from their HTML form encoding and from
// storage (DecodeAnswers). Seeds: every shared case, form-encoded, plus
// testdata/fuzz/FuzzFormDecoder.
func FuzzFormDecoder(f *testing.F) {
	for _, load := range []func() ([]cases.Case, error){cases.Screening, cases.Validation} {
		all, err := load()
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range all {
			f.Add(formOfRaw(c.Raw()).Encode())
		}
	}
	f.Add("")
	f.Add("_d.patient.birth_date=31&_m.patient.birth_date=2&_y.patient.birth_date=1990")
	f.Add("pain.back_now=007&pain.back_now=3&consent.privacy=maybe")
	f.Fuzz(func(t *testing.T, body string) {
		form, _ := url.ParseQuery(body) // keeps what it could parse, as the server's parser does
		raw := intake.V1.FromForm(form)
		answers, errs := intake.V1.Validate(raw, fuzzContext)
		again, errs2 := intake.V1.Validate(intake.V1.FromForm(form), fuzzContext)
		if !reflect.DeepEqual(errs, errs2) || !reflect.DeepEqual(answers, again) {
			t.Fatalf("Validate is not deterministic: %v / %v", errs, errs2)
		}
		checkErrors(t, errs, func(id string) bool { _, posted := form[id]; return posted })
		if errs != nil {
			if answers != nil {
				t.Fatal("Validate returned answers with errors")
			}
			return
		}
		checkIdempotent(t, answers)
	})
}

// checkErrors checks every error's code and linkId; posted reports whether a
// linkId outside the questionnaire came in the input.
func checkErrors(t *testing.T, errs intake.Errors, posted func(string) bool) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range errs {
		if !slices.Contains(knownCodes, e.Code) {
			t.Fatalf("unknown error code %q on %q", e.Code, e.LinkID)
		}
		if seen[e.LinkID] {
			t.Fatalf("two errors on %q", e.LinkID)
		}
		seen[e.LinkID] = true
		switch known := intake.V1.Item(e.LinkID) != nil; {
		case e.Code == intake.CodeUnknownItem && (known || !posted(e.LinkID)):
			t.Fatalf("unknown_item on %q, which is a questionnaire item or was not posted", e.LinkID)
		case e.Code != intake.CodeUnknownItem && !known:
			t.Fatalf("error %s on %q, which is not a questionnaire item", e.Code, e.LinkID)
		}
	}
}

// checkIdempotent validates valid answers again from their JSON encoding,
// their form encoding and their stored form, and wants them unchanged.
func checkIdempotent(t *testing.T, answers intake.Answers) {
	t.Helper()
	data, err := json.Marshal(answers)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw intake.Raw
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	fromJSON, errs := intake.V1.Validate(raw, fuzzContext)
	if errs != nil || !reflect.DeepEqual(fromJSON, answers) {
		t.Fatalf("valid answers do not validate to themselves from JSON: %v", errs)
	}
	fromForm, errs := intake.V1.Validate(intake.V1.FromForm(formOfAnswers(answers)), fuzzContext)
	if errs != nil || !reflect.DeepEqual(fromForm, answers) {
		t.Fatalf("valid answers do not validate to themselves from their form encoding: %v", errs)
	}
	stored, err := intake.V1.DecodeAnswers(data)
	if err != nil || !reflect.DeepEqual(stored, answers) {
		t.Fatalf("stored answers decode differently: %v", err)
	}
}

// formOfAnswers encodes normalised answers as the HTML form sends them.
func formOfAnswers(a intake.Answers) url.Values {
	v := url.Values{}
	for id, x := range a {
		switch y := x.(type) {
		case bool:
			v.Set(id, map[bool]string{true: "yes", false: "no"}[y])
		case int:
			v.Set(id, strconv.Itoa(y))
		case []string:
			v[id] = y
		case string:
			v.Set(id, y)
		default:
			panic(fmt.Sprintf("answer %s has type %T", id, x))
		}
	}
	return v
}

// formOfRaw encodes a case's JSON answers as the HTML form sends them.
func formOfRaw(raw intake.Raw) url.Values {
	v := url.Values{}
	for id, x := range raw {
		switch y := x.(type) {
		case bool:
			v.Set(id, map[bool]string{true: "yes", false: "no"}[y])
		case []any:
			for _, e := range y {
				v.Add(id, fmt.Sprint(e))
			}
		case nil:
			v.Set(id, "")
		default:
			v.Set(id, fmt.Sprint(y))
		}
	}
	return v
}
