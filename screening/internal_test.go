package screening

import (
	"testing"

	"github.com/backintake/backintake/intake"
)

func TestMeanTenthsRoundsHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct {
		sum, n int
		want   float64
	}{
		{15, 3, 5}, {17, 3, 5.7}, {16, 3, 5.3}, {7, 2, 3.5},
		{1, 4, 0.3}, {-1, 4, -0.3}, {3, 4, 0.8}, {5, 8, 0.6}, {0, 3, 0}, {30, 3, 10},
	} {
		if got := meanTenths(tc.sum, tc.n); got != tc.want {
			t.Errorf("meanTenths(%d, %d) = %v, want %v", tc.sum, tc.n, got, tc.want)
		}
	}
}

// Run must not panic or flag anything on answers with nothing answered (the
// guarantee is for valid sets; this is the degenerate edge of "unanswered
// meets no criterion").
func TestRunOnEmptyAnswers(t *testing.T) {
	for _, a := range []intake.Answers{nil, {}} {
		res := Run(a, intake.Date{Year: 2026, Month: 11, Day: 2}, Settings{})
		if res.Flags == nil || len(res.Flags) != 0 || res.HighestSeverity != SeverityNone ||
			res.NeedlingStatus != NeedlingNoContraindication || res.Scores != (Scores{}) {
			t.Fatalf("empty answers gave %+v", res)
		}
	}
}
