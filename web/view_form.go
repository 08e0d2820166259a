package web

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
)

// formPage is everything the questionnaire template shows; all text is
// already localised so the template holds no literal text.
type formPage struct {
	page
	Intro   string
	Problem string // message at the top for 403/409/413/429/503
	// Emergency advice for a form sent back whose valid answers already show
	// an emergency (spec: the advice must reach the patient).
	EmergencyTitle, EmergencyText string
	ErrorTitle                    string
	ErrorIntro                    string
	Errors                        []errorLink
	Sections                      []sectionView
	Submit                        string
	CSRF                          string
	Submission                    string
	Languages                     []langButton
	LanguageText                  string
	RequiredText                  string
}

// errorLink is one line of the error summary: the question, then what to fix.
type errorLink struct {
	Href, Question, Message string
}

type langButton struct {
	Code, Name string
	Current    bool
}

type sectionView struct {
	ID, Title, Intro string
	Fields           []fieldView
}

// fieldView is one question. Widget decides the markup: radio, checkbox,
// scale (0-10 radios), text, textarea, number, date3.
type fieldView struct {
	LinkID, ID, Widget       string
	Label, Help, Hint, Error string
	FollowUp                 string // "answer only if it applies": for pages without JavaScript
	NoticeTitle, Notice      string // text to read before answering (consent items)
	Required                 bool
	Value                    string
	InputType, Autocomplete  string
	InputMode                string
	MaxLen                   int
	Options                  []optionView
	Low, High                string
	EnableWhen               string // JSON for form.js; "" when always enabled
	GuardianAge              int    // for form.js: shown only below this age; 0 when not age-based
	Layout                   string // option-list class: "yesno" (two columns), "regions" (pairs)
	DateParts                []datePart
	Conditional              bool
}

type optionView struct {
	Value, Label, ID string
	Checked          bool
}

type datePart struct {
	Name, ID, Label, Value, Kind string // Kind: day, month, year
	Months                       []optionView
}

// buildForm makes the questionnaire view from posted values (nil for a fresh form).
func buildForm(p *messages.Printer, values map[string][]string, errs intake.Errors, guardianAge int) []sectionView {
	values = printable(values)
	errFor := map[string]intake.Code{}
	for _, e := range errs {
		errFor[e.LinkID] = e.Code
	}
	var out []sectionView
	for _, sec := range intake.V1.Sections {
		sv := sectionView{ID: sec.ID, Title: p.T(messages.SectionTitle(sec.ID)), Intro: p.T("section." + sec.ID + ".intro")}
		for _, it := range sec.Items {
			sv.Fields = append(sv.Fields, buildField(p, it, values, errFor[it.LinkID], guardianAge))
		}
		out = append(out, sv)
	}
	return out
}

func fieldID(linkID string) string { return "f-" + strings.ReplaceAll(linkID, ".", "-") }

func buildField(p *messages.Printer, it *intake.Item, values map[string][]string, code intake.Code, guardianAge int) fieldView {
	f := fieldView{
		LinkID:      it.LinkID,
		ID:          fieldID(it.LinkID),
		Label:       p.T(messages.ItemText(it.LinkID)),
		Help:        p.T(messages.ItemHelp(it.LinkID)),
		Required:    it.Required,
		Conditional: it.Enableable(),
		MaxLen:      it.MaxLen,
	}
	if code != "" {
		f.Error = errorMessage(p, it, code)
	}
	if it.GuardianRule {
		f.GuardianAge = guardianAge
	}
	if len(it.EnableWhen) > 0 {
		b, _ := json.Marshal(it.EnableWhen)
		f.EnableWhen = string(b)
	}
	vals := values[it.LinkID]
	first := ""
	if len(vals) > 0 {
		first = vals[0]
	}
	switch it.Type {
	case intake.TypeBool:
		f.Widget, f.Layout = "radio", "yesno"
		for _, o := range []struct{ v, key string }{{"yes", messages.Yes}, {"no", messages.No}} {
			f.Options = append(f.Options, optionView{Value: o.v, Label: p.T(o.key), ID: f.ID + "-" + o.v, Checked: first == o.v})
		}
	case intake.TypeChoice, intake.TypeMulti:
		f.Widget = "radio"
		if it.Type == intake.TypeMulti {
			f.Widget = "checkbox"
		}
		for _, code := range it.Options {
			f.Options = append(f.Options, optionView{Value: code, Label: p.T(messages.Option(it, code)),
				ID: f.ID + "-" + code, Checked: contains(vals, code)})
		}
		if it.OptionSet == "region" {
			f.Layout = "regions"
			if f.Help == "" {
				f.Hint = p.T("page.form.regions_hint")
			}
		}
	case intake.TypeInt:
		if it.Min == 0 && it.Max == 10 {
			f.Widget = "scale"
			f.Low, f.High = p.T(messages.ScaleLow(it.LinkID)), p.T(messages.ScaleHigh(it.LinkID))
			if f.Help == "" {
				f.Hint = p.T("page.form.scale_hint")
			}
			for n := 0; n <= 10; n++ {
				v := strconv.Itoa(n)
				f.Options = append(f.Options, optionView{Value: v, Label: v, ID: f.ID + "-" + v, Checked: first == v})
			}
		} else {
			f.Widget, f.InputType, f.InputMode, f.Value = "text", "text", "numeric", first
			f.MaxLen = len(strconv.Itoa(it.Max))
		}
	case intake.TypeText:
		f.Widget, f.Value = "textarea", first
		f.Hint = p.T("page.form.maxlength", map[string]any{"Max": it.MaxLen})
	case intake.TypeDate:
		f.Widget = "date3"
		f.Hint = p.T("page.form.date_hint")
		f.DateParts = dateParts(p, it.LinkID, f.ID, values)
	default:
		f.Widget, f.InputType, f.Value = "text", "text", first
		switch {
		case it.Format == intake.FormatEmail:
			f.InputType, f.Autocomplete = "email", "email"
		case it.Format == intake.FormatPhone:
			f.InputType, f.Autocomplete = "tel", "tel"
		case it.LinkID == "patient.given_name":
			f.Autocomplete = "given-name"
		case it.LinkID == "patient.family_name":
			f.Autocomplete = "family-name"
		case it.Format == intake.FormatName:
			f.Autocomplete = "name"
		default:
			f.Autocomplete = "off"
		}
	}
	if f.Conditional {
		f.FollowUp = p.T("page.form.followup_hint")
	}
	// consent.treatment and consent.privacy show the notice they consent to.
	if key := it.LinkID + "_notice"; strings.HasPrefix(it.LinkID, "consent.") && p.T(key) != "" {
		f.NoticeTitle, f.Notice = p.T(key+".title"), p.T(key)
	}
	return f
}

