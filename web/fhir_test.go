package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/backintake/backintake/export"
	"github.com/backintake/backintake/intake"
)

func TestFHIRQuestionnaireRoute(t *testing.T) {
	guardian16 := func(c *Config) { c.GuardianAge = 16 }
	ts := newTestServer(t, guardian16)
	resp, body := ts.do(t, httptest.NewRequest("GET", "/fhir/Questionnaire/back-pain-intake", nil))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/fhir+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600" || resp.Header.Get("Pragma") != "" {
		t.Errorf("Cache-Control %q, Pragma %q: want a cacheable reply", cc, resp.Header.Get("Pragma"))
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("a public resource sets cookies: %v", resp.Cookies())
	}

	// It is the generator's output for this server's settings.
	want, err := export.Questionnaire(intake.V1, "https://clinic.test/fhir", 16)
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Fatal("body differs from export.Questionnaire(intake.V1, the FHIR base, the guardian age)")
	}
	var q struct {
		ResourceType string `json:"resourceType"`
		URL          string `json:"url"`
		Version      string `json:"version"`
	}
	if err := json.Unmarshal([]byte(body), &q); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if q.ResourceType != "Questionnaire" || q.URL != "https://clinic.test/fhir/Questionnaire/back-pain-intake" || q.Version != "1" {
		t.Fatalf("resource %s %s|%s", q.ResourceType, q.URL, q.Version)
	}
	other, err := export.Questionnaire(intake.V1, "https://clinic.test/fhir", 18)
	if err != nil || string(other) == body {
		t.Fatalf("the guardian-age setting does not reach the Questionnaire (err %v)", err)
	}

	// Revalidation by ETag.
	etag := resp.Header.Get("ETag")
	req := httptest.NewRequest("GET", "/fhir/Questionnaire/back-pain-intake", nil)
	req.Header.Set("If-None-Match", etag)
	resp, body = ts.do(t, req)
	if etag == "" || resp.StatusCode != 304 || body != "" {
		t.Fatalf("If-None-Match %q: status %d, %d bytes", etag, resp.StatusCode, len(body))
	}
}

func TestFHIRQuestionnaireWithABadBaseIs500(t *testing.T) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil)) // the logged error is expected
	ts := newTestServer(t, func(c *Config) { c.FHIRBase = "not a url"; c.Logger = quiet })
	resp, body := ts.do(t, httptest.NewRequest("GET", "/fhir/Questionnaire/back-pain-intake", nil))
	if resp.StatusCode != 500 || strings.Contains(body, "not a url") {
		t.Fatalf("status %d; body shows the setting: %v", resp.StatusCode, strings.Contains(body, "not a url"))
	}
}
