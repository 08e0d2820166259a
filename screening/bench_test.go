package screening_test

import (
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// BenchmarkRun screens the shared cases in turn; ns/op is the time to screen
// one intake (target: under 20 µs).
func BenchmarkRun(b *testing.B) {
	all, err := cases.Screening()
	if err != nil {
		b.Fatal(err)
	}
	answers := make([]intake.Answers, len(all))
	dates := make([]intake.Date, len(all))
	s := screening.Settings{GuardianAge: 18}
	for i, c := range all {
		answers[i], dates[i] = c.Valid(), c.Date()
		// Measure only code that gives the right answer.
		if got := screening.Run(answers[i], dates[i], s).HighestSeverity; string(got) != c.Expect.HighestSeverity {
			b.Fatalf("%s: highest severity %s, want %s", c.ID, got, c.Expect.HighestSeverity)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		screening.Run(answers[i], dates[i], s)
		i = (i + 1) % len(answers)
	}
}
