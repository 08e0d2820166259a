// Package gen generates random, realistic, valid answer sets for a
// questionnaire, for property tests and the load generator. Everything it
// produces is synthetic: the names, phone numbers and e-mail addresses are
// invented (e-mail under example.org).
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/backintake/backintake/intake"
)

// MaxAge is the oldest patient generated, in full years on the submission date.
const MaxAge = 100

// Answers returns a random answer set for q submitted on date on, in the JSON
// value domain the API decodes (bool, json.Number, string, []any), that
// q.Validate accepts for any guardian-age setting: every enabled required item
// is answered, about half of the enabled optional items are, no disabled item
// is, and the cross-field rules hold (pain.back_worst ≥ now and avg,
// pain.onset_age ≤ age). patient.guardian_name is always given; validation
// drops it for patients old enough to need no guardian. Codes, ints and bools
// are uniform over their ranges, so rare red flags appear often. The same r
// state gives the same answers.
func Answers(r *rand.Rand, q *intake.Questionnaire, on intake.Date) intake.Raw {
	return generate(r, q, on, false)
}

// Clinic is like Answers but with the mix of patients a clinic sees, for load
// tests and benchmarks: adults, most answering "no" to the red-flag and
// dry-needling safety questions (each yes about 1 in 20, each new cauda equina
// sign about 1 in 50), spreading pain, numbness and weakness less often than
// not. Its stored screening results are therefore sized like a clinic's, not
// like uniform answers that fire a dozen flags per patient.
func Clinic(r *rand.Rand, q *intake.Questionnaire, on intake.Date) intake.Raw {
	return generate(r, q, on, true)
}

func generate(r *rand.Rand, q *intake.Questionnaire, on intake.Date, clinic bool) intake.Raw {
	g := generator{r: r, on: on, raw: intake.Raw{}, got: intake.Answers{}, clinic: clinic}
	for _, it := range q.Items() {
		if !it.GuardianRule && !g.enabled(it) {
			continue
		}
		if !it.Required && !it.GuardianRule && r.IntN(2) == 0 {
			continue
		}
		g.answer(it)
	}
	return g.raw
}

// generator holds one answer set as it grows: raw in the JSON value domain,
// got normalised (as Validate would return it) for enableWhen.
type generator struct {
	r   *rand.Rand
	on  intake.Date
	raw intake.Raw
	got intake.Answers
	age int
	// clinic weights answers as a clinic's patients give them (see Clinic).
	clinic bool
}

// Clinic-mix probabilities.
const (
	clinicYesSafety  = 0.05 // a yes to one safety or dry-needling question
	clinicYesSymptom = 0.35 // spreading pain, numbness, weakness and other yes/no symptoms
	clinicFirstCode  = 0.90 // the first ("no", "none") code of a safety choice
	clinicNoCES      = 0.98 // "no" to each cauda equina question
)

// clinicYes overrides the clinic mix's chance of a yes for single items.
var clinicYes = map[string]float64{
	"weakness.present":    0.10,
	"psych.fear_movement": 0.20,
	"psych.low_mood":      0.15,
	"psych.expect_worse":  0.15,
}

// clinicWeights are the clinic mix's relative weights of a choice's codes, in option order.
var clinicWeights = map[string][]int{
	"pain.onset":        {40, 15, 25, 8, 2, 3, 7}, // gradual … major_trauma, after_procedure, other
	"meta.completed_by": {9, 1},
}

// clinicRegion is the clinic mix's chance that one body-chart region is ticked.
func clinicRegion(code string) float64 {
	switch code {
	case "lumbar_l", "lumbar_r":
		return 0.8
	case "buttock_l", "buttock_r":
		return 0.25
	case "upper_back":
		return 0.1
	case "neck":
		return 0.05
	case "saddle":
		return 0.01
	}
	return 0.06 // each leg region
}

// yesChance is the probability of a yes to a bool item.
func (g *generator) yesChance(it *intake.Item) float64 {
	switch p, ok := clinicYes[it.LinkID]; {
	case it.MustBeYes:
		return 1
	case !g.clinic:
		return 0.5
	case ok:
		return p
	case it.Section == "safety" || it.Section == "needling":
		return clinicYesSafety
	}
	return clinicYesSymptom
}

