package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/testtool"
)

// TestStaffFlow is flow 3: an emergency intake arrives through the API, then
// a patient sends the form in the browser; a therapist signs in, finds the
// patient in the list below the emergency, opens the intake, marks it
// reviewed, downloads its PDF (a valid PDF with the patient's name) and
// exports CSV.
func TestStaffFlow(t *testing.T) {
	t.Parallel()
	browser(t) // skip (or fail in CI) before any work when chromium is missing
	srv := startServer(t)
	const email, password = "therapist@clinic.test", "correct horse battery staple 7"
	srv.cli(t, password+"\n", "user", "add", "--email", email, "--role", "therapist", "--password-stdin")

	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	var c01 cases.Case
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C01") {
			c01 = c
		}
	}
	emergencyID := srv.postCase(t, c01) // sent first: the list must still put it on top

	// The patient: a benign case under a Vietnamese name (the PDF needs its font).
	patient := tab(t, desktopW, desktopH, false)
	a := caseAnswers(t, "C10")
	a["patient.given_name"], a["patient.family_name"], a["consent.signature"] = "Lan", "Nguyễn", "Lan Nguyễn"
	if screenedEmergency(t, a) {
		t.Fatal("C10 screens as an emergency; the list order check needs a non-emergency patient")
	}
	navigate(t, patient, srv.Base+"/intake")
	fill(t, patient, a)
	if st := submit(t, patient); st != 200 {
		t.Fatalf("patient send: status %d\n%s", st, pageText(t, patient))
	}

	ctx := tab(t, desktopW, desktopH, false)
	navigate(t, ctx, srv.Base+"/staff/login")
	shot(t, ctx, "login")
	checkAxe(t, ctx, "staff login (desktop)")
	do(t, ctx, click("#email"))
	typeInto(t, ctx, "#email", email)
	typeInto(t, ctx, "#password", password)
	if st := clickAndWait(t, ctx, click("button.primary")); st != 200 {
		t.Fatalf("sign in: status %d\n%s", st, pageText(t, ctx))
	}
	if !strings.HasSuffix(location(t, ctx), "/staff") {
		t.Fatalf("after sign-in at %s:\n%s", location(t, ctx), pageText(t, ctx))
	}
	shot(t, ctx, "list")
	checkAxe(t, ctx, "staff intake list (desktop)")

	rows := eval[[]struct {
		Class string `json:"cls"`
		Name  string `json:"name"`
		Href  string `json:"href"`
	}](t, ctx, `[...document.querySelectorAll("table.intakes tbody tr")].map(tr => ({cls: tr.className,
		name: tr.querySelector("th").innerText, href: tr.querySelector("th a").getAttribute("href")}))`)
	if len(rows) != 2 {
		t.Fatalf("list shows %d rows, want 2: %+v", len(rows), rows)
	}
	if !strings.Contains(rows[0].Class, "sev-emergency") || rows[0].Href != "/staff/intakes/"+emergencyID {
		t.Errorf("first row %+v, want the emergency intake %s", rows[0], emergencyID)
	}
	if !strings.Contains(rows[1].Name, "Nguyễn") || !strings.Contains(rows[1].Name, "Lan") {
		t.Fatalf("second row %+v, want the patient Lan Nguyễn", rows[1])
	}

	if st := clickAndWait(t, ctx, click(`table.intakes a[href="`+rows[1].Href+`"]`)); st != 200 {
		t.Fatalf("open intake: status %d", st)
	}
	shot(t, ctx, "detail")
	checkAxe(t, ctx, "staff intake detail (desktop)")
	if st := clickAndWait(t, ctx, click(`form[action$="/review"] button`)); st != 200 {
		t.Fatalf("mark reviewed: status %d\n%s", st, pageText(t, ctx))
	}
	if !eval[bool](t, ctx, `!!document.querySelector(".state-reviewed")`) {
		t.Errorf("after Mark reviewed the page does not say Reviewed:\n%s", pageText(t, ctx))
	}
	shot(t, ctx, "reviewed")

	pdf := download(t, ctx, `a[href$=".pdf"]`, "application/pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("PDF download starts with %q", pdf[:min(len(pdf), 16)])
	}
	text := testtool.PDFText(t, pdf)
	for _, want := range []string{"Lan", "Nguyễn"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks the patient's name part %q", want)
		}
	}

	clickAndWait(t, ctx, click(`.crumbs a[href="/staff"]`))
	csv := string(download(t, ctx, `.exports a[href*="export.csv"]`, "text/csv"))
	if !strings.HasPrefix(csv, "\ufeffid,") {
		t.Errorf("CSV does not start with a BOM and the id column: %.40q", csv)
	}
	for _, want := range []string{emergencyID, strings.TrimPrefix(rows[1].Href, "/staff/intakes/"), "Nguyễn"} {
		if !strings.Contains(csv, want) {
			t.Errorf("CSV export lacks %q", want)
		}
	}

	// Phone-width pictures of the staff pages, for people who check a list on a phone.
	phone := tab(t, phoneW, phoneH, true)
	navigate(t, phone, srv.Base+"/staff/login")
	typeInto(t, phone, "#email", email)
	typeInto(t, phone, "#password", password)
	clickAndWait(t, phone, click("button.primary"))
	shot(t, phone, "list-phone")
	checkAxe(t, phone, "staff intake list (phone)")
	logLayout(t, phone, "staff intake list (phone)")
	navigate(t, phone, srv.Base+rows[1].Href)
	shot(t, phone, "detail-phone")
	checkAxe(t, phone, "staff intake detail (phone)")
	logLayout(t, phone, "staff intake detail (phone)")
}

// logLayout reports the layout measurements of a staff page without
// failing: the 16 px and no-overflow rules are the patient pages' contract.
func logLayout(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	l := eval[layout](t, ctx, layoutJS)
	t.Logf("%s: scrollWidth %d, clientWidth %d, wide elements %v, text below 16 px %v", page, l.ScrollWidth, l.ClientWidth, l.Wide, l.Small)
}

// download fetches the target of a link on the page with the page's own
// session (as a click on it would) and returns the body; the content type
// must start with wantType.
func download(t testing.TB, ctx context.Context, linkSel, wantType string) []byte {
	t.Helper()
	r := eval[struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Data   string `json:"data"`
	}](t, ctx, fmt.Sprintf(`(async () => {
		const a = document.querySelector(%q);
		if (!a) return {status: 0, type: "no link", data: ""};
		const r = await fetch(a.href, {credentials: "same-origin"});
		const blob = await r.blob();
		const data = await new Promise(ok => { const f = new FileReader(); f.onload = () => ok(f.result.split(",")[1] || ""); f.readAsDataURL(blob); });
		return {status: r.status, type: r.headers.get("content-type") || "", data};
	})()`, linkSel))
	if r.Status != 200 || !strings.HasPrefix(r.Type, wantType) {
		t.Fatalf("download %s: status %d, type %q", linkSel, r.Status, r.Type)
	}
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
