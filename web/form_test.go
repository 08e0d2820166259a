package web

import (
	"html"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

var reFieldError = regexp.MustCompile(`<div class="field has-error[^"]*" id="[^"]+" (?:data-enable-when="[^"]*" )?data-link-id="([^"]+)"`)

// formErrorLinkIDs returns the linkIds whose fields show an error.
func formErrorLinkIDs(body string) []string {
	var ids []string
	for _, m := range reFieldError.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	sort.Strings(ids)
	return ids
}

// assertEchoed checks that every posted answer is back in the page: text
// values in value="" or textarea, choices checked.
func assertEchoed(t *testing.T, body string, values url.Values) {
	t.Helper()
	for name, vs := range values {
		it := intake.V1.Item(name)
		if strings.HasPrefix(name, "_") || it == nil {
			continue // control fields, and unknown fields that must not be sent again
		}
		for _, v := range vs {
			if (it.Type == intake.TypeChoice || it.Type == intake.TypeMulti) && !it.HasOption(v) {
				continue // a code the form cannot offer (tampered request): nothing to tick
			}
			checked := `name="` + name + `" value="` + html.EscapeString(v) + `" checked`
			text := `name="` + name + `" value="` + html.EscapeString(v) + `"`
			area := `name="` + name + `"`
			if strings.Contains(body, checked) || strings.Contains(body, text) {
				continue
			}
			if i := strings.Index(body, area); i >= 0 && strings.Contains(body[i:], ">"+html.EscapeString(v)+"</textarea>") {
				continue
			}
			if name == "patient.birth_date" {
				continue // shown as day/month/year parts, checked separately
			}
			t.Errorf("answer %s=%q not echoed back", name, v)
		}
	}
}

func TestFormValidationCases(t *testing.T) {
	for _, c := range mustCases(t, cases.Validation) {
		t.Run(c.ID, func(t *testing.T) {
			ts := newTestServer(t, at(c.SubmittedOn))
			s := ts.openForm(t)
			values := formValues(c.Answers)
			resp, body := ts.postForm(t, s, values)
			if c.Expect.Status == 201 {
				if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/intake/done/") {
					t.Fatalf("status %d (Location %q), want 303 to the receipt", resp.StatusCode, resp.Header.Get("Location"))
				}
				return
			}
			if resp.StatusCode != 422 {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			want := slices.Clone(c.Expect.ErrorLinkIDs)
			sort.Strings(want)
			got := formErrorLinkIDs(body)
			// Unknown linkIds have no field: they appear in the summary only.
			for _, id := range want {
				if !slices.Contains(got, id) && !strings.Contains(body, `href="#`+fieldID(id)+`"`) {
					t.Fatalf("no error shown for %s (fields with errors: %v)", id, got)
				}
			}
			for _, id := range got {
				if !slices.Contains(want, id) {
					t.Fatalf("unexpected error on %s", id)
				}
			}
			if !strings.Contains(body, `id="error-summary"`) {
				t.Fatal("422 page has no error summary")
			}
			assertEchoed(t, body, values)
		})
	}
}

func TestFormSubmitShowsReceipt(t *testing.T) {
	c := mustCases(t, cases.Screening)[0] // C01, an emergency
	ts := newTestServer(t, at(c.SubmittedOn))
	s := ts.openForm(t)
	resp, _ := ts.postForm(t, s, formValues(c.Answers))
	if resp.StatusCode != 303 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if strings.Contains(loc, "Mateo") || strings.Contains(loc, "Ruiz") {
		t.Fatal("PHI in the receipt URL")
	}
	resp, body := ts.do(t, httptest.NewRequest("GET", loc, nil))
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("receipt page: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if !strings.Contains(body, `class="emergency"`) || strings.Index(body, `class="emergency"`) > strings.Index(body, "Your answers were received") {
		t.Fatal("an emergency result must show the emergency advice first")
	}
	if strings.Contains(body, "RF-CES") || strings.Contains(body, "cauda") {
		t.Fatal("therapist-facing screening output shown to the patient")
	}
	// The same one-time token with the same answers: the first receipt again.
	resp2, _ := ts.postForm(t, s, formValues(c.Answers))
	if resp2.StatusCode != 303 || resp2.Header.Get("Location") != loc {
		t.Fatalf("double post: %d %q, want 303 to %q", resp2.StatusCode, resp2.Header.Get("Location"), loc)
	}
	if n := ts.countIntakes(t); n != 1 {
		t.Fatalf("double post stored %d intakes", n)
	}
	// The same token with different answers: 409, answers kept.
	changed := formValues(c.Answers)
	changed.Set("pain.back_now", "2")
	resp3, body3 := ts.postForm(t, s, changed)
	if resp3.StatusCode != 409 || !strings.Contains(body3, "already sent at 10:30") {
		t.Fatalf("changed answers with a used token: %d", resp3.StatusCode)
	}
	assertEchoed(t, body3, changed)
}

func TestFormStaleCSRFKeepsAnswers(t *testing.T) {
	c := mustCases(t, cases.Screening)[1]
	ts := newTestServer(t, at(c.SubmittedOn))
	s := ts.openForm(t)
	values := formValues(c.Answers)
	for name, sess := range map[string]formSession{
		"missing token":  {cookie: s.cookie, csrf: "x", submission: s.submission},
		"foreign cookie": {cookie: strings.Repeat("a", 26), csrf: s.csrf, submission: s.submission},
		"no cookie":      {csrf: s.csrf, submission: s.submission},
	} {
		resp, body := ts.postForm(t, sess, values)
		if resp.StatusCode != 403 {
			t.Fatalf("%s: status %d, want 403", name, resp.StatusCode)
		}
		assertEchoed(t, body, values)
		if !strings.Contains(body, "Your answers are still here") {
			t.Fatalf("%s: no message", name)
		}
	}
	if ts.countIntakes(t) != 0 {
		t.Fatal("a forged POST stored an intake")
	}
	// A token older than 12 hours is stale.
	serverNow := time.Date(2026, 11, 2, 10, 30, 0, 0, time.FixedZone("PST", -8*3600))
	if c.SubmittedOn != "2026-11-02" {
		t.Fatalf("test assumes cases submitted on 2026-11-02, got %s", c.SubmittedOn)
	}
	old := formToken([]byte(strings.Repeat("k", 32)), s.cookie, serverNow.Add(-13*time.Hour))
	resp, _ := ts.postForm(t, formSession{cookie: s.cookie, csrf: old, submission: s.submission}, values)
	if resp.StatusCode != 403 {
		t.Fatalf("expired token: %d", resp.StatusCode)
	}
}

func TestFormLanguageSwitchKeepsAnswers(t *testing.T) {
	c := mustCases(t, cases.Screening)[2]
	ts := newTestServer(t, at(c.SubmittedOn))
	s := ts.openForm(t)
	values := formValues(c.Answers)
	values.Del("consent.signature")
	values.Set("_lang", "es")
	resp, body := ts.postForm(t, s, values)
	if resp.StatusCode != 200 || !strings.Contains(body, `<html lang="es">`) {
		t.Fatalf("language switch: %d", resp.StatusCode)
	}
	values.Del("_lang")
	assertEchoed(t, body, values)
	if strings.Contains(body, "has-error") || ts.countIntakes(t) != 0 {
		t.Fatal("a language switch must neither validate nor store")
	}
}

func TestFormTooLargeAndRateLimit(t *testing.T) {
	c := mustCases(t, cases.Screening)[3]
	ts := newTestServer(t, at(c.SubmittedOn), func(cfg *Config) { cfg.PatientRate = 3 })
	s := ts.openForm(t)
	values := formValues(c.Answers)
	values.Set("notes.text", strings.Repeat("a", 300<<10))
	resp, body := ts.postForm(t, s, values)
	if resp.StatusCode != 413 {
		t.Fatalf("oversized form: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `value="`+html.EscapeString(values.Get("patient.family_name"))+`"`) {
		t.Fatal("413 lost the answers")
	}
	values = formValues(c.Answers)
	values.Set("pain.back_worst", "0")
	var last int
	var lastBody string
	for i := 0; i < 3; i++ {
		resp, lastBody = ts.postForm(t, s, values)
		last = resp.StatusCode
	}
	if last != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th POST in a minute: %d (Retry-After %q), want 429", last, resp.Header.Get("Retry-After"))
	}
	assertEchoed(t, lastBody, values)
}

func TestFormWithoutCookieSaysAllowCookies(t *testing.T) {
	c := mustCases(t, cases.Screening)[0]
	ts := newTestServer(t, at(c.SubmittedOn))
	s := ts.openForm(t)
	_, body := ts.postForm(t, formSession{csrf: s.csrf, submission: s.submission}, formValues(c.Answers))
	if !strings.Contains(body, "allow cookies") {
		t.Fatal("a browser without cookies must be told to allow them, not to send again")
	}
}

func TestFormEchoesOnlyValidUTF8(t *testing.T) {
	c := mustCases(t, cases.Screening)[0]
	ts := newTestServer(t, at(c.SubmittedOn))
	s := ts.openForm(t)
	values := formValues(c.Answers)
	values.Set("patient.family_name", "Ru\xff\xfeiz")
	resp, body := ts.postForm(t, s, values)
	if resp.StatusCode != 422 || !utf8.ValidString(body) || !strings.Contains(body, "Ru\uFFFDiz") {
		t.Fatalf("status %d; the echoed value must be valid UTF-8, the bad bytes replaced", resp.StatusCode)
	}
}

func TestEmergencyPageOffersTapToCall(t *testing.T) {
	c := mustCases(t, cases.Screening)[0] // C01, an emergency
	ts := newTestServer(t, at(c.SubmittedOn), func(cfg *Config) {
		cfg.ClinicPhone, cfg.EmergencyPhone = "+1 (555) 010-0100", "911"
	})
	s := ts.openForm(t)
	resp, _ := ts.postForm(t, s, formValues(c.Answers))
	_, page := ts.do(t, httptest.NewRequest("GET", resp.Header.Get("Location"), nil))
	for _, want := range []string{`href="tel:911"`, `href="tel:&#43;15550100100"`, "Call 911 now", "Call the clinic: &#43;1 (555) 010-0100"} {
		if !strings.Contains(page, want) {
			t.Errorf("emergency page lacks %s", want)
		}
	}
}

// TestRejectedFormStillShowsEmergencyAdvice: C01 (new saddle numbness and
// bladder change) with treatment consent refused is a 422, and the page tells
// the patient to seek emergency care all the same; a benign 422 does not.
func TestRejectedFormStillShowsEmergencyAdvice(t *testing.T) {
	all := mustCases(t, cases.Screening)
	ts := newTestServer(t, at(all[0].SubmittedOn))
	s := ts.openForm(t)
	values := formValues(all[0].Answers)
	values.Set("consent.treatment", "no")
	resp, body := ts.postForm(t, s, values)
	if resp.StatusCode != 422 || !strings.Contains(body, `class="emergency"`) {
		t.Fatalf("status %d; the emergency advice must show on the rejected form", resp.StatusCode)
	}
	if strings.Index(body, `class="emergency"`) > strings.Index(body, `id="error-summary"`) {
		t.Fatal("the emergency advice must come before the error summary")
	}
	var c10 cases.Case
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C10") {
			c10 = c
		}
	}
	benign := formValues(c10.Answers)
	benign.Set("consent.treatment", "no")
	_, body = ts.postForm(t, ts.openForm(t), benign)
	if strings.Contains(body, `class="emergency"`) {
		t.Fatal("emergency advice on a benign rejected form")
	}
	if ts.countIntakes(t) != 0 {
		t.Fatal("a rejected form stored an intake")
	}
}