// choice picks a code; in the clinic mix safety questions mostly get their first code.
func (g *generator) choice(it *intake.Item) string {
	if g.clinic && (it.Section == "safety" || it.Section == "needling") {
		p := clinicFirstCode
		if it.OptionSet == "recent" {
			p = clinicNoCES
		}
		if it.LinkID == "needling.willing" {
			p = 0.75 // "yes": most patients are open to it
		}
		if g.r.Float64() < p {
			return it.Options[0]
		}
	}
	if w, ok := clinicWeights[it.LinkID]; g.clinic && ok {
		total := 0
		for _, x := range w {
			total += x
		}
		n := g.r.IntN(total)
		for i, x := range w {
			if n < x {
				return it.Options[i]
			}
			n -= x
		}
	}
	return it.Options[g.r.IntN(len(it.Options))]
}

// enabled evaluates enableWhen (behaviour "any") over the items answered so
// far; every condition in the questionnaire refers to an earlier item.
func (g *generator) enabled(it *intake.Item) bool {
	if len(it.EnableWhen) == 0 {
		return true
	}
	for _, c := range it.EnableWhen {
		if g.holds(c) {
			return true
		}
	}
	return false
}

func (g *generator) holds(c intake.Condition) bool {
	if !g.got.Answered(c.Question) {
		return false
	}
	switch c.Op {
	case intake.OpExists:
		return true
	case intake.OpEquals, intake.OpNotEquals:
		var eq bool
		if b, ok := c.Answer.(bool); ok {
			eq = g.got.Bool(c.Question) == b
		} else {
			eq = g.got.Has(c.Question, fmt.Sprint(c.Answer))
		}
		return eq == (c.Op == intake.OpEquals)
	}
	return false
}

func (g *generator) answer(it *intake.Item) {
	r := g.r
	switch it.Type {
	case intake.TypeBool:
		b := r.Float64() < g.yesChance(it)
		g.raw[it.LinkID], g.got[it.LinkID] = b, b
	case intake.TypeInt:
		n := g.int(it)
		g.raw[it.LinkID], g.got[it.LinkID] = json.Number(strconv.Itoa(n)), n
	case intake.TypeChoice:
		c := g.choice(it)
		g.raw[it.LinkID], g.got[it.LinkID] = c, c
	case intake.TypeMulti:
		codes := g.multi(it)
		list := make([]any, len(codes))
		for i, c := range codes {
			list[i] = c
		}
		g.raw[it.LinkID], g.got[it.LinkID] = list, codes
	case intake.TypeDate:
		d := g.birthDate()
		g.raw[it.LinkID], g.got[it.LinkID] = d.String(), d.String()
	default: // string, text
		s := g.text(it)
		g.raw[it.LinkID], g.got[it.LinkID] = s, s
	}
}

// int picks a whole number in the item's range, honouring the cross-field rules.
func (g *generator) int(it *intake.Item) int {
	lo, hi := it.Min, it.Max
	switch it.LinkID {
	case "pain.back_worst": // ≥ back_now and ≥ back_avg
		now, _ := g.got.Int("pain.back_now")
		avg, _ := g.got.Int("pain.back_avg")
		lo = max(lo, now, avg)
	case "pain.onset_age": // ≤ age
		hi = min(hi, g.age)
	}
	if hi < lo {
		hi = lo
	}
	// Wide ranges (weeks off work) are mostly small numbers, as in life.
	if hi-lo > 20 && g.r.IntN(10) < 7 {
		hi = lo + 20
	}
	return lo + g.r.IntN(hi-lo+1)
}

// multi picks a non-empty subset in option order; an exclusive code stands alone.
func (g *generator) multi(it *intake.Item) []string {
	if it.Exclusive != "" && g.r.IntN(8) == 0 {
		return []string{it.Exclusive}
	}
	var out []string
	for _, o := range it.Options {
		p := 0.25
		if g.clinic && it.OptionSet == "region" {
			p = clinicRegion(o)
		}
		if o != it.Exclusive && g.r.Float64() < p {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		for {
			o := it.Options[g.r.IntN(len(it.Options))]
			if o != it.Exclusive {
				return []string{o}
			}
		}
	}
	return out
}

// birthDate gives an age of 0 to MaxAge years on the submission date, spread
// over every day so that birthdays fall on, before and after it.
func (g *generator) birthDate() intake.Date {
	days := g.r.IntN(MaxAge * 366)
	if g.clinic && g.r.IntN(20) != 0 { // mostly adults of 18 to 90
		days = 18*366 + g.r.IntN(72*366)
	}
	d := intake.DateOf(g.on.Time().AddDate(0, 0, -days))
	if earliest := (intake.Date{Year: 1900, Month: 1, Day: 1}); d.Before(earliest) {
		d = earliest
	}
	g.age = intake.AgeOn(d, g.on)
	return d
}
