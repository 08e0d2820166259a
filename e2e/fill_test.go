package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// answers maps a linkId to a Go value: string (dates as YYYY-MM-DD), bool,
// int or []string (multi codes).
type answers map[string]any

// caseAnswers converts a synthetic case's JSON answers into answers.
func caseAnswers(t testing.TB, id string) answers {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		if !strings.HasPrefix(c.ID, id) {
			continue
		}
		out := answers{}
		for k, raw := range c.Raw() {
			switch v := raw.(type) {
			case json.Number:
				n, err := v.Int64()
				if err != nil {
					t.Fatalf("%s %s: %v", id, k, err)
				}
				out[k] = int(n)
			case []any:
				codes := []string{}
				for _, x := range v {
					codes = append(codes, x.(string))
				}
				out[k] = codes
			default:
				out[k] = v
			}
		}
		return out
	}
	t.Fatalf("no case %s", id)
	return nil
}

// fieldID is the id of an item's field wrapper in the form (web/view_form.go).
func fieldID(linkID string) string { return "f-" + strings.ReplaceAll(linkID, ".", "-") }

func labelFor(id string) string { return fmt.Sprintf(`label[for=%q]`, id) }

// fill answers the questionnaire in the browser as a patient does: item by
// item in questionnaire order (so follow-ups appear before they are
// answered), clicking option labels and the 0-10 boxes and typing text.
// Items not in a are left alone.
func fill(t testing.TB, ctx context.Context, a answers) {
	t.Helper()
	for _, it := range intake.V1.Items() {
		if v, ok := a[it.LinkID]; ok {
			fillItem(t, ctx, it, v)
		}
	}
}

// fillItem answers one item; the item must be shown.
func fillItem(t testing.TB, ctx context.Context, it *intake.Item, v any) {
	t.Helper()
	id := fieldID(it.LinkID)
	if !eval[bool](t, ctx, fmt.Sprintf(`(() => { const f = document.getElementById(%q); return !!f && !f.hidden && f.getClientRects().length > 0 })()`, id)) {
		t.Fatalf("%s is not shown, but the answers need it", it.LinkID)
	}
	switch it.Type {
	case intake.TypeBool:
		yn := "no"
		if v.(bool) {
			yn = "yes"
		}
		do(t, ctx, click(labelFor(id+"-"+yn)))
	case intake.TypeChoice:
		do(t, ctx, click(labelFor(id+"-"+v.(string))))
	case intake.TypeMulti:
		for _, code := range v.([]string) {
			do(t, ctx, click(labelFor(id+"-"+code)))
		}
	case intake.TypeInt:
		n := strconv.Itoa(v.(int))
		if it.Min == 0 && it.Max == 10 {
			do(t, ctx, click(labelFor(id+"-"+n)))
		} else {
			typeInto(t, ctx, "#"+id+"-input", n)
		}
	case intake.TypeDate:
		d, err := intake.ParseDate(v.(string))
		if err != nil {
			t.Fatal(err)
		}
		typeInto(t, ctx, "#"+id+"-day", strconv.Itoa(d.Day))
		chooseByKeys(t, ctx, "#"+id+"-month", int(d.Month))
		typeInto(t, ctx, "#"+id+"-year", strconv.Itoa(d.Year))
	default: // string, text
		sel := "#" + id + "-input"
		typeInto(t, ctx, sel, v.(string))
	}
}

