package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/backintake/backintake/internal/testtool"
)

// axe-core is installed by scripts/test into the git-ignored .cache/npm
// folder (pinned to 4.14.1); AXE_JS names another copy.
var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

func axeScript(t testing.TB) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv("AXE_JS")
		if path == "" {
			path = filepath.Join("..", ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
		}
		var b []byte
		b, axeErr = os.ReadFile(path)
		axeSource = string(b)
	})
	if axeErr != nil {
		testtool.Missing(t, "axe-core not found (%v): run scripts/test, or npm install --prefix .cache/npm axe-core@4.14.1", axeErr)
	}
	return axeSource
}

// axeViolation is one failed axe rule with the elements it failed on.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  string `json:"target"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// wcagTags are the axe rule tags of WCAG 2.0 A and AA, 2.1 AA and 2.2 AA.
const wcagTags = `["wcag2a","wcag2aa","wcag21aa","wcag22aa"]`

// checkAxe runs axe-core on the current page. Every violation is logged, of
// any impact; serious and critical ones fail the test.
func checkAxe(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	// DevTools evaluation is not subject to the page's CSP, so axe can be
	// injected into pages that allow no inline or foreign script.
	if !eval[bool](t, ctx, `typeof window.axe === "object"`) {
		eval[bool](t, ctx, axeScript(t)+"\n;true")
	}
	vs := eval[[]axeViolation](t, ctx, `axe.run(document, {runOnly: {type: "tag", values: `+wcagTags+`}, resultTypes: ["violations"]})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""}))})))`)
	for _, v := range vs {
		msg := []string{}
		for _, n := range v.Nodes {
			msg = append(msg, "    "+n.Target+": "+strings.ReplaceAll(n.Summary, "\n", " "))
		}
		report := t.Logf
		if v.Impact == "serious" || v.Impact == "critical" {
			report = t.Errorf
		}
		report("axe %s: %s (%s) %s on %d element(s):\n%s", page, v.ID, v.Impact, v.Help, len(v.Nodes), strings.Join(msg, "\n"))
	}
	if len(vs) == 0 {
		t.Logf("axe %s: no violations", page)
	}
}

// layout is what checkLayout measures on a page.
type layout struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Wide        []string `json:"wide"`  // elements reaching past the viewport's right edge
	Small       []string `json:"small"` // visible text below 16 px
	Checked     int      `json:"checked"`
}

// layoutJS measures horizontal overflow and the computed font size of the
// body and of every visible text element patients read.
const layoutJS = `(() => {
	const de = document.documentElement, cw = de.clientWidth;
	const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
	const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
		(el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
	const wide = [], small = [];
	for (const el of document.body.querySelectorAll("*")) {
		if (!visible(el)) continue;
		const r = el.getBoundingClientRect();
		if (r.right > cw + 0.5) wide.push(name(el) + " right=" + Math.round(r.right));
	}
	const texts = [document.body, ...document.querySelectorAll(
		"main p, main li, label, legend, .help, .hint, .field-error, .anchors, input, select, textarea, button, h1, h2, h3, td, th, dd, dt")];
	let checked = 0;
	for (const el of texts) {
		if (!visible(el) || el.type === "radio" || el.type === "checkbox") continue; // no text of their own
		checked++;
		const px = parseFloat(getComputedStyle(el).fontSize);
		if (px < 16) small.push(name(el) + " " + px + "px: " + (el.innerText || el.value || "").slice(0, 40));
	}
	return {scrollWidth: de.scrollWidth, clientWidth: cw, wide: wide.slice(0, 10), small: small.slice(0, 20), checked};
})()`

// checkLayout asserts no sideways scrolling and text of at least 16 px.
func checkLayout(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	l := eval[layout](t, ctx, layoutJS)
	if l.ScrollWidth > l.ClientWidth {
		t.Errorf("%s: horizontal overflow: scrollWidth %d > clientWidth %d; wide elements: %v", page, l.ScrollWidth, l.ClientWidth, l.Wide)
	}
	if len(l.Small) > 0 {
		t.Errorf("%s: text below 16 px: %v", page, l.Small)
	}
	if l.Checked < 2 {
		t.Errorf("%s: layout check saw %d text elements; is the page empty?", page, l.Checked)
	}
}

// focusInfo describes the focused element and its visible focus indicator.
type focusInfo struct {
	Element   string `json:"element"`
	Indicator string `json:"indicator"` // "" when nothing shows the focus
}

// focusJS finds what shows the focus of document.activeElement: its own
// outline or box-shadow, or that of the box the page draws for it (the
// option label around a radio or checkbox, the numbered box after a 0-10
// radio, whose own input is invisible).
const focusJS = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body) return {element: "body", indicator: ""};
	const shows = x => {
		if (!x) return false;
		const s = getComputedStyle(x);
		const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
		return outline || (s.boxShadow && s.boxShadow !== "none");
	};
	const name = x => x.tagName.toLowerCase() + (x.id ? "#" + x.id : "") + (x.name ? "[name=" + x.name + "]" : "");
	for (const [what, x] of [["self", el], ["label", el.closest("label")], ["next", el.nextElementSibling]]) {
		if (shows(x)) return {element: name(el), indicator: what};
	}
	return {element: name(el), indicator: ""};
})()`

// focus returns the focused element and its focus indicator.
func focus(t testing.TB, ctx context.Context) focusInfo {
	t.Helper()
	return eval[focusInfo](t, ctx, focusJS)
}

// checkErrorSummaryInView asserts that the error summary is on screen and
// focused after a 422.
func checkErrorSummaryInView(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	v := eval[map[string]any](t, ctx, `(() => {
		const s = document.getElementById("error-summary");
		if (!s) return {present: false};
		const r = s.getBoundingClientRect();
		return {present: true, top: r.top, bottom: r.bottom, vh: window.innerHeight,
			focused: document.activeElement === s};
	})()`)
	if v["present"] != true {
		t.Fatalf("%s: no error summary", page)
	}
	top, bottom, vh := v["top"].(float64), v["bottom"].(float64), v["vh"].(float64)
	if top < 0 || top >= vh || bottom <= 0 {
		t.Errorf("%s: error summary not in the viewport: top %.0f bottom %.0f viewport height %.0f", page, top, bottom, vh)
	}
	if v["focused"] != true {
		t.Errorf("%s: error summary is not focused", page)
	}
}
