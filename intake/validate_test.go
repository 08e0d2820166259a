package intake_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

var onDate = intake.Date{Year: 2026, Month: 11, Day: 2}

// baseline returns C10's valid raw answers (a benign adult).
func baseline(t *testing.T) intake.Raw {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C10") {
			return c.Raw()
		}
	}
	t.Fatal("C10 missing")
	return nil
}

func validate(raw intake.Raw) (intake.Answers, intake.Errors) {
	return intake.V1.Validate(raw, intake.Context{SubmissionDate: onDate, GuardianAge: 18})
}

func errorsOf(errs intake.Errors) map[string]intake.Code {
	m := map[string]intake.Code{}
	for _, e := range errs {
		m[e.LinkID] = e.Code
	}
	return m
}

func TestErrorCodes(t *testing.T) {
	long := strings.Repeat("é", 101)
	tests := []struct {
		name   string
		change map[string]any
		want   map[string]intake.Code // exactly these errors
	}{
		{"required", map[string]any{"pain.trend": nil}, map[string]intake.Code{"pain.trend": "required"}},
		{"empty string is no answer", map[string]any{"patient.given_name": "   "}, map[string]intake.Code{"patient.given_name": "required"}},
		{"empty multi is no answer", map[string]any{"pain.regions": []any{}}, map[string]intake.Code{"pain.regions": "required"}},
		{"type: string for bool", map[string]any{"pain.unrelieved": "no"}, map[string]intake.Code{"pain.unrelieved": "type"}},
		{"type: string for int", map[string]any{"function.activity": "6"}, map[string]intake.Code{"function.activity": "type"}},
		{"int 6.0 is 6", map[string]any{"function.activity": json.Number("6.0")}, nil},
		{"range above", map[string]any{"function.activity": json.Number("11")}, map[string]intake.Code{"function.activity": "range"}},
		{"range below", map[string]any{"function.activity": json.Number("-1")}, map[string]intake.Code{"function.activity": "range"}},
		{"unknown code", map[string]any{"pain.trend": "sideways"}, map[string]intake.Code{"pain.trend": "unknown_code"}},
		{"unknown code in multi", map[string]any{"pain.regions": []any{"lumbar_l", "tail"}}, map[string]intake.Code{"pain.regions": "unknown_code"}},
		{"duplicate code", map[string]any{"pain.regions": []any{"lumbar_l", "lumbar_l"}}, map[string]intake.Code{"pain.regions": "duplicate"}},
		{"exclusive none", map[string]any{"pain.worse_with": []any{"none", "sitting"}}, map[string]intake.Code{"pain.worse_with": "exclusive"}},
		{"exclusive nothing", map[string]any{"pain.better_with": []any{"heat", "nothing"}}, map[string]intake.Code{"pain.better_with": "exclusive"}},
		{"none alone is fine", map[string]any{"pain.worse_with": []any{"none"}}, nil},
		{"must be yes", map[string]any{"consent.privacy": false}, map[string]intake.Code{"consent.privacy": "must_be_yes"}},
		{"future date", map[string]any{"patient.birth_date": "2026-11-03"}, map[string]intake.Code{"patient.birth_date": "future_date"}},
		{"birth today is fine for the date rule", map[string]any{"patient.birth_date": "2026-11-02", "patient.guardian_name": "Ana Madre"}, nil},
		{"too early", map[string]any{"patient.birth_date": "1899-12-31"}, map[string]intake.Code{"patient.birth_date": "too_early"}},
		{"1900-01-01 is fine", map[string]any{"patient.birth_date": "1900-01-01"}, nil},
		{"not a calendar date", map[string]any{"patient.birth_date": "1990-02-30"}, map[string]intake.Code{"patient.birth_date": "format"}},
		{"not ISO", map[string]any{"patient.birth_date": "03/07/1991"}, map[string]intake.Code{"patient.birth_date": "format"}},
		{"too long by code points", map[string]any{"function.activity1": long}, map[string]intake.Code{"function.activity1": "too_long"}},
		{"100 code points fit", map[string]any{"function.activity1": long[:200]}, nil},
		{"control character", map[string]any{"function.activity1": "walk\u0007"}, map[string]intake.Code{"function.activity1": "format"}},
		{"tab and newline allowed in text", map[string]any{"notes.text": "a\tb\r\nc"}, nil},
		{"name with digits", map[string]any{"patient.family_name": "B4seline"}, map[string]intake.Code{"patient.family_name": "format"}},
		{"name without a letter", map[string]any{"patient.family_name": "-."}, map[string]intake.Code{"patient.family_name": "format"}},
		{"name with apostrophes and marks", map[string]any{"patient.family_name": "O’Brien-D'Arcy Jr.", "patient.given_name": "अर्जुन"}, nil},
		{"phone with 6 digits", map[string]any{"patient.phone": "555 123"}, map[string]intake.Code{"patient.phone": "format"}},
		{"phone with 7 digits", map[string]any{"patient.phone": "555-1234"}, nil},
		{"phone with 20 digits", map[string]any{"patient.phone": "+1 (234) 567-8901 2345 6789 0"}, nil},
		{"phone with 21 digits", map[string]any{"patient.phone": "+1 (234) 567-8901 2345 6789 01"}, map[string]intake.Code{"patient.phone": "format"}},
		{"phone with letters", map[string]any{"patient.phone": "555-CALL-NOW"}, map[string]intake.Code{"patient.phone": "format"}},
		{"email", map[string]any{"patient.email": "ana@clinic"}, map[string]intake.Code{"patient.email": "format"}},
		{"email fine", map[string]any{"patient.email": "ana@example.org"}, nil},
		{"unknown linkId", map[string]any{"pain.colour": "blue"}, map[string]intake.Code{"pain.colour": "unknown_item"}},
		{"worst below now", map[string]any{"pain.back_worst": json.Number("3")}, map[string]intake.Code{"pain.back_worst": "below_now_or_avg"}},
		{"worst equal to now and avg", map[string]any{"pain.back_worst": json.Number("4")}, nil},
		// One bad answer, one error: rules depending on a bad answer are skipped.
		{"bad now skips worst rule", map[string]any{"pain.back_now": "x", "pain.back_worst": json.Number("0")}, map[string]intake.Code{"pain.back_now": "type"}},
		{"missing trigger skips follow-ups", map[string]any{"radiating.present": nil}, map[string]intake.Code{"radiating.present": "required"}},
		{"bad birth date skips guardian and onset age", map[string]any{"patient.birth_date": "soon", "pain.duration": "gt12w", "pain.onset_age": json.Number("90")},
			map[string]intake.Code{"patient.birth_date": "format"}},
		{"onset age above age", map[string]any{"pain.duration": "gt12w", "pain.onset_age": json.Number("36")}, map[string]intake.Code{"pain.onset_age": "above_age"}},
		{"onset age equal to age", map[string]any{"pain.duration": "gt12w", "pain.onset_age": json.Number("35")}, nil},
		{"enabled follow-up missing", map[string]any{"pain.duration": "gt12w"}, map[string]intake.Code{"pain.onset_age": "required"}},
		{"ces_checked required when a CES item is present", map[string]any{"redflag.bowel": "yes_longstanding"}, map[string]intake.Code{"redflag.ces_checked": "required"}},
		{"activity score required with its activity", map[string]any{"function.activity3": "Gardening"}, map[string]intake.Code{"function.activity3_score": "required"}},
		{"disabled item's invalid answer is dropped", map[string]any{"work.weeks_off": "lots", "radiating.side": 7}, nil},
		{"minor needs a guardian", map[string]any{"patient.birth_date": "2008-11-03"}, map[string]intake.Code{"patient.guardian_name": "required"}},
		{"18 today needs none", map[string]any{"patient.birth_date": "2008-11-02"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := baseline(t)
			for k, v := range tt.change {
				raw[k] = v
			}
			_, errs := validate(raw)
			got := errorsOf(errs)
			if len(tt.want) == 0 && len(got) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("errors %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNormalisation(t *testing.T) {
	raw := baseline(t)
	raw["patient.family_name"] = "  Nguye\u0302\u0303n  " // NFD ễ
	raw["notes.text"] = "one\r\ntwo "
	raw["pain.regions"] = []any{"saddle", "foot_r", "lumbar_l"}
	raw["pain.leg_avg"] = json.Number("2") // foot_r is a leg code: leg pain is asked
	raw["work.status"] = "working"
	raw["work.weeks_off"] = json.Number("3") // disabled: dropped
	a, errs := validate(raw)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := a.String("patient.family_name"); got != "Nguyễn" {
		t.Fatalf("name %q, want NFC Nguyễn", got)
	}
	if a.String("notes.text") != "one\ntwo" {
		t.Fatalf("text %q", a.String("notes.text"))
	}
	if !reflect.DeepEqual(a.Codes("pain.regions"), []string{"lumbar_l", "foot_r", "saddle"}) {
		t.Fatalf("regions %v not in option order", a.Codes("pain.regions"))
	}
	if a.Answered("work.weeks_off") {
		t.Fatal("answer to a disabled item was kept")
	}
	// Validating the normalised answers again gives the same answers.
	b, _ := json.Marshal(a)
	again, err := intake.V1.DecodeAnswers(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, a) {
		t.Fatal("stored answers do not decode to the same values")
	}
}

func TestErrorOrder(t *testing.T) {
	raw := baseline(t)
	raw["zzz.unknown"] = 1
	raw["consent.signature"] = nil
	raw["aaa.unknown"] = 1
	raw["patient.sex"] = nil
	_, errs := validate(raw)
	var ids []string
	for _, e := range errs {
		ids = append(ids, e.LinkID)
	}
	want := []string{"patient.sex", "consent.signature", "aaa.unknown", "zzz.unknown"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	if strings.Contains(errs.Error(), "Baseline") {
		t.Fatal("error text holds an answer")
	}
}

func TestFromForm(t *testing.T) {
	form := map[string][]string{
		"_csrf":                  {"x"},
		"_d.patient.birth_date":  {"7"},
		"_m.patient.birth_date":  {"3"},
		"_y.patient.birth_date":  {"1991"},
		"pain.unrelieved":        {"no"},
		"pain.back_now":          {" 4 "},
		"pain.regions":           {"lumbar_l", ""},
		"patient.given_name":     {""},
		"pain.seen_doctor":       {"maybe"},
		"function.activity":      {"six"},
		"stiffness.morning":      {"lt15", "gt60"},
		"consent.signature":      {"Ana Baseline"},
		"_lang":                  {"es"},
		"redflag.cancer_details": {"breast, 2019"},
	}
	raw := intake.V1.FromForm(form)
	want := intake.Raw{
		"patient.birth_date":     "1991-03-07",
		"pain.unrelieved":        false,
		"pain.back_now":          json.Number("4"),
		"pain.regions":           []any{"lumbar_l"},
		"patient.given_name":     nil,
		"pain.seen_doctor":       "maybe",
		"function.activity":      "six",
		"stiffness.morning":      []any{"lt15", "gt60"},
		"consent.signature":      "Ana Baseline",
		"redflag.cancer_details": "breast, 2019",
	}
	if !reflect.DeepEqual(raw, want) {
		t.Fatalf("FromForm:\n got %#v\nwant %#v", raw, want)
	}
	_, errs := validate(raw)
	got := errorsOf(errs)
	for id, code := range map[string]intake.Code{"pain.seen_doctor": "type", "function.activity": "type", "stiffness.morning": "type", "patient.given_name": "required"} {
		if got[id] != code {
			t.Errorf("%s: %q, want %q", id, got[id], code)
		}
	}
	bad := intake.V1.FromForm(map[string][]string{"_d.patient.birth_date": {"31"}, "_m.patient.birth_date": {"2"}, "_y.patient.birth_date": {"91"}})
	if _, errs := validate(bad); errorsOf(errs)["patient.birth_date"] != "format" {
		t.Fatalf("two-digit year must be a format error, got %v", errorsOf(errs)["patient.birth_date"])
	}
	feb := intake.V1.FromForm(map[string][]string{"_d.patient.birth_date": {"31"}, "_m.patient.birth_date": {"2"}, "_y.patient.birth_date": {"1991"}})
	if _, errs := validate(feb); errorsOf(errs)["patient.birth_date"] != "format" {
		t.Fatal("31 February must be a format error")
	}
}

func TestAgeOn(t *testing.T) {
	b := intake.Date{Year: 2000, Month: 2, Day: 29}
	for _, tt := range []struct {
		on   intake.Date
		want int
	}{
		{intake.Date{Year: 2018, Month: 2, Day: 28}, 17},
		{intake.Date{Year: 2018, Month: 3, Day: 1}, 18},
		{intake.Date{Year: 2020, Month: 2, Day: 29}, 20},
		{intake.Date{Year: 2000, Month: 2, Day: 29}, 0},
	} {
		if got := intake.AgeOn(b, tt.on); got != tt.want {
			t.Errorf("age on %s = %d, want %d", tt.on, got, tt.want)
		}
	}
}

func TestPartialKeepsOnlyValidAnswers(t *testing.T) {
	raw := baseline(t)
	raw["consent.treatment"] = false           // must_be_yes
	raw["pain.back_worst"] = json.Number("1")  // below now: cross-field error
	raw["redflag.saddle_numbness"] = "yes_new" // valid, and kept
	raw["redflag.ces_checked"] = false
	part := intake.V1.Partial(raw, intake.Context{SubmissionDate: onDate, GuardianAge: 18})
	if part.Answered("consent.treatment") || part.Answered("pain.back_worst") {
		t.Fatal("Partial kept an answer that failed a check")
	}
	if part.String("redflag.saddle_numbness") != "yes_new" || !part.Answered("patient.family_name") {
		t.Fatal("Partial dropped valid answers")
	}
	if a, errs := validate(raw); a != nil || errs == nil {
		t.Fatal("Validate must still reject the whole set")
	}
}
