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
	g := generator{r: r, on: on, raw: intake.Raw{}, got: intake.Answers{}}
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
		b := it.MustBeYes || r.IntN(2) == 0
		g.raw[it.LinkID], g.got[it.LinkID] = b, b
	case intake.TypeInt:
		n := g.int(it)
		g.raw[it.LinkID], g.got[it.LinkID] = json.Number(strconv.Itoa(n)), n
	case intake.TypeChoice:
		c := it.Options[r.IntN(len(it.Options))]
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
		if o != it.Exclusive && g.r.IntN(4) == 0 {
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
	d := intake.DateOf(g.on.Time().AddDate(0, 0, -g.r.IntN(MaxAge*366)))
	if earliest := (intake.Date{Year: 1900, Month: 1, Day: 1}); d.Before(earliest) {
		d = earliest
	}
	g.age = intake.AgeOn(d, g.on)
	return d
}