// typeInto clicks a text field, empties it and types s key by key.
func typeInto(t testing.TB, ctx context.Context, sel, s string) {
	t.Helper()
	do(t, ctx, click(sel))
	// chromedp.Clear fails on an empty textarea ("no child #text node").
	eval[bool](t, ctx, fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.value = ""; return true })()`, sel))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(sel), s))
}

// chooseByKeys selects option index i of a <select> with the arrow keys,
// as a keyboard user does (a headless browser opens no option list).
func chooseByKeys(t testing.TB, ctx context.Context, sel string, i int) {
	t.Helper()
	cur := eval[int](t, ctx, fmt.Sprintf(`document.querySelector(%q).selectedIndex`, sel))
	key := kb.ArrowDown
	if i < cur {
		key = kb.ArrowUp
	}
	steps := i - cur
	if steps < 0 {
		steps = -steps
	}
	do(t, ctx, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(strings.Repeat(key, steps)))
	if got := eval[int](t, ctx, fmt.Sprintf(`document.querySelector(%q).selectedIndex`, sel)); got != i {
		t.Fatalf("%s: selected index %d after the arrow keys, want %d", sel, got, i)
	}
}

// formValuesJS reads what the questionnaire would send: every non-empty
// field value except the per-render control fields (tokens, language).
const formValuesJS = `(() => {
	const out = {};
	for (const [k, v] of new FormData(document.querySelector("form[action='/intake']"))) {
		if (v === "" || k === "_csrf" || k === "_submission" || k === "_current_lang") continue;
		(out[k] = out[k] || []).push(v);
	}
	return out;
})()`

// formValues is the form's current values, name → values in page order.
func formValues(t testing.TB, ctx context.Context) map[string][]string {
	t.Helper()
	return eval[map[string][]string](t, ctx, formValuesJS)
}

// formEncoding is what the form should hold for a: bool yes/no, ints as
// digits, multi codes in option order, the birth date as its three parts.
func formEncoding(a answers) map[string][]string {
	out := map[string][]string{}
	for _, it := range intake.V1.Items() {
		v, ok := a[it.LinkID]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case bool:
			out[it.LinkID] = []string{map[bool]string{true: "yes", false: "no"}[x]}
		case int:
			out[it.LinkID] = []string{strconv.Itoa(x)}
		case []string:
			for _, o := range it.Options {
				for _, c := range x {
					if c == o {
						out[it.LinkID] = append(out[it.LinkID], c)
					}
				}
			}
		case string:
			if it.Type == intake.TypeDate {
				d, _ := intake.ParseDate(x)
				out[intake.DayPrefix+it.LinkID] = []string{strconv.Itoa(d.Day)}
				out[intake.MonthPrefix+it.LinkID] = []string{strconv.Itoa(int(d.Month))}
				out[intake.YearPrefix+it.LinkID] = []string{strconv.Itoa(d.Year)}
			} else {
				out[it.LinkID] = []string{x}
			}
		}
	}
	return out
}

// diffValues lists the differences between two form states, one per line.
func diffValues(want, got map[string][]string) string {
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	var lines []string
	for k := range keys {
		if !reflect.DeepEqual(want[k], got[k]) {
			lines = append(lines, fmt.Sprintf("  %s: want %q, got %q", k, want[k], got[k]))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// checkValues fails the test when the form does not hold want.
func checkValues(t testing.TB, ctx context.Context, when string, want map[string][]string) {
	t.Helper()
	if d := diffValues(want, formValues(t, ctx)); d != "" {
		t.Errorf("%s: the form's values differ from the answers given:\n%s", when, d)
	}
}

// submit clicks the form's send button and returns the HTTP status.
func submit(t testing.TB, ctx context.Context) int64 {
	t.Helper()
	return clickAndWait(t, ctx, click("button.primary"))
}

// screenedEmergency runs the product's own validation and screening over a's
// form encoding, as of today, and reports whether the result is an
// emergency: the confirmation page must then show the emergency advice.
func screenedEmergency(t testing.TB, a answers) bool {
	t.Helper()
	today := intake.DateIn(time.Now(), time.UTC)
	valid, errs := intake.V1.Validate(intake.V1.FromForm(formEncoding(a)), intake.Context{SubmissionDate: today, GuardianAge: 18})
	if errs != nil {
		t.Fatalf("the answers are not valid: %v", errs)
	}
	return screening.Run(valid, today, screening.Settings{GuardianAge: 18}).HighestSeverity == screening.SeverityEmergency
}
