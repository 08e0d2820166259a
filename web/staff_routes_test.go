package web

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/testtool"
)

// staffRoute is one staff route with a request that its allowed roles may make.
type staffRoute struct {
	method, path string
	form         url.Values
	allowed      []db.Role // nil: open to anyone (the login page)
	okStatus     int       // status for an allowed role
}

func staffRoutes(id string) []staffRoute {
	all := []db.Role{db.RoleAdmin, db.RoleTherapist, db.RoleFrontDesk}
	return []staffRoute{
		{"GET", "/staff/login", nil, nil, 200},
		{"GET", "/staff", nil, all, 200},
		{"GET", "/staff?severity=emergency&review=unreviewed", nil, all, 200},
		{"POST", "/staff/search", url.Values{"name": {"test"}}, all, 200},
		{"GET", "/staff/intakes/" + id, nil, all, 200},
		{"GET", "/staff/intakes/" + id + ".pdf", nil, all, 200},
		{"GET", "/staff/export.csv", nil, all, 200},
		{"GET", "/staff/export.fhir.json?from=2026-01-01&to=2026-12-31", nil, all, 200},
		{"POST", "/staff/intakes/" + id + "/review", nil, []db.Role{db.RoleAdmin, db.RoleTherapist}, http.StatusSeeOther},
		{"POST", "/staff/intakes/" + id + "/void", url.Values{"reason": {"test entry"}}, []db.Role{db.RoleAdmin}, http.StatusSeeOther},
		{"GET", "/staff/audit", nil, []db.Role{db.RoleAdmin}, 200},
		{"POST", "/staff/logout", nil, all, http.StatusSeeOther}, // last: it ends the session
	}
}

// TestRoleRouteMatrix checks every staff route for every role and for no session.
func TestRoleRouteMatrix(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C01-cauda-equina", "Matrix", "Patient", clk.Now())
	for _, role := range []db.Role{"", db.RoleFrontDesk, db.RoleTherapist, db.RoleAdmin} {
		name := string(role)
		if role == "" {
			name = "no session"
		}
		t.Run(name, func(t *testing.T) {
			b := ts.browser("192.0.2.80")
			if role != "" {
				ts.addUser(t, name+"@clinic.test", role)
				b.mustLogin(t, name+"@clinic.test")
			}
			for _, r := range staffRoutes(id) {
				var resp *http.Response
				if r.method == "GET" {
					resp, _ = b.get(t, r.path)
				} else {
					resp, _ = b.post(t, r.path, r.form)
				}
				want := r.okStatus
				switch {
				case r.allowed == nil:
				case role == "":
					want = http.StatusSeeOther // to the sign-in page
				case !contains(roleNames(r.allowed), string(role)):
					want = http.StatusForbidden
				}
				if resp.StatusCode != want {
					t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, name, resp.StatusCode, want)
				}
				if role == "" && r.allowed != nil && resp.Header.Get("Location") != "/staff/login" {
					t.Errorf("%s %s without a session: Location %q", r.method, r.path, resp.Header.Get("Location"))
				}
			}
		})
	}
}

