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
	for i, c := range all {
		answers[i], dates[i] = c.Valid(), c.Date()
	}
	s := screening.Settings{GuardianAge: 18}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		screening.Run(answers[i], dates[i], s)
		i = (i + 1) % len(answers)
	}
}
