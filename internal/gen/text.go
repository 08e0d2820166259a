package gen

import (
	"fmt"
	"unicode/utf8"

	"github.com/backintake/backintake/intake"
)

// Invented names in the clinic's three languages, with apostrophes, hyphens
// and Vietnamese diacritics that exercise NFC and the name rule.
var (
	givenNames  = []string{"Ana", "Mateo", "Lucía", "José", "Thảo", "Minh", "Nguyệt", "Chloë", "Seán", "Anne-Marie", "Bảo", "Grace"}
	familyNames = []string{"Baseline", "Ruiz", "García Peña", "Nguyễn", "Trần", "Lê", "O'Brien", "D’Souza", "Smith-Jones", "Đặng", "Müller", "St. Clair"}
)

// Phrases for free-text items by linkId; other items get a generic phrase.
var phrases = map[string][]string{
	"redflag.cancer_details":    {"breast, 2019", "prostate 2015", "bowel cancer, 2021, finished treatment", "melanoma 2010"},
	"needling.lymphedema_where": {"left arm", "right arm", "left arm, not safe for blood tests", "both legs", "right leg and groin", "left side of chest"},
	"function.activity1":        {"Lifting my toddler", "Gardening", "Sitting through a work day", "Walking the dog", "Playing football"},
	"function.activity2":        {"Driving to work", "Putting on socks", "Cycling", "Cooking dinner", "Sleeping through the night"},
	"function.activity3":        {"Carrying shopping", "Swimming", "Dancing", "Climbing stairs", "Housework"},
	"history.medications":       {"Ibuprofen 400 mg when needed", "Paracetamol\nAmlodipine 5 mg", "none"},
	"history.conditions":        {"High blood pressure", "Asthma\nHypothyroidism", "Knee replacement 2018"},
	"goals.text":                {"Pick up my grandchildren again", "Run 5 km", "Sit at my desk without pain\nSleep better"},
	"notes.text":                {"I prefer morning appointments.", "Hard of hearing on the left.", "Tôi cần thông dịch viên."},
}

var generic = []string{"Yes, since last year", "Not sure", "See notes"}

// text returns a string for a string or text item within its limits.
func (g *generator) text(it *intake.Item) string {
	var s string
	switch it.Format {
	case intake.FormatName:
		s = pick(g, givenNames) + " " + pick(g, familyNames)
	case intake.FormatPhone:
		s = fmt.Sprintf("+1 (%03d) %03d-%04d", 200+g.r.IntN(800), g.r.IntN(1000), g.r.IntN(10000))
	case intake.FormatEmail:
		s = fmt.Sprintf("patient%d@example.org", g.r.IntN(1000000))
	default:
		list := phrases[it.LinkID]
		if list == nil {
			list = generic
		}
		s = pick(g, list)
	}
	for it.MaxLen > 0 && utf8.RuneCountInString(s) > it.MaxLen {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

func pick(g *generator, list []string) string { return list[g.r.IntN(len(list))] }
