package screening_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// baseline returns the benign case C10's raw answers and submission date.
func baseline(t *testing.T) (intake.Raw, intake.Date) {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C10-") {
			return c.Raw(), c.Date()
		}
	}
	t.Fatal("baseline case C10 not found")
	return nil, intake.Date{}
}

// screen applies changes (nil deletes an answer) to the baseline, validates the
// result as the server would and screens it.
func screen(t *testing.T, changes map[string]any, s screening.Settings) screening.Result {
	t.Helper()
	raw, on := baseline(t)
	for k, v := range changes {
		if v == nil {
			delete(raw, k)
			continue
		}
		if fn, ok := v.(func(intake.Date) string); ok {
			v = fn(on)
		}
		raw[k] = v
	}
	guardian := s.GuardianAge
	if guardian == 0 {
		guardian = screening.DefaultGuardianAge
	}
	a, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: on, GuardianAge: guardian})
	if errs != nil {
		t.Fatalf("test answers invalid: %v", errs)
	}
	return screening.Run(a, on, s)
}

// aged gives a birth date making the patient exactly age on the submission day
// (birthday today); aged(n, true) is the day after, so the patient is still n-1.
func aged(age int, birthdayTomorrow bool) func(intake.Date) string {
	return func(on intake.Date) string {
		d := intake.Date{Year: on.Year - age, Month: on.Month, Day: on.Day}
		if birthdayTomorrow {
			d = intake.DateOf(d.Time().AddDate(0, 0, 1))
		}
		return d.String()
	}
}

func codes(c ...string) []any {
	out := make([]any, len(c))
	for i, s := range c {
		out[i] = s
	}
	return out
}

// merge returns the union of change sets, later ones winning.
func merge(sets ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, s := range sets {
		for k, v := range s {
			out[k] = v
		}
	}
	return out
}

type row struct {
	name     string
	set      map[string]any
	settings screening.Settings
	fires    map[string]screening.Severity // flag id → severity that must fire
	absent   []string                      // flag ids that must not fire
}

// Change sets the rows combine.
var (
	gradual = map[string]any{"pain.onset": "gradual"}
	// chronic45: a 45-year-old with an episode over 12 weeks.
	chronic45 = map[string]any{"pain.duration": "gt12w", "patient.birth_date": aged(45, false), "pain.onset_age": 30}
	// ibpOnset: ASAS (gradual, exercise, not rest) and Calin (gradual, exercise,
	// duration) at 3 criteria each without the onset-age criterion.
	ibpOnset = merge(chronic45, gradual, map[string]any{"stiffness.better_with_exercise": true,
		"stiffness.better_with_rest": false, "stiffness.morning": "none"})
	// ng65Three: exercise, family history and psoriasis — three NG65 criteria besides onset.
	ng65Three = merge(chronic45, map[string]any{"stiffness.better_with_exercise": true,
		"history.family_spa": true, "history.psoriasis": true})
	bothThighs = map[string]any{"pain.regions": codes("lumbar_l", "thigh_back_l", "thigh_back_r"), "pain.leg_avg": 4}
	belowKnee  = map[string]any{"pain.regions": codes("lumbar_l", "lower_leg_l")}
)

const (
	emergency = screening.SeverityEmergency
	urgent    = screening.SeverityUrgent
	caution   = screening.SeverityCaution
	info      = screening.SeverityInfo
)

