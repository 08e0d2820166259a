package messages

import (
	"strconv"

	"github.com/backintake/backintake/intake"
)

// SectionTitle is the key of a section's heading.
func SectionTitle(sectionID string) string { return "section." + sectionID + ".title" }

// ItemText is the key of an item's question text.
func ItemText(linkID string) string { return "item." + linkID + ".text" }

// ItemHelp is the key of an item's optional help line.
func ItemHelp(linkID string) string { return "item." + linkID + ".help" }

// ScaleLow is the key of the low anchor.
func ScaleLow(linkID string) string { return "item." + linkID + ".low" }

// ScaleHigh is the key of the high anchor.
func ScaleHigh(linkID string) string { return "item." + linkID + ".high" }

// Option is the key of an option's label: option.<set>.<code> for items that
// share an option set (body-chart regions, sides, "recent" codes), else
// item.<linkId>.option.<code>.
func Option(it *intake.Item, code string) string {
	if it.OptionSet != "" {
		return "option." + it.OptionSet + "." + code
	}
	return "item." + it.LinkID + ".option." + code
}

// Yes and No are the keys of a bool item's answer labels.
const (
	Yes = "answer.yes"
	No  = "answer.no"
)

// Error is the key of a validation message; its template fields are Min, Max and MaxLen.
func Error(code intake.Code) string { return "error." + string(code) }

// AnswerText renders a normalised answer as text in p's language: option
// labels for codes (joined with "; "), Yes/No for bools, digits for ints and
// the text itself otherwise. It returns "" for nil.
func (p *Printer) AnswerText(it *intake.Item, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return p.T(Yes)
		}
		return p.T(No)
	case int:
		return strconv.Itoa(x)
	case []string:
		s := ""
		for i, c := range x {
			if i > 0 {
				s += "; "
			}
			s += p.T(Option(it, c))
		}
		return s
	case string:
		if it.Type == intake.TypeChoice {
			return p.T(Option(it, x))
		}
		return x
	}
	return ""
}
