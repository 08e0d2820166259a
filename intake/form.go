package intake

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Control-field prefixes of the HTML form (design: "_"-prefixed names are never linkIds).
const (
	DayPrefix   = "_d."
	MonthPrefix = "_m."
	YearPrefix  = "_y."
)

// FromForm converts HTML form values (linkId → values as posted) into Raw,
// following the design's form encodings: bool "yes"/"no", int as ASCII digits,
// a multi item repeated once per checked box, a date as YYYY-MM-DD or as the
// three control fields _d./_m./_y.<linkId>. Other fields starting with "_" are
// control fields and are skipped. A value that does not fit its item's encoding
// is kept as a string so that validation reports it as a type error; empty
// values count as unanswered.
func (q *Questionnaire) FromForm(form map[string][]string) Raw {
	raw := Raw{}
	for name, vals := range form {
		if strings.HasPrefix(name, "_") {
			continue
		}
		it := q.Item(name)
		if it == nil {
			raw[name] = strings.Join(vals, ",")
			continue
		}
		if it.Type == TypeMulti {
			list := make([]any, 0, len(vals))
			for _, v := range vals {
				if v = strings.TrimSpace(v); v != "" {
					list = append(list, v)
				}
			}
			raw[name] = list
			continue
		}
		nonEmpty := vals[:0:0]
		for _, v := range vals {
			if strings.TrimSpace(v) != "" {
				nonEmpty = append(nonEmpty, v)
			}
		}
		switch len(nonEmpty) {
		case 0:
			raw[name] = nil
		case 1:
			raw[name] = formValue(it, nonEmpty[0])
		default:
			raw[name] = []any{nonEmpty[0], nonEmpty[1]} // one answer expected: a type error
		}
	}
	for _, it := range q.items {
		if it.Type != TypeDate {
			continue
		}
		if _, direct := raw[it.LinkID]; direct && raw[it.LinkID] != nil {
			continue
		}
		if d, ok := dateFromParts(form, it.LinkID); ok {
			raw[it.LinkID] = d
		}
	}
	return raw
}

func formValue(it *Item, v string) any {
	switch it.Type {
	case TypeBool:
		switch strings.TrimSpace(v) {
		case "yes":
			return true
		case "no":
			return false
		}
		return v
	case TypeInt:
		t := strings.TrimSpace(v)
		for _, r := range t {
			if r < '0' || r > '9' {
				return v
			}
		}
		return json.Number(t)
	}
	return v
}

// dateFromParts combines _d./_m./_y.<linkId> into YYYY-MM-DD; ok is false when
// all three are empty. Parts that are not numbers give a string that fails the
// date format check.
func dateFromParts(form map[string][]string, linkID string) (string, bool) {
	get := func(prefix string) string {
		if v := form[prefix+linkID]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	d, m, y := get(DayPrefix), get(MonthPrefix), get(YearPrefix)
	if d == "" && m == "" && y == "" {
		return "", false
	}
	var dn, mn, yn int
	if _, err := fmt.Sscanf(d+" "+m+" "+y, "%d %d %d", &dn, &mn, &yn); err != nil || len(y) != 4 || len(d) > 2 || len(m) > 2 {
		return d + "/" + m + "/" + y, true
	}
	return fmt.Sprintf("%04d-%02d-%02d", yn, mn, dn), true
}
