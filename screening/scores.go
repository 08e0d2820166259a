package screening

import "github.com/backintake/backintake/intake"

// chronicity names pain.duration's class.
var chronicity = map[string]string{"lt6w": "acute", "6to12w": "subacute", "gt12w": "chronic"}

// scores computes spec/screening.md §5 "scores"; a score whose inputs are not
// all answered is left nil (omitted).
func scores(f *facts) Scores {
	a := f.a
	var s Scores
	if f.ageKnown {
		s.Age = ptr(f.age)
	}
	s.NPRSBackNow = intPtr(a, "pain.back_now")
	s.NPRSBackAvg = intPtr(a, "pain.back_avg")
	s.NPRSBackWorst = intPtr(a, "pain.back_worst")
	s.NPRSLegAvg = intPtr(a, "pain.leg_avg")

	// PEG — KRE09: mean of average pain, interference with enjoyment and with activity.
	if sum, n, ok := sumInts(a, "pain.back_avg", "function.enjoyment", "function.activity"); ok {
		s.PEG = ptr(meanTenths(sum, n))
	}
	// PSFS — Stratford 1995: mean over the activities the patient named.
	psfsSum, psfsN := 0, 0
	for _, n := range []string{"1", "2", "3"} {
		v, ok := a.Int("function.activity" + n + "_score")
		if ok && a.String("function.activity"+n) != "" {
			psfsSum += v
			psfsN++
		}
	}
	if psfsN > 0 {
		s.PSFS = ptr(meanTenths(psfsSum, psfsN))
	}
	s.Chronicity = chronicity[a.String("pain.duration")]

	// QTF — Spitzer 1987: class from pain, not numbness; class 4 needs an examination.
	if a.Answered("pain.regions") || a.Bool("radiating.present") {
		class := 1
		switch {
		case f.belowKnee:
			class = 3
		case a.HasAny("pain.regions", thighKneeCodes...) ||
			(a.Bool("radiating.present") && a.Has("radiating.extent", "thigh")):
			class = 2
		}
		s.QTF = ptr(class)
	}
	return s
}

// sumInts adds int answers; ok is false when any is unanswered.
func sumInts(a intake.Answers, linkIDs ...string) (sum, n int, ok bool) {
	for _, id := range linkIDs {
		v, answered := a.Int(id)
		if !answered {
			return 0, 0, false
		}
		sum += v
	}
	return sum, len(linkIDs), true
}

// meanTenths is sum/n rounded half away from zero to one decimal, computed on
// integers so that no binary fraction can tip a half the wrong way.
func meanTenths(sum, n int) float64 {
	num := sum * 10
	neg := num < 0
	if neg {
		num = -num
	}
	tenths := (2*num + n) / (2 * n)
	if neg {
		tenths = -tenths
	}
	return float64(tenths) / 10
}

func intPtr(a intake.Answers, linkID string) *int {
	if v, ok := a.Int(linkID); ok {
		return &v
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
