package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/cases"
)

// Invented patient data for the canary: nothing else in the program or its
// test data contains these strings.
const (
	canaryGiven  = "Quillonette"
	canaryFamily = "Xandrovar-Pemberly"
	canaryBirth  = "1957-03-29"
)

var reCanaryCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// staffHTTP is a browser over real HTTP: a cookie jar and the last CSRF token.
type staffHTTP struct {
	t      *testing.T
	client *http.Client
	base   string
	csrf   string
}

func (b *staffHTTP) do(req *http.Request, want int) string {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.t.Fatalf("%s %s: %d, want %d", req.Method, req.URL.Path, resp.StatusCode, want)
	}
	if m := reCanaryCSRF.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return string(body)
}

func (b *staffHTTP) get(path string, want int) string {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req, want)
}

func (b *staffHTTP) post(path string, v url.Values, want int) string {
	b.t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("_csrf", b.csrf)
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req, want)
}

// TestCanaryNoPHIInServerOutput runs the real binary, submits an intake with
// an invented name and birth date, uses every staff page, search and export,
// stops the server, and finds neither the name nor the birth date anywhere in
// its stdout and stderr (nor in the CLI's output).
func TestCanaryNoPHIInServerOutput(t *testing.T) {
	dbPath := newDBPath(t)
	var cliOut bytes.Buffer
	add := exec.Command(intakeBinary(t), "user", "add", "--db", dbPath, "--email", "canary@clinic.test",
		"--role", "admin", "--password-stdin")
	add.Stdin = strings.NewReader("canary staff passphrase\n")
	add.Stdout, add.Stderr = &cliOut, &cliOut
	if err := add.Run(); err != nil {
		t.Fatalf("user add: %v\n%s", err, cliOut.String())
	}
	srv := startServer(t, dbPath)

	// The patient side: an accepted intake and a refused one, both with the canary.
	var c cases.Case
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range all {
		if x.ID == "C01-cauda-equina" {
			c = x
		}
	}
	set := func(k, v string) { c.Answers[k], _ = json.Marshal(v) }
	set("patient.given_name", canaryGiven)
	set("patient.family_name", canaryFamily)
	set("patient.birth_date", canaryBirth)
	id, status, err := postCase(http.DefaultClient, srv.Base, c)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, err)
	}
	bad := c
	bad.Answers = map[string]json.RawMessage{}
	for k, v := range c.Answers {
		bad.Answers[k] = v
	}
	bad.Answers["pain.back_now"] = json.RawMessage(`"` + canaryFamily + `"`)
	if _, status, _ := postCase(http.DefaultClient, srv.Base, bad); status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid submission: %d, want 422", status)
	}

	jar, _ := cookiejar.New(nil)
	b := &staffHTTP{t: t, client: &http.Client{Jar: jar}, base: srv.Base}
	// A failed sign-in with the patient's name typed as the email.
	b.get("/staff/login", 200)
	b.post("/staff/login", url.Values{"email": {canaryGiven + " " + canaryFamily}, "password": {canaryBirth}}, http.StatusUnauthorized)
	b.post("/staff/login", url.Values{"email": {"canary@clinic.test"}, "password": {"canary staff passphrase"}}, 200)

	if list := b.get("/staff", 200); !strings.Contains(list, canaryFamily) {
		t.Fatal("the list does not show the canary intake")
	}
	b.get("/staff?severity=emergency&review=unreviewed&from=2020-01-01", 200)
	if found := b.post("/staff/search", url.Values{"name": {"xandrovar"}}, 200); !strings.Contains(found, canaryGiven) {
		t.Fatal("search does not find the canary")
	}
	b.post("/staff/search", url.Values{"name": {canaryGiven + " " + canaryBirth}}, 200)
	if page := b.get("/staff/intakes/"+id, 200); !strings.Contains(page, canaryBirth) {
		t.Fatal("the intake page does not show the birth date")
	}
	b.get("/staff/intakes/"+id+".pdf", 200)
	if csv := b.get("/staff/export.csv", 200); !strings.Contains(csv, canaryFamily) {
		t.Fatal("the CSV export lacks the canary")
	}
	if fhir := b.get("/staff/export.fhir.json?from=2000-01-01", 200); !strings.Contains(fhir, canaryBirth) {
		t.Fatal("the FHIR export lacks the canary")
	}
	b.get("/staff/export.csv?from="+url.QueryEscape(canaryBirth+"x"), http.StatusBadRequest)
	b.get("/staff/intakes/no-such-intake", http.StatusNotFound)
	b.get("/staff/intakes/"+id, 200)
	b.post("/staff/intakes/"+id+"/review", nil, 200) // 303 → the intake page
	b.get("/staff/intakes/"+id, 200)
	b.post("/staff/intakes/"+id+"/void", url.Values{"reason": {""}}, http.StatusUnprocessableEntity)
	b.post("/staff/intakes/"+id+"/void", url.Values{"reason": {"duplicate of " + canaryFamily}}, 200)
	b.get("/staff/audit", 200)
	b.get("/staff/audit?action=view", 200)
	b.post("/staff/logout", nil, 200) // 303 → the sign-in page

	if code := srv.Stop(t); code != 0 {
		t.Errorf("exit status %d", code)
	}
	out := srv.Stdout() + srv.Stderr() + cliOut.String()
	if !strings.Contains(out, "serving") {
		t.Fatalf("no server output captured:\n%s", out)
	}
	for _, canary := range []string{canaryGiven, canaryFamily, "xandrovar", canaryBirth, "1957"} {
		if strings.Contains(strings.ToLower(out), strings.ToLower(canary)) {
			t.Errorf("server or CLI output contains %q:\n%s", canary, out)
		}
	}
}
