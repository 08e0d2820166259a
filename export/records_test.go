package export

import (
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// hostile holds free text that a spreadsheet would run or mangle; each value
// must come out guarded in the CSV and unchanged everywhere else.
var hostile = map[string]string{
	"notes.text":          `=HYPERLINK("http://x.test","y")`,
	"goals.text":          "@SUM(1,1)",
	"patient.phone":       "+1 555 0100",
	"history.conditions":  "-3",
	"function.activity1":  "-Walking the dog",
	"history.medications": "Ibuprofen 400 mg\nat night\n=1+1 on the next line",
}

// tabLed and crLed cannot pass validation (strings are trimmed), so the test
// sets them on the stored answers directly: the encoder must guard them anyway.
const (
	tabLed = "\tTab first\tthen text"
	crLed  = "\rCR first"
)

// testRecords returns one Record per shared screening case, screened with
// screening.Run, plus the hostile case built on C10 (a second intake with
// every free-text field filled with injection attempts).
func testRecords(t testing.TB) []Record {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	var out []Record
	for i, c := range all {
		out = append(out, record(c.ID, c.Date(), i, c.Valid()))
		if c.ID == "C10-benign" {
			raw := c.Raw()
			for k, v := range hostile {
				raw[k] = v
			}
			raw["function.activity2"] = "Gardening"
			raw["function.activity2_score"] = 3
			a, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: c.Date(), GuardianAge: 18})
			if errs != nil {
				t.Fatalf("hostile case rejected: %v", errs)
			}
			a["goals.text"] = tabLed
			a["redflag.cancer_details"] = crLed // not enabled, but the encoder has no say in that
			out = append(out, record("hostile_C10", c.Date(), len(all), a))
		}
	}
	return out
}

func record(id string, on intake.Date, n int, a intake.Answers) Record {
	created := on.Time().Add(17*time.Hour + time.Duration(n)*time.Minute) // 09:00+ in Los Angeles
	return Record{
		Intake: intake.Intake{
			ID:                   id,
			CreatedAt:            created,
			SubmissionDate:       on,
			QuestionnaireVersion: intake.Canonical,
			Lang:                 "en",
			Answers:              a,
		},
		Screening: screening.Run(a, on, screening.Settings{GuardianAge: 18}),
	}
}
