package intake_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

func TestValidationCases(t *testing.T) {
	all, err := cases.Validation()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		t.Run(c.ID, func(t *testing.T) {
			_, errs := intake.V1.Validate(c.Raw(), intake.Context{SubmissionDate: c.Date(), GuardianAge: 18})
			var got []string
			for _, e := range errs {
				got = append(got, e.LinkID)
			}
			want := slices.Clone(c.Expect.ErrorLinkIDs)
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Fatalf("errors on %v (%v), want %v", got, errs, want)
			}
			if (c.Expect.Status == 201) != (errs == nil) {
				t.Fatalf("status %d but errors %v", c.Expect.Status, errs)
			}
		})
	}
}

func TestScreeningCasesAreValid(t *testing.T) {
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		t.Run(c.ID, func(t *testing.T) {
			a, errs := intake.V1.Validate(c.Raw(), intake.Context{SubmissionDate: c.Date(), GuardianAge: 18})
			if errs != nil {
				t.Fatalf("valid case rejected: %v", errs)
			}
			if len(a) != len(c.Answers) {
				t.Fatalf("kept %d answers of %d", len(a), len(c.Answers))
			}
		})
	}
}