func thresholdRows() []row {
	rows := []row{
		{name: "RF-MAL-5 age 49 (50th birthday tomorrow)", set: map[string]any{"patient.birth_date": aged(50, true)},
			absent: []string{"RF-MAL-5"}},
		{name: "RF-MAL-5 age 50 (birthday today)", set: map[string]any{"patient.birth_date": aged(50, false)},
			fires: map[string]screening.Severity{"RF-MAL-5": caution}},
	}
	// older, via RF-FX-3 (a gradual onset, so RF-FX-2 cannot fire).
	for _, sex := range []string{"female", "intersex", "not_said"} {
		rows = append(rows,
			row{name: "older " + sex + " 64", set: merge(gradual, map[string]any{"patient.sex": sex, "patient.birth_date": aged(65, true)}),
				absent: []string{"RF-FX-3"}},
			row{name: "older " + sex + " 65", set: merge(gradual, map[string]any{"patient.sex": sex, "patient.birth_date": aged(65, false)}),
				fires: map[string]screening.Severity{"RF-FX-3": caution}})
	}
	rows = append(rows,
		row{name: "older male 65 is not older", set: merge(gradual, map[string]any{"patient.sex": "male", "patient.birth_date": aged(65, false)}),
			absent: []string{"RF-FX-3"}},
		row{name: "older male 74", set: merge(gradual, map[string]any{"patient.sex": "male", "patient.birth_date": aged(75, true)}),
			absent: []string{"RF-FX-3"}},
		row{name: "older male 75", set: merge(gradual, map[string]any{"patient.sex": "male", "patient.birth_date": aged(75, false)}),
			fires: map[string]screening.Severity{"RF-FX-3": caution}},
		row{name: "RF-FX-2 lifting at 64 (female)", set: map[string]any{"patient.birth_date": aged(65, true)},
			absent: []string{"RF-FX-2", "RF-FX-3"}},
		row{name: "RF-FX-2 lifting at 65 (female)", set: map[string]any{"patient.birth_date": aged(65, false)},
			fires: map[string]screening.Severity{"RF-FX-2": urgent}, absent: []string{"RF-FX-3"}},

		// Onset age.
		row{name: "ASAS and Calin onset age 39", set: merge(ibpOnset, map[string]any{"pain.onset_age": 39}),
			fires: map[string]screening.Severity{"IBP-ASAS": caution, "IBP-CALIN": caution}},
		row{name: "ASAS and Calin onset age 40", set: merge(ibpOnset, map[string]any{"pain.onset_age": 40}),
			absent: []string{"IBP-ASAS", "IBP-CALIN"}},
		row{name: "NG65 early onset 34 (4 criteria)", set: merge(ng65Three, map[string]any{"pain.onset_age": 34}),
			fires: map[string]screening.Severity{"IBP-NG65": caution}, absent: []string{"IBP-NG65-3"}},
		row{name: "NG65 early onset 35 (3 criteria)", set: merge(ng65Three, map[string]any{"pain.onset_age": 35}),
			fires: map[string]screening.Severity{"IBP-NG65-3": info}, absent: []string{"IBP-NG65"}},
		row{name: "NG65 entry onset 44", set: merge(ng65Three, map[string]any{"pain.onset_age": 44, "history.arthritis": true}),
			fires: map[string]screening.Severity{"IBP-NG65": caution}},
		row{name: "NG65 entry onset 45", set: merge(ng65Three, map[string]any{"pain.onset_age": 45, "history.arthritis": true}),
			absent: []string{"IBP-NG65", "IBP-NG65-3"}},
		row{name: "NG65 entry onset missing in a short episode", set: merge(ng65Three, map[string]any{"pain.duration": "6to12w", "history.arthritis": true}),
			absent: []string{"IBP-NG65", "IBP-NG65-3", "IBP-ASAS", "IBP-CALIN", "IBP-BERLIN"}},

		// Berlin age.
		row{name: "Berlin age 50", set: merge(chronic45, map[string]any{"patient.birth_date": aged(50, false),
			"stiffness.morning": "gt60", "pain.night_waking": "second_half", "pain.night_eases_on_rising": false}),
			fires: map[string]screening.Severity{"IBP-BERLIN": caution}},
		row{name: "Berlin age 51", set: merge(chronic45, map[string]any{"patient.birth_date": aged(51, false),
			"stiffness.morning": "gt60", "pain.night_waking": "second_half", "pain.night_eases_on_rising": false}),
			absent: []string{"IBP-BERLIN"}},

		// Criteria counts.
		row{name: "ASAS 3 criteria", set: merge(chronic45, gradual, map[string]any{"stiffness.better_with_exercise": true, "stiffness.better_with_rest": true}),
			absent: []string{"IBP-ASAS"}},
		row{name: "ASAS 4 criteria", set: merge(chronic45, gradual, map[string]any{"stiffness.better_with_exercise": true, "stiffness.better_with_rest": true,
			"pain.night_waking": "first_half", "pain.night_eases_on_rising": true}),
			fires: map[string]screening.Severity{"IBP-ASAS": caution}},
		row{name: "Calin 3 criteria", set: merge(chronic45, gradual, map[string]any{"stiffness.better_with_exercise": false, "stiffness.morning": "none"}),
			absent: []string{"IBP-CALIN"}},
		row{name: "Calin 4 criteria", set: merge(chronic45, gradual, map[string]any{"stiffness.better_with_exercise": false, "stiffness.morning": "lt15"}),
			fires: map[string]screening.Severity{"IBP-CALIN": caution}},
		row{name: "NG65 2 criteria", set: merge(chronic45, map[string]any{"pain.onset_age": 40, "stiffness.better_with_exercise": true, "history.family_spa": true}),
			absent: []string{"IBP-NG65", "IBP-NG65-3"}},
		row{name: "NG65 exactly 3 criteria", set: merge(ng65Three, map[string]any{"pain.onset_age": 40}),
			fires: map[string]screening.Severity{"IBP-NG65-3": info}, absent: []string{"IBP-NG65"}},
		row{name: "NG65 4 criteria", set: merge(ng65Three, map[string]any{"pain.onset_age": 40, "history.enthesitis": true}),
			fires: map[string]screening.Severity{"IBP-NG65": caution}, absent: []string{"IBP-NG65-3"}},
		row{name: "Berlin 1 criterion", set: merge(chronic45, map[string]any{"stiffness.morning": "gt60"}),
			absent: []string{"IBP-BERLIN"}},
		row{name: "Berlin 2 criteria", set: merge(chronic45, map[string]any{"stiffness.morning": "gt60", "stiffness.alternating_buttock": true}),
			fires: map[string]screening.Severity{"IBP-BERLIN": caution}},
		row{name: "RF-FX-3 1 factor", set: merge(gradual, map[string]any{"redflag.osteoporosis": true}),
			fires: map[string]screening.Severity{"RF-FX-3": caution}},
		row{name: "RF-FX-3 2 factors", set: merge(gradual, map[string]any{"redflag.osteoporosis": true, "redflag.steroids": true}),
			fires: map[string]screening.Severity{"RF-FX-3": urgent}},
		row{name: "RF-FX-3 not after major trauma", set: map[string]any{"pain.onset": "major_trauma", "redflag.osteoporosis": true},
			fires: map[string]screening.Severity{"RF-FX-1": emergency}, absent: []string{"RF-FX-2", "RF-FX-3"}},
		row{name: "RF-MAL-COMB 1 sign", set: map[string]any{"patient.birth_date": aged(50, false)},
			fires: map[string]screening.Severity{"RF-MAL-5": caution}, absent: []string{"RF-MAL-COMB"}},
		row{name: "RF-MAL-COMB 2 signs", set: map[string]any{"patient.birth_date": aged(50, false), "pain.unrelieved": true},
			fires: map[string]screening.Severity{"RF-MAL-COMB": urgent}},
		row{name: "RF-MAL-COMB weight loss unsure and not improving", set: map[string]any{"redflag.weight_loss": "unsure",
			"pain.duration": "6to12w", "pain.trend": "same"},
			fires: map[string]screening.Severity{"RF-MAL-4": caution, "RF-MAL-COMB": urgent}},
		row{name: "RF-MAL-COMB needs RF-MAL-4 or RF-MAL-5", set: map[string]any{"pain.unrelieved": true,
			"pain.duration": "6to12w", "pain.trend": "same"},
			absent: []string{"RF-MAL-COMB"}},
		row{name: "YF-1 1 flag", set: map[string]any{"psych.fear_movement": true},
			absent: []string{"YF-1"}},
		row{name: "YF-1 2 flags", set: map[string]any{"psych.fear_movement": true, "psych.low_mood": true},
			fires: map[string]screening.Severity{"YF-1": caution}},
		row{name: "YF-1 4 weeks off", set: map[string]any{"psych.low_mood": true, "work.status": "off_work", "work.weeks_off": 4},
			absent: []string{"YF-1"}},
		row{name: "YF-1 5 weeks off", set: map[string]any{"psych.low_mood": true, "work.status": "off_work", "work.weeks_off": 5},
			fires: map[string]screening.Severity{"YF-1": caution}},

		// Leg pain against back pain (back_avg is 4).
		row{name: "RAD-1 leg equal to back", set: merge(belowKnee, map[string]any{"pain.leg_avg": 4}),
			fires: map[string]screening.Severity{"RAD-1": info}},
		row{name: "RAD-1 leg one below back", set: merge(belowKnee, map[string]any{"pain.leg_avg": 3}),
			absent: []string{"RAD-1", "RAD-2", "RAD-3", "RAD-4"}},
		row{name: "RAD-1 thigh pain is not below the knee", set: map[string]any{"pain.regions": codes("lumbar_l", "thigh_back_l"), "pain.leg_avg": 9},
			absent: []string{"RAD-1"}},

		// RF-CES-4.
		row{name: "RF-CES-4 urgent", set: bothThighs,
			fires: map[string]screening.Severity{"RF-CES-4": urgent}},
		row{name: "RF-CES-4 emergency with weakness in both legs", set: merge(bothThighs, map[string]any{"weakness.present": true,
			"weakness.side": "both", "weakness.worsening": false}),
			fires: map[string]screening.Severity{"RF-CES-4": emergency, "RF-NEU-1": emergency}},
		row{name: "RF-CES-4 emergency with a new CES item", set: merge(bothThighs, map[string]any{"redflag.bowel": "yes_new",
			"redflag.ces_checked": false}),
			fires: map[string]screening.Severity{"RF-CES-4": emergency, "RF-CES-3": emergency}},
		row{name: "RF-CES-4 not for front of thigh and knee", set: map[string]any{"pain.regions": codes("thigh_front_l", "thigh_front_r", "knee_l", "knee_r"),
			"pain.leg_avg": 4},
			absent: []string{"RF-CES-4"}},
		row{name: "RF-CES-4 numbness right, radiating left", set: map[string]any{"numbness.present": true,
			"numbness.regions": codes("knee_r"), "radiating.present": true, "radiating.extent": "thigh", "radiating.side": "left", "pain.leg_avg": 2},
			fires: map[string]screening.Severity{"RF-CES-4": urgent}},
		row{name: "RF-CES-4 not for buttock-only radiating", set: map[string]any{"numbness.present": true,
			"numbness.regions": codes("knee_r"), "radiating.present": true, "radiating.extent": "buttock", "radiating.side": "left", "pain.leg_avg": 2},
			absent: []string{"RF-CES-4"}},

		// RF-CES-OLD.
		row{name: "RF-CES-OLD checked by a doctor", set: map[string]any{"redflag.bladder": "yes_longstanding", "redflag.ces_checked": true},
			fires: map[string]screening.Severity{"RF-CES-OLD": urgent}},
		row{name: "RF-CES-OLD not checked", set: map[string]any{"redflag.bladder": "yes_longstanding", "redflag.ces_checked": false},
			fires: map[string]screening.Severity{"RF-CES-OLD": emergency}},
		row{name: "RF-CES-OLD not with a new item", set: map[string]any{"redflag.bladder": "yes_longstanding", "redflag.sexual": "yes_new", "redflag.ces_checked": true},
			fires: map[string]screening.Severity{"RF-CES-3": emergency}, absent: []string{"RF-CES-OLD"}},
		row{name: "RF-CES-CHART saddle on chart, denied", set: map[string]any{"numbness.present": true, "numbness.regions": codes("saddle")},
			fires: map[string]screening.Severity{"RF-CES-CHART": urgent}},

		// Other severity switches.
		row{name: "RF-NEU-1 worsening one side", set: map[string]any{"weakness.present": true, "weakness.side": "left", "weakness.worsening": true},
			fires: map[string]screening.Severity{"RF-NEU-1": urgent}, absent: []string{"RF-NEU-2"}},
		row{name: "RF-NEU-2 one side, stable", set: map[string]any{"weakness.present": true, "weakness.side": "right", "weakness.worsening": false},
			fires: map[string]screening.Severity{"RF-NEU-2": caution}, absent: []string{"RF-NEU-1"}},
		row{name: "RF-INF-2 fever", set: map[string]any{"redflag.fever": true},
			fires: map[string]screening.Severity{"RF-INF-2": urgent}},
		row{name: "RF-INF-2 fever and unwell", set: map[string]any{"redflag.fever": true, "redflag.unwell": true},
			fires: map[string]screening.Severity{"RF-INF-2": emergency, "DN-A6": caution}},
		row{name: "RF-FX-1 seen by a doctor", set: map[string]any{"pain.onset": "major_trauma", "pain.seen_doctor": true},
			fires: map[string]screening.Severity{"RF-FX-1": urgent}},
		row{name: "RF-FX-1 six weeks or more", set: map[string]any{"pain.onset": "major_trauma", "pain.duration": "6to12w"},
			fires: map[string]screening.Severity{"RF-FX-1": urgent}},

		// Guardian age (DN-A2).
		row{name: "DN-A2 age 17", set: map[string]any{"patient.birth_date": aged(18, true), "patient.guardian_name": "Rosa Baseline"},
			fires: map[string]screening.Severity{"DN-A2": caution}},
		row{name: "DN-A2 age 18", set: map[string]any{"patient.birth_date": aged(18, false)},
			absent: []string{"DN-A2"}},
		row{name: "DN-A2 age 18 with guardian age 19", set: map[string]any{"patient.birth_date": aged(18, false), "patient.guardian_name": "Rosa Baseline"},
			settings: screening.Settings{GuardianAge: 19}, fires: map[string]screening.Severity{"DN-A2": caution}},
	)
	return rows
}

