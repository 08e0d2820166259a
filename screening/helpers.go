package screening

import "github.com/backintake/backintake/intake"

// facts are the helper terms of spec/screening.md, computed once per intake
// over its enabled answers. An unanswered item meets no criterion.
type facts struct {
	a intake.Answers

	age      int  // full years on the submission date
	ageKnown bool // patient.birth_date answered
	onsetAge int  // pain.onset_age when answered, else age (IBP rules only)
	onsetOK  bool // onsetAge is known

	leg       [2]bool // leg_left, leg_right
	bilateral bool
	belowKnee bool
	s         [2]bool // S: sides of below-knee pain

	older        bool
	notImproving bool
	infection    []string // infection_risk factors present, as therapist-facing phrases
}

// side indexes left (0) and right (1).
type side int

const (
	left side = iota
	right
)

var sides = [2]side{left, right}

// sideAnswer is the side code of a side item ("left", "right"); "both" covers either.
var sideAnswer = [2]string{"left", "right"}

// Body-chart codes by side (spec/questionnaire.md "Leg codes", "below the knee").
var (
	// painLegCodes count toward leg_left/leg_right from pain.regions: knee and
	// front-of-thigh pain alone do not.
	painLegCodes = [2][]string{
		{"thigh_back_l", "lower_leg_l", "foot_l"},
		{"thigh_back_r", "lower_leg_r", "foot_r"},
	}
	legCodes = [2][]string{
		{"thigh_front_l", "thigh_back_l", "knee_l", "lower_leg_l", "foot_l"},
		{"thigh_front_r", "thigh_back_r", "knee_r", "lower_leg_r", "foot_r"},
	}
	belowKneeCodes = [2][]string{{"lower_leg_l", "foot_l"}, {"lower_leg_r", "foot_r"}}
	thighKneeCodes = []string{"thigh_front_l", "thigh_front_r", "thigh_back_l", "thigh_back_r", "knee_l", "knee_r"}
)

// cesItems are "the four CES items".
var cesItems = []string{"redflag.saddle_numbness", "redflag.bladder", "redflag.bowel", "redflag.sexual"}

func newFacts(a intake.Answers, on intake.Date) *facts {
	f := &facts{a: a}
	f.age, f.ageKnown = ageOf(a, on)
	f.onsetAge, f.onsetOK = f.age, f.ageKnown
	if n, ok := a.Int("pain.onset_age"); ok {
		f.onsetAge, f.onsetOK = n, true
	}
	for _, sd := range sides {
		f.leg[sd] = legOn(a, sd)
		f.s[sd] = belowKneeOn(a, sd)
	}
	f.bilateral = f.leg[left] && f.leg[right]
	f.belowKnee = a.HasAny("pain.regions", belowKneeCodes[left]...) ||
		a.HasAny("pain.regions", belowKneeCodes[right]...) || radiatesBelowKnee(a)
	f.older = older(a, f.age, f.ageKnown)
	f.notImproving = notImproving(a)
	f.infection = infectionRisks(a)
	return f
}

// ageOf is age: full years from patient.birth_date to the submission date.
func ageOf(a intake.Answers, on intake.Date) (int, bool) {
	birth := a.BirthDate()
	if birth.IsZero() {
		return 0, false
	}
	return intake.AgeOn(birth, on), true
}

// onSide reports whether a side item (left/right/both) covers sd.
func onSide(a intake.Answers, linkID string, sd side) bool {
	v := a.String(linkID)
	return v == "both" || v == sideAnswer[sd]
}

// legOn is leg_left (sd = left) or leg_right.
func legOn(a intake.Answers, sd side) bool {
	return a.HasAny("pain.regions", painLegCodes[sd]...) ||
		a.HasAny("numbness.regions", legCodes[sd]...) ||
		(a.Bool("radiating.present") && onSide(a, "radiating.side", sd) &&
			a.Answered("radiating.extent") && !a.Has("radiating.extent", "buttock")) ||
		(a.Bool("weakness.present") && onSide(a, "weakness.side", sd))
}

// radiatesBelowKnee: radiating pain reaches below the knee or the foot.
func radiatesBelowKnee(a intake.Answers) bool {
	return a.Bool("radiating.present") && a.HasAny("radiating.extent", "below_knee", "foot")
}

// belowKneeOn reports whether sd is in S, the sides of below-knee pain.
func belowKneeOn(a intake.Answers, sd side) bool {
	return a.HasAny("pain.regions", belowKneeCodes[sd]...) ||
		(radiatesBelowKnee(a) && onSide(a, "radiating.side", sd))
}

// older uses the NICE CG146 ages for fracture-risk assessment.
func older(a intake.Answers, age int, ageKnown bool) bool {
	if !ageKnown {
		return false
	}
	switch a.String("patient.sex") {
	case "female", "intersex", "not_said":
		return age >= OlderFemaleAge
	case "male":
		return age >= OlderMaleAge
	}
	return false
}

// notImproving: the episode is 6 weeks or longer and not improving.
func notImproving(a intake.Answers) bool {
	return answeredOther(a, "pain.duration", "lt6w") && answeredOther(a, "pain.trend", "improving")
}

// infectionRisks lists the infection_risk factors present (YUS19).
func infectionRisks(a intake.Answers) []string {
	var r []string
	if a.Bool("redflag.iv_drug_use") {
		r = append(r, "injected drug use")
	}
	if a.Bool("redflag.recent_infection") {
		r = append(r, "infection or antibiotics in the last 3 months")
	}
	if a.Bool("redflag.recent_spinal_procedure") {
		r = append(r, "spinal injection or surgery in the last 3 months")
	}
	if a.Bool("redflag.immunosuppressed") {
		r = append(r, "weakened immune system")
	}
	if a.Bool("redflag.steroids") {
		r = append(r, "long-term steroid tablets")
	}
	if a.HasAny("history.diabetes", "controlled", "uncontrolled") {
		r = append(r, "diabetes")
	}
	if a.Has("pain.onset", "after_procedure") {
		r = append(r, "pain began after a procedure")
	}
	return r
}

// present(x): the CES-type item is yes_new or yes_longstanding.
func present(a intake.Answers, linkID string) bool {
	return a.HasAny(linkID, "yes_new", "yes_longstanding")
}

// isNew(x): the CES-type item is yes_new (started or worse in the last 2 weeks).
func isNew(a intake.Answers, linkID string) bool { return a.Has(linkID, "yes_new") }

// answeredOther: a choice is answered with a code other than code ("≠" in the
// spec; an unanswered item meets no criterion). For bools, "not x" is
// !a.Bool(x): an unanswered bool counts as no (spec/questionnaire.md).
func answeredOther(a intake.Answers, linkID, code string) bool {
	return a.Answered(linkID) && !a.Has(linkID, code)
}

// count returns how many of conds hold.
func count(conds ...bool) int {
	n := 0
	for _, c := range conds {
		if c {
			n++
		}
	}
	return n
}
