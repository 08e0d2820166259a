package gen_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/screening"
)

// TestAnswersAreValid: every generated set passes validation unchanged, for
// several guardian ages and submission dates (leap days included).
func TestAnswersAreValid(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dates := []intake.Date{{Year: 2026, Month: 11, Day: 2}, {Year: 2028, Month: 2, Day: 29}, {Year: 2027, Month: 1, Day: 1}}
	seen := map[string]bool{}
	for i := range 3000 {
		on := dates[i%len(dates)]
		raw := gen.Answers(r, intake.V1, on)
		guardian := 16 + i%6
		a, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: on, GuardianAge: guardian})
		if errs != nil {
			t.Fatalf("set %d invalid: %v", i, errs)
		}
		for id := range a {
			seen[id] = true
		}
		if _, ok := raw["patient.guardian_name"]; !ok {
			t.Fatal("guardian name missing")
		}
	}
	for _, it := range intake.V1.Items() {
		if !seen[it.LinkID] {
			t.Errorf("%s never answered in 3000 sets", it.LinkID)
		}
	}
}

func TestAnswersAreReproducible(t *testing.T) {
	on := intake.Date{Year: 2026, Month: 11, Day: 2}
	a := gen.Answers(rand.New(rand.NewPCG(7, 7)), intake.V1, on)
	b := gen.Answers(rand.New(rand.NewPCG(7, 7)), intake.V1, on)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different answers")
	}
}

// TestClinicMix: clinic-like answer sets are valid and look like a clinic's
// patients: few emergencies, few flags.
func TestClinicMix(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	on := intake.Date{Year: 2026, Month: 11, Day: 2}
	const n = 2000
	emergencies, flags := 0, 0
	for i := 0; i < n; i++ {
		a, errs := intake.V1.Validate(gen.Clinic(r, intake.V1, on), intake.Context{SubmissionDate: on, GuardianAge: 18})
		if errs != nil {
			t.Fatalf("invalid clinic answer set: %v", errs)
		}
		res := screening.Run(a, on, screening.Settings{GuardianAge: 18})
		flags += len(res.Flags)
		if res.HighestSeverity == screening.SeverityEmergency {
			emergencies++
		}
	}
	t.Logf("clinic mix: %.1f%% emergencies, %.1f flags per intake", 100*float64(emergencies)/n, float64(flags)/n)
	if emergencies > n/3 || flags > 8*n {
		t.Fatalf("clinic mix is not clinic-like: %d emergencies, %d flags in %d intakes", emergencies, flags, n)
	}
}