func roleNames(rs []db.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// A POST without the session's CSRF token, or with another session's, gets
// 403 and changes nothing.
func TestStaffCSRF(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C10-benign", "Csrf", "Patient", clk.Now())
	ts.addUser(t, "admin@clinic.test", db.RoleAdmin)
	ts.addUser(t, "admin2@clinic.test", db.RoleAdmin)
	b, other := ts.browser("192.0.2.90"), ts.browser("192.0.2.91")
	b.mustLogin(t, "admin@clinic.test")
	other.mustLogin(t, "admin2@clinic.test")
	before := len(ts.auditRows(t, db.AuditQuery{}))

	for _, tok := range []struct{ name, value string }{{"missing", ""}, {"foreign", other.csrf}, {"made up", "AAAA"}} {
		for _, r := range []struct {
			path string
			form url.Values
		}{
			{"/staff/intakes/" + id + "/review", url.Values{}},
			{"/staff/intakes/" + id + "/void", url.Values{"reason": {"duplicate"}}},
			{"/staff/search", url.Values{"name": {"csrf"}}},
			{"/staff/logout", url.Values{}},
		} {
			f := url.Values{"_csrf": {tok.value}}
			for k, v := range r.form {
				f[k] = v
			}
			resp, body := b.post(t, r.path, f)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s token, POST %s: %d, want 403", tok.name, r.path, resp.StatusCode)
			}
			if strings.Contains(body, "Csrf") {
				t.Errorf("%s token, POST %s: the refusal shows patient data", tok.name, r.path)
			}
		}
	}
	rev, err := ts.db.Review(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !rev.ReviewedAt.IsZero() || !rev.VoidedAt.IsZero() {
		t.Errorf("a refused POST changed the intake: %+v", rev)
	}
	if !b.signedIn(t) {
		t.Error("a refused logout ended the session")
	}
	for _, r := range ts.auditRows(t, db.AuditQuery{})[before:] {
		if r.Action != db.ActionList { // signedIn's page view
			t.Errorf("a refused POST left an audit row: %+v", r)
		}
	}
}

// Every audited staff action leaves one row with who, what, which intake or
// range, the row count, the outcome and the client IP; none holds a name.
func TestStaffAuditRows(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C01-cauda-equina", "Audit", "Zephyrine", clk.Now())
	ts.seedIntake(t, "C10-benign", "Other", "Zephyrine", clk.Now().Add(-time.Hour))
	uid := strconv.FormatInt(ts.addUser(t, "aud@clinic.test", db.RoleAdmin), 10)
	b := ts.browser("192.0.2.99")
	b.login(t, "aud@clinic.test", "wrong password, once")
	b.mustLogin(t, "aud@clinic.test") // login + list
	b.get(t, "/staff/intakes/"+id)
	b.get(t, "/staff/intakes/"+id+".pdf")
	b.post(t, "/staff/search", url.Values{"name": {"zephyrine"}})
	b.get(t, "/staff/export.csv?from=2026-11-01&to=2026-11-30")
	b.post(t, "/staff/intakes/"+id+"/review", nil)
	b.get(t, "/staff/intakes/"+id)
	b.post(t, "/staff/intakes/"+id+"/void", url.Values{"reason": {"test entry"}})
	b.post(t, "/staff/logout", nil)

	type row struct {
		action, actor, intake, rng string
		rows                       int64
		outcome                    string
	}
	want := []row{
		{db.ActionFailedLogin, uid, "", "", 0, "denied"},
		{db.ActionLogin, uid, "", "", 0, "ok"},
		{db.ActionList, uid, "", "", 2, "ok"},
		{db.ActionView, uid, id, "", 0, "ok"},
		{db.ActionPDF, uid, id, "", 0, "ok"},
		{db.ActionSearch, uid, "", "", 2, "ok"},
		{db.ActionExportStarted, uid, "", "csv 2026-11-01..2026-11-30", 0, "ok"},
		{db.ActionExportFinished, uid, "", "csv 2026-11-01..2026-11-30", 2, "ok"},
		{db.ActionReview, uid, id, "", 0, "ok"},
		{db.ActionView, uid, id, "", 0, "ok"},
		{db.ActionVoid, uid, id, "", 0, "ok"},
		{db.ActionLogout, uid, "", "", 0, "ok"},
	}
	got := ts.auditRows(t, db.AuditQuery{})
	if len(got) != len(want) {
		for _, g := range got {
			t.Logf("%+v", g)
		}
		t.Fatalf("%d audit rows, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if (row{g.Action, g.Actor, g.IntakeID, g.Range, g.RowCount, g.Outcome}) != w || g.ClientIP != "192.0.2.99" ||
			!g.At.Equal(clk.Now()) {
			t.Errorf("row %d = %+v, want %+v from 192.0.2.99 at the server clock", i, g, w)
		}
		if strings.Contains(strings.ToLower(g.Actor+g.Range+g.Outcome+g.IntakeID), "zephyrine") {
			t.Errorf("row %d holds a name: %+v", i, g)
		}
	}
}

// The audit table refuses UPDATE and DELETE, checked on the server's own file.
func TestAuditAppendOnlyEndToEnd(t *testing.T) {
	ts, _ := newStaffServer(t)
	ts.addUser(t, "ao@clinic.test", db.RoleAdmin)
	ts.browser("192.0.2.100").mustLogin(t, "ao@clinic.test")
	raw, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`UPDATE audit SET actor = 'someone else'`, `DELETE FROM audit`} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only trigger's refusal", q, err)
		}
	}
	if n := len(ts.auditRows(t, db.AuditQuery{})); n < 2 {
		t.Errorf("audit rows: %d", n)
	}
}

