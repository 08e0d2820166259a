package intake_test

import (
	"math/rand/v2"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/gen"
)

// BenchmarkValidate validates the shared screening cases' raw answers in
// turn, as the API decodes them; ns/op is the time to validate one intake
// (target: under 50 µs).
func BenchmarkValidate(b *testing.B) {
	all, err := cases.Screening()
	if err != nil {
		b.Fatal(err)
	}
	raws := make([]intake.Raw, len(all))
	ctxs := make([]intake.Context, len(all))
	for i, c := range all {
		raws[i], ctxs[i] = c.Raw(), intake.Context{SubmissionDate: c.Date(), GuardianAge: 18}
	}
	validateAll(b, raws, ctxs)
}

// BenchmarkValidateGenerated validates 256 random valid answer sets from
// internal/gen in turn: on average fuller than the cases (about half the
// optional items answered, follow-ups enabled at random).
func BenchmarkValidateGenerated(b *testing.B) {
	on := intake.Date{Year: 2026, Month: 11, Day: 2}
	r := rand.New(rand.NewPCG(1, 2))
	raws := make([]intake.Raw, 256)
	ctxs := make([]intake.Context, len(raws))
	for i := range raws {
		raws[i], ctxs[i] = gen.Answers(r, intake.V1, on), intake.Context{SubmissionDate: on, GuardianAge: 18}
	}
	validateAll(b, raws, ctxs)
}

func validateAll(b *testing.B, raws []intake.Raw, ctxs []intake.Context) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, errs := intake.V1.Validate(raws[i], ctxs[i]); errs != nil {
			b.Fatalf("answer set %d does not validate: %v", i, errs)
		}
		i = (i + 1) % len(raws)
	}
}