// dateOrder gives the order of day, month and year fields per language.
var dateOrder = map[string][]string{"en": {"month", "day", "year"}, "es": {"day", "month", "year"}, "vi": {"day", "month", "year"}}

func dateParts(p *messages.Printer, linkID, id string, values map[string][]string) []datePart {
	d, m, y := get1(values, intake.DayPrefix+linkID), get1(values, intake.MonthPrefix+linkID), get1(values, intake.YearPrefix+linkID)
	if direct := get1(values, linkID); direct != "" && d == "" && m == "" && y == "" {
		if dt, err := intake.ParseDate(direct); err == nil {
			d, m, y = strconv.Itoa(dt.Day), strconv.Itoa(int(dt.Month)), strconv.Itoa(dt.Year)
		}
	}
	parts := map[string]datePart{
		"day":   {Kind: "day", Name: intake.DayPrefix + linkID, ID: id + "-day", Label: p.T("page.form.birth_day"), Value: d},
		"month": {Kind: "month", Name: intake.MonthPrefix + linkID, ID: id + "-month", Label: p.T("page.form.birth_month"), Value: m},
		"year":  {Kind: "year", Name: intake.YearPrefix + linkID, ID: id + "-year", Label: p.T("page.form.birth_year"), Value: y},
	}
	mp := parts["month"]
	mp.Months = append(mp.Months, optionView{Value: "", Label: p.T("page.form.birth_month_choose"), Checked: m == ""})
	for i := 1; i <= 12; i++ {
		v := strconv.Itoa(i)
		mp.Months = append(mp.Months, optionView{Value: v, Label: p.T("page.month." + v), Checked: strings.TrimLeft(m, "0") == v})
	}
	parts["month"] = mp
	order, ok := dateOrder[p.Lang()]
	if !ok {
		order = dateOrder["en"]
	}
	out := make([]datePart, 0, 3)
	for _, k := range order {
		out = append(out, parts[k])
	}
	return out
}

// printable replaces invalid UTF-8 in echoed values: the page shows what the
// patient typed, never raw bytes a hostile client sent.
func printable(values map[string][]string) map[string][]string {
	out := make(map[string][]string, len(values))
	for k, vs := range values {
		clean := make([]string, len(vs))
		for i, v := range vs {
			clean[i] = strings.ToValidUTF8(v, "\uFFFD")
		}
		out[k] = clean
	}
	return out
}

func get1(values map[string][]string, name string) string {
	if v := values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// errorMessage is the patient-facing text for one validation error: a
// per-item message when the catalogue has one, else the generic one.
func errorMessage(p *messages.Printer, it *intake.Item, code intake.Code) string {
	data := map[string]any{"Min": it.Min, "Max": it.Max, "MaxLen": it.MaxLen}
	if it.Exclusive != "" {
		data["Exclusive"] = p.T(messages.Option(it, it.Exclusive))
	}
	if s := p.T("item."+it.LinkID+".error."+string(code), data); s != "" {
		return s
	}
	return p.T(messages.Error(code), data)
}