func TestThresholds(t *testing.T) {
	for _, r := range thresholdRows() {
		t.Run(r.name, func(t *testing.T) {
			res := screen(t, r.set, r.settings)
			got := map[string]screening.Severity{}
			for _, f := range res.Flags {
				got[f.ID] = f.Severity
			}
			for id, sev := range r.fires {
				if g, ok := got[id]; !ok {
					t.Errorf("%s did not fire (flags %v)", id, got)
				} else if g != sev {
					t.Errorf("%s severity %s, want %s", id, g, sev)
				}
			}
			for _, id := range r.absent {
				if _, ok := got[id]; ok {
					t.Errorf("%s fired, want absent", id)
				}
			}
		})
	}
}

func TestBaselineHasNoFlags(t *testing.T) {
	res := screen(t, nil, screening.Settings{})
	if len(res.Flags) != 0 || res.HighestSeverity != screening.SeverityNone {
		t.Fatalf("baseline flags %v", res.Flags)
	}
	if res.GuardianAge != screening.DefaultGuardianAge {
		t.Fatalf("guardian age %d, want default %d", res.GuardianAge, screening.DefaultGuardianAge)
	}
	if got := fmt.Sprint(res.RulesVersion); got != "screening|1" {
		t.Fatalf("rules version %q", got)
	}
}
