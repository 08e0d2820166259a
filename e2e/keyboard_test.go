package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused describes document.activeElement for the keyboard walk.
type focused struct {
	Tag     string   `json:"tag"`
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Value   string   `json:"value"`
	ID      string   `json:"id"`
	Class   string   `json:"cls"`
	Checked bool     `json:"checked"`
	Group   []string `json:"group"` // values of the radio group, in page order
	Index   int      `json:"index"` // selectedIndex of a select
}

const focusedJS = `(() => {
	const el = document.activeElement;
	const group = el.type === "radio" ? [...el.form.querySelectorAll('input[type=radio][name="' + el.name + '"]')].map(r => r.value) : [];
	return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "", value: el.value || "",
		id: el.id || "", cls: el.className || "", checked: !!el.checked, group, index: el.selectedIndex || 0};
})()`

// press sends keys to the focused element.
func press(t testing.TB, ctx context.Context, keys string) {
	t.Helper()
	do(t, ctx, chromedp.KeyEvent(keys))
}

// enterInField presses Enter in a one-line field whose keydown handler
// (form.js) cancels it. A browser then sends no keypress; chromedp's
// KeyEvent would send a separate char event to whatever has the focus after
// the keydown, so this sends rawKeyDown and keyUp only (chromedp API
// example 20).
var enterInField = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
			Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
		}); err != nil {
			return err
		}
	}
	return nil
})

// TestKeyboardOnly is flow 5: a patient who uses no mouse completes the form
// with Tab, the arrow keys, Space and Enter, and at every Tab stop something
// on screen shows where the focus is. Enter in a one-line field moves on
// (form.js) instead of sending; Enter on the send button sends.
func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	ctx := tab(t, desktopW, desktopH, false)
	srv := startServer(t)
	a := caseAnswers(t, "C10")
	a["patient.phone"] = "503 555 0199" // a typed-in optional field answered with Enter
	want := formEncoding(a)
	navigate(t, ctx, srv.Base+"/intake")

	// The first Tab reaches the skip link, which must become visible.
	press(t, ctx, kb.Tab)
	if f := eval[focused](t, ctx, focusedJS); !strings.Contains(f.Class, "skip") {
		t.Errorf("first Tab stop is %+v, want the skip link", f)
	}
	checkFocusVisible(t, ctx, "skip link")
	shot(t, ctx, "skip-link")

	done := map[string]bool{}   // radio groups and fields already answered
	shotOf := map[string]bool{} // one screenshot of the focus on each kind of control
	stops, sent := 0, false
	for stops = 1; stops < 400 && !sent; stops++ {
		f := eval[focused](t, ctx, focusedJS)
		if f.Tag != "body" {
			checkFocusVisible(t, ctx, "Tab stop "+strconv.Itoa(stops)+" ("+f.Tag+" "+f.Name+" "+f.Value+")")
		}
		next := chromedp.KeyEvent(kb.Tab)
		if kind := widget(f); kind != "" && !shotOf[kind] {
			shotOf[kind] = true
			viewShot(t, ctx, "focus-on-"+kind)
		}
		switch {
		case f.Tag == "button" && strings.Contains(f.Class, "primary"):
			checkValues(t, ctx, "before sending by keyboard", want)
			shot(t, ctx, "send-button-focused")
			if st := clickAndWait(t, ctx, chromedp.KeyEvent(kb.Enter)); st != 200 {
				t.Fatalf("Enter on the send button: status %d\n%s", st, pageText(t, ctx))
			}
			sent = true
			continue
		case f.Type == "radio" && !done[f.Name]:
			done[f.Name] = true
			if v, ok := want[f.Name]; ok {
				selectRadioByKeys(t, ctx, f, v[0])
			}
		case f.Type == "checkbox":
			if contains(want[f.Name], f.Value) && !f.Checked {
				press(t, ctx, " ")
			}
		case f.Tag == "select" && !done[f.Name]:
			done[f.Name] = true
			if v, ok := want[f.Name]; ok {
				n, _ := strconv.Atoi(v[0])
				press(t, ctx, strings.Repeat(kb.ArrowDown, n-f.Index))
			}
		case (f.Tag == "input" && f.Type != "radio" && f.Type != "checkbox" || f.Tag == "textarea") && !done[f.Name]:
			done[f.Name] = true
			if v, ok := want[f.Name]; ok {
				press(t, ctx, v[0])
				if f.Tag == "input" {
					next = enterInField // form.js: Enter moves to the next field
				}
			}
		}
		do(t, ctx, next)
	}
	if !sent {
		t.Fatalf("no send button after %d Tab stops", stops)
	}
	t.Logf("%d keyboard stops to send the form", stops)
	if !strings.Contains(location(t, ctx), "/intake/done/") {
		t.Fatalf("after Enter on send: at %s\n%s", location(t, ctx), pageText(t, ctx))
	}
	shot(t, ctx, "confirmation")
}

// widget names the kind of control for the focus screenshots.
func widget(f focused) string {
	switch {
	case f.Type == "radio" && len(f.Group) == 11:
		return "scale"
	case f.Type == "radio" || f.Type == "checkbox" || f.Tag == "select" || f.Tag == "textarea":
		return f.Type
	case f.Tag == "button" && f.Name == "_lang":
		return "language-button"
	}
	return ""
}

// selectRadioByKeys checks value v in the focused radio group: Space when
// the focused radio is the one, else arrow keys (which move and check).
func selectRadioByKeys(t testing.TB, ctx context.Context, f focused, v string) {
	t.Helper()
	from, to := indexOf(f.Group, f.Value), indexOf(f.Group, v)
	if to < 0 {
		t.Fatalf("%s has no option %q", f.Name, v)
	}
	if from == to {
		if !f.Checked {
			press(t, ctx, " ")
		}
		return
	}
	key, n := kb.ArrowDown, to-from
	if n < 0 {
		key, n = kb.ArrowUp, -n
	}
	press(t, ctx, strings.Repeat(key, n))
	if got := eval[focused](t, ctx, focusedJS); got.Value != v || !got.Checked {
		t.Fatalf("%s: arrow keys reached %q (checked %v), want %q", f.Name, got.Value, got.Checked, v)
	}
}

// checkFocusVisible fails when nothing on screen shows the focus.
func checkFocusVisible(t testing.TB, ctx context.Context, where string) {
	t.Helper()
	if f := focus(t, ctx); f.Indicator == "" {
		shot(t, ctx, "focus-invisible")
		t.Errorf("%s: focus on %s is not visible (no outline or box-shadow)", where, f.Element)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func contains(list []string, s string) bool { return indexOf(list, s) >= 0 }

// checkTabFocus presses Tab n times from the top of the page and checks
// that every stop shows the focus, then takes a screenshot of the last one.
func checkTabFocus(t testing.TB, ctx context.Context, page string, n int) {
	t.Helper()
	eval[bool](t, ctx, `(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true)`)
	for i := 1; i <= n; i++ {
		press(t, ctx, kb.Tab)
		checkFocusVisible(t, ctx, page+" Tab stop "+strconv.Itoa(i))
	}
	viewShot(t, ctx, "focus-after-"+strconv.Itoa(n)+"-tabs")
}
