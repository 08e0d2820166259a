package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/passwords"
	"github.com/backintake/backintake/internal/testtool"
	"github.com/backintake/backintake/screening"
)

func TestPDFIsTheSameBytesEveryTime(t *testing.T) {
	s := seedCaseDB(t, "")
	in := s.intakes[6] // C07: a name with accents (Lucía Fernández)
	env := []string{"INTAKE_DB=" + s.path, "INTAKE_CLINIC_NAME=Harbor Spine PT", "INTAKE_TZ=America/Chicago"}
	a := runInProcess(t, env, "pdf", in.ID)
	b := runInProcess(t, env, "pdf", in.ID)
	if a.code != 0 || b.code != 0 {
		t.Fatalf("exit %d, %d: %s%s", a.code, b.code, a.stderr, b.stderr)
	}
	if !bytes.HasPrefix(a.out, []byte("%PDF-")) {
		t.Fatalf("output starts %q, not %%PDF-", a.out[:min(len(a.out), 8)])
	}
	if !bytes.Equal(a.out, b.out) {
		t.Fatal("two renders of the same intake differ")
	}
	text := testtool.PDFText(t, a.out)
	for _, want := range []string{in.PatientName(), "Harbor Spine PT"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	rows := s.audit(t, db.ActionPDF)
	if len(rows) != 2 || rows[0].IntakeID != in.ID || rows[0].Outcome != db.OutcomeOK || !strings.HasPrefix(rows[0].Actor, "cli:") {
		t.Fatalf("pdf audit rows %+v", rows)
	}

	// The settings reach the PDF: another paper size gives other bytes.
	c := runInProcess(t, append(env, "INTAKE_PAPER=a4"), "pdf", in.ID)
	if c.code != 0 || bytes.Equal(c.out, a.out) {
		t.Fatalf("INTAKE_PAPER=a4: exit %d, same bytes %v", c.code, bytes.Equal(c.out, a.out))
	}
}

func TestPDFShowsTheNewestResult(t *testing.T) {
	s := seedCaseDB(t, "")
	in := s.intakes[0]
	newer := screening.Result{RulesVersion: "screening|99", HighestSeverity: screening.SeverityInfo,
		NeedlingStatus: screening.NeedlingNoContraindication,
		Flags: []screening.Flag{{ID: "TEST-NEWEST", Severity: screening.SeverityInfo, Category: screening.CategoryPattern,
			Message: "Only in the newest result.", Source: []string{"T"}}}}
	s.update(t, func(tx *sql.Tx) error { return db.AddScreening(tx, in.ID, newer, in.CreatedAt.Add(time.Hour)) })
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "pdf", in.ID)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	text := testtool.PDFText(t, r.out)
	if !strings.Contains(text, "TEST-NEWEST") {
		t.Fatal("PDF does not show the newest screening result")
	}
	for _, f := range s.results[0].Flags {
		if strings.Contains(text, f.ID) {
			t.Errorf("PDF still shows %s from the submission-time result", f.ID)
		}
	}
}

func TestPDFUnknownID(t *testing.T) {
	s := seedCaseDB(t, "")
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "pdf", "no-such-intake")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `no intake with id "no-such-intake"`) {
		t.Fatalf("exit %d, stdout %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
	}
	rows := s.audit(t, db.ActionPDF)
	if len(rows) != 1 || rows[0].Outcome != db.OutcomeNotFound || rows[0].IntakeID != "no-such-intake" {
		t.Fatalf("audit rows %+v", rows)
	}
	// A name typed instead of an id is neither echoed nor stored in the audit log.
	name := s.intakes[0].PatientName()
	r = runInProcess(t, []string{"INTAKE_DB=" + s.path}, "pdf", name)
	if r.code != 1 || strings.Contains(r.stderr, name) || !strings.Contains(r.stderr, "no intake with that id") {
		t.Fatalf("name as id: exit %d, stderr %q", r.code, r.stderr)
	}
	if rows := s.audit(t, db.ActionPDF); len(rows) != 2 || rows[1].IntakeID != "" || rows[1].Outcome != db.OutcomeNotFound {
		t.Fatalf("audit rows %+v", rows)
	}
	if r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "pdf"); r.code != 2 {
		t.Fatalf("no id: exit %d, want 2", r.code)
	}
}

var reLoginCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// TestPDFMatchesTheStaffRoute signs in to a running `intake serve` over the
// same database and settings and compares GET /staff/intakes/{id}.pdf with
// `intake pdf ID`, byte for byte.
func TestPDFMatchesTheStaffRoute(t *testing.T) {
	s := seedCaseDB(t, "")
	in := s.intakes[6]
	const email, password = "pt@clinic.test", "violet harbour lantern 42"
	h, err := passwords.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	s.update(t, func(tx *sql.Tx) error {
		_, err := db.AddUser(tx, email, db.RoleTherapist, h, time.Now())
		return err
	})
	settings := []string{"INTAKE_CLINIC_NAME=Harbor Spine PT", "INTAKE_TZ=America/Chicago", "INTAKE_PAPER=a4"}
	srv := startServer(t, s.path, settings...)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		resp, err := client.Get(srv.Base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	_, page := get("/staff/login")
	m := reLoginCSRF.FindSubmatch(page)
	if m == nil {
		t.Fatalf("login page without a CSRF token:\n%s", page)
	}
	resp, err := client.PostForm(srv.Base+"/staff/login", url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/staff" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, web := get("/staff/intakes/" + in.ID + ".pdf")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("GET the PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	cli := runInProcess(t, append(settings, "INTAKE_DB="+s.path), "pdf", in.ID)
	if cli.code != 0 {
		t.Fatalf("intake pdf: exit %d: %s", cli.code, cli.stderr)
	}
	if !bytes.Equal(cli.out, web) {
		t.Fatalf("intake pdf (%d bytes) and the staff route (%d bytes) differ", len(cli.out), len(web))
	}
	d := s.open(t)
	rows, _, err := d.Audit(context.Background(), db.AuditQuery{Action: db.ActionPDF, IntakeID: in.ID})
	if err != nil || len(rows) != 2 {
		t.Fatalf("pdf audit rows %d (%v), want one from the web and one from the CLI", len(rows), err)
	}
}

// With a character device on stdout (a terminal; /dev/zero stands in for one)
// `intake pdf` refuses before reading or auditing anything and tells how to
// redirect; /dev/null, also a character device, is a file like any other.
func TestPDFRefusesATerminal(t *testing.T) {
	s := seedCaseDB(t, "")
	id := s.intakes[0].ID
	runTo := func(device string) (int, string) {
		t.Helper()
		f, err := os.OpenFile(device, os.O_WRONLY, 0)
		if err != nil {
			t.Skipf("no %s: %v", device, err)
		}
		defer f.Close()
		var stderr bytes.Buffer
		getenv := func(k string) string { return map[string]string{"INTAKE_DB": s.path}[k] }
		env := &cliEnv{getenv: getenv, stdin: strings.NewReader(""), stdout: f, stderr: &stderr}
		return run(context.Background(), env, []string{"pdf", id}), stderr.String()
	}
	code, stderr := runTo("/dev/zero")
	if want := "intake pdf: the PDF would be written to the terminal as binary; redirect the output to a file: intake pdf " + id + " > intake.pdf\n"; code != 2 || !strings.HasPrefix(stderr, want) {
		t.Errorf("pdf to a terminal: exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	if rows := s.audit(t, db.ActionPDF); len(rows) != 0 {
		t.Errorf("the refused pdf was audited: %+v", rows)
	}
	if code, stderr := runTo(os.DevNull); code != 0 {
		t.Errorf("pdf > /dev/null: exit %d, %q", code, stderr)
	}
}