func TestNameSearch(t *testing.T) {
	ts, clk := newStaffServer(t)
	names := map[string][2]string{
		"nguyen": {"Thị Lan", "Nguyễn"},
		"nunez":  {"José", "Núñez"},
		"obrien": {"Siobhán", "O’Brien"},
	}
	for _, n := range names {
		ts.seedIntake(t, "C10-benign", n[0], n[1], clk.Now())
	}
	ts.seedIntake(t, "C10-benign", "Mary", "Smith", clk.Now())
	ts.addUser(t, "search@clinic.test", db.RoleFrontDesk)
	b := ts.browser("192.0.2.110")
	b.mustLogin(t, "search@clinic.test")
	for query, n := range names {
		for _, q := range []string{query, strings.ToUpper(query)} {
			resp, body := b.post(t, "/staff/search", url.Values{"name": {q}})
			if resp.StatusCode != 200 {
				t.Fatalf("search %q: %d", q, resp.StatusCode)
			}
			if !strings.Contains(body, n[1]) {
				t.Errorf("search %q does not find %s", q, n[1])
			}
			for other, m := range names {
				if other != query && strings.Contains(body, m[1]) {
					t.Errorf("search %q also lists %s", q, m[1])
				}
			}
			if strings.Contains(body, "Smith") {
				t.Errorf("search %q lists Smith", q)
			}
			for _, href := range reHref.FindAllStringSubmatch(body, -1) {
				if strings.Contains(strings.ToLower(href[1]), query) {
					t.Errorf("a link holds the name: %s", href[1])
				}
			}
		}
	}
	for _, r := range ts.auditRows(t, db.AuditQuery{Action: db.ActionSearch}) {
		if r.RowCount != 1 || r.Range != "" || r.IntakeID != "" {
			t.Errorf("search audit row %+v: want one row counted and no query text", r)
		}
	}
}

// TestListOrderAndBadge: emergency first, then newest; the badge counts
// unreviewed emergency/urgent intakes; voided intakes are hidden by default.
func TestListOrderAndBadge(t *testing.T) {
	ts, clk := newStaffServer(t)
	now := clk.Now()
	benign := ts.seedIntake(t, "C10-benign", "Newest", "Benign", now)
	emerg := ts.seedIntake(t, "C01-cauda-equina", "Older", "Emergency", now.Add(-2*time.Hour))
	voided := ts.seedIntake(t, "C01-cauda-equina", "Voided", "Emergency", now.Add(-3*time.Hour))
	ts.addUser(t, "list@clinic.test", db.RoleAdmin)
	b := ts.browser("192.0.2.120")
	b.mustLogin(t, "list@clinic.test")
	b.get(t, "/staff/intakes/"+voided)
	if resp, _ := b.post(t, "/staff/intakes/"+voided+"/void", url.Values{"reason": {"duplicate"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("void: %d", resp.StatusCode)
	}
	_, body := b.get(t, "/staff")
	iE, iB := strings.Index(body, emerg), strings.Index(body, benign)
	if iE < 0 || iB < 0 || iE > iB {
		t.Errorf("emergency intake not listed before the newer benign one")
	}
	if strings.Contains(body, voided) {
		t.Error("a voided intake is listed by default")
	}
	if !strings.Contains(body, `<span class="badge-n">1</span>`) {
		t.Error("badge does not count the one unreviewed emergency")
	}
	if !strings.Contains(body, "‼</span> emergency") {
		t.Error("emergency is not marked by symbol and word")
	}
	if _, body := b.get(t, "/staff?voided=1"); !strings.Contains(body, voided) {
		t.Error("voided=1 does not show the voided intake")
	}
	if _, body := b.get(t, "/staff?severity=none"); strings.Contains(body, emerg) || !strings.Contains(body, benign) {
		t.Error("severity filter")
	}
	if resp, _ := b.get(t, "/staff?from=2026-13-01"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad filter date: %d, want 400", resp.StatusCode)
	}
}

// TestVoidNeedsReason: an empty reason is refused (422) and voids nothing.
func TestVoidNeedsReason(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C10-benign", "Keep", "Me", clk.Now())
	ts.addUser(t, "void@clinic.test", db.RoleAdmin)
	b := ts.browser("192.0.2.130")
	b.mustLogin(t, "void@clinic.test")
	b.get(t, "/staff/intakes/"+id)
	resp, body := b.post(t, "/staff/intakes/"+id+"/void", url.Values{"reason": {"   "}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Give a reason") {
		t.Fatalf("void without reason: %d", resp.StatusCode)
	}
	if rev, _ := ts.db.Review(context.Background(), id); !rev.VoidedAt.IsZero() {
		t.Error("voided without a reason")
	}
}

func TestIntakePage(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C01-cauda-equina", "Page", "Reader", clk.Now())
	ts.addUser(t, "ther@clinic.test", db.RoleTherapist)
	b := ts.browser("192.0.2.140")
	b.mustLogin(t, "ther@clinic.test")
	_, body := b.get(t, "/staff/intakes/"+id)
	for _, want := range []string{"Page Reader", "RF-CES-1", "screening|1", "Dry needling:", "Mark reviewed",
		`href="/staff/intakes/` + id + `.pdf"`} {
		if !strings.Contains(body, want) {
			t.Errorf("intake page lacks %q", want)
		}
	}
	if strings.Contains(body, "Void this intake") {
		t.Error("a therapist sees the void form")
	}
	b.post(t, "/staff/intakes/"+id+"/review", nil)
	_, body = b.get(t, "/staff/intakes/"+id)
	if !strings.Contains(body, "Reviewed</span>") || !strings.Contains(body, "ther@clinic.test") || strings.Contains(body, "Mark reviewed") {
		t.Error("review not shown with who")
	}
}

func TestStaffPDF(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C02-l5-radiculopathy", "Wilhelmina", "Quackenbush", clk.Now())
	ts.addUser(t, "pdf@clinic.test", db.RoleFrontDesk)
	b := ts.browser("192.0.2.150")
	b.mustLogin(t, "pdf@clinic.test")
	resp, body := b.get(t, "/staff/intakes/"+id+".pdf")
	if resp.StatusCode != 200 {
		t.Fatalf("pdf: %d", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Content-Type":        "application/pdf",
		"Content-Disposition": `attachment; filename="intake-` + id + `.pdf"`,
		"Cache-Control":       "no-store",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if !strings.HasPrefix(body, "%PDF-") {
		t.Fatal("not a PDF")
	}
	text := testtool.PDFText(t, []byte(body), "-layout")
	if !strings.Contains(text, "Wilhelmina") || !strings.Contains(text, "Quackenbush") {
		t.Errorf("pdftotext output lacks the patient's name:\n%.400s", text)
	}
}

func TestStaffExports(t *testing.T) {
	ts, clk := newStaffServer(t)
	// Submission dates in the clinic's time zone: 23:30 on Nov 1 there is Nov 2 in UTC.
	in1 := ts.seedIntake(t, "C10-benign", "Early", "Export", time.Date(2026, 11, 1, 23, 30, 0, 0, la))
	in2 := ts.seedIntake(t, "C01-cauda-equina", "Late", "Export", time.Date(2026, 11, 2, 9, 0, 0, 0, la))
	ts.addUser(t, "exp@clinic.test", db.RoleFrontDesk)
	b := ts.browser("192.0.2.160")
	b.mustLogin(t, "exp@clinic.test")
	_ = clk

	for _, q := range []string{"from=2026-13-01", "to=yesterday", "from=2026-11-05&to=2026-11-01"} {
		for _, p := range []string{"/staff/export.csv?", "/staff/export.fhir.json?"} {
			resp, body := b.get(t, p+q)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "date") {
				t.Errorf("%s%s: %d, want 400 with a message", p, q, resp.StatusCode)
			}
		}
	}
	if n := len(ts.auditRows(t, db.AuditQuery{Action: db.ActionExportStarted})); n != 0 {
		t.Errorf("refused exports were audited as started: %d", n)
	}

	resp, body := b.get(t, "/staff/export.csv?from=2026-11-01&to=2026-11-01")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != in1 {
		t.Errorf("csv for 2026-11-01: %d rows, want the header and %s", len(recs), in1)
	}

	resp, body = b.get(t, "/staff/export.fhir.json?to=2026-11-02")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/fhir+json") {
		t.Fatalf("fhir: %d %v", resp.StatusCode, resp.Header)
	}
	var bundle struct {
		ResourceType string `json:"resourceType"`
		Entry        []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal([]byte(body), &bundle); err != nil {
		t.Fatalf("fhir body: %v", err)
	}
	responses := 0
	for _, e := range bundle.Entry {
		if e.Resource.ResourceType == "QuestionnaireResponse" {
			responses++
		}
	}
	if bundle.ResourceType != "Bundle" || responses != 2 || !strings.Contains(body, in2) {
		t.Errorf("fhir bundle: %s with %d responses", bundle.ResourceType, responses)
	}

	var got []string
	for _, r := range ts.auditRows(t, db.AuditQuery{}) {
		if r.Action == db.ActionExportStarted || r.Action == db.ActionExportFinished {
			got = append(got, r.Action+" "+r.Range+" "+strconv.FormatInt(r.RowCount, 10)+" "+r.Outcome)
		}
	}
	want := []string{
		"export_started csv 2026-11-01..2026-11-01 0 ok", "export_finished csv 2026-11-01..2026-11-01 1 ok",
		"export_started fhir ..2026-11-02 0 ok", "export_finished fhir ..2026-11-02 2 ok",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("export audit rows:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Staff pages send the security headers, are never cached and carry no inline
// script or style (the CSP forbids both).
func TestStaffSecurityHeaders(t *testing.T) {
	ts, clk := newStaffServer(t)
	id := ts.seedIntake(t, "C01-cauda-equina", "Head", "Ers", clk.Now())
	ts.addUser(t, "hdr@clinic.test", db.RoleAdmin)
	b := ts.browser("192.0.2.170")
	b.mustLogin(t, "hdr@clinic.test")
	for _, p := range []string{"/staff/login", "/staff", "/staff/intakes/" + id, "/staff/audit",
		"/staff/intakes/" + id + ".pdf", "/staff/export.csv"} {
		resp, body := b.get(t, p)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
			"Cache-Control": "no-store"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", p, k, h.Get(k), v)
			}
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			low := strings.ToLower(body)
			if strings.Contains(low, "<script") || strings.Contains(low, " style=") || strings.Contains(low, "<style") {
				t.Errorf("%s: inline script or style", p)
			}
		}
	}
	// HSTS when the request came over TLS (here: through the trusted proxy).
	req := httptestRequest("GET", "/staff/login")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, _ := b.send(t, req)
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("no HSTS over https: %v", resp.Header)
	}
}
