package web

import (
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/internal/cases"
)

// patientTemplates are the templates patients see; staff pages stay English.
var patientTemplates = []string{"layout.html", "form.html", "done.html", "message.html"}

var (
	reAction   = regexp.MustCompile(`(?s){{.*?}}`)
	reTag      = regexp.MustCompile(`(?s)<[^>]*>`)
	reEntity   = regexp.MustCompile(`&[a-z]+;|&#[0-9]+;`)
	reIDSuffix = regexp.MustCompile(`-(help|hint|error|low|high|followup|notice)\b`)
)

// TestPatientTemplatesHaveNoLiteralText: every word a patient reads comes
// from the catalogue, so the templates hold only markup and actions.
func TestPatientTemplatesHaveNoLiteralText(t *testing.T) {
	for _, name := range patientTemplates {
		data, err := fs.ReadFile(templateFS, "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		text := reAction.ReplaceAllString(string(data), " ")
		for _, m := range regexp.MustCompile(`(?i)(?:aria-label|title|alt|placeholder)="([^"]*)"`).FindAllStringSubmatch(text, -1) {
			if strings.IndexFunc(m[1], unicode.IsLetter) >= 0 {
				t.Errorf("%s: literal attribute text %q", name, m[0])
			}
		}
		text = reEntity.ReplaceAllString(reTag.ReplaceAllString(text, " "), " ")
		text = reIDSuffix.ReplaceAllString(text, " ") // "{{.ID}}-help" in the aria-describedby helper
		if i := strings.IndexFunc(text, unicode.IsLetter); i >= 0 {
			end := min(len(text), i+40)
			t.Errorf("%s: literal text outside the catalogue: %q", name, strings.TrimSpace(text[i:end]))
		}
	}
}

// TestValidationMessagesInEveryLanguage: each shared validation case gets
// its messages in es and vi, not English.
func TestValidationMessagesInEveryLanguage(t *testing.T) {
	for _, c := range mustCases(t, cases.Validation) {
		if c.Expect.Status != 422 {
			continue
		}
		ts := newTestServer(t, at(c.SubmittedOn))
		var english map[string]string
		for _, lang := range messages.Supported {
			var body map[string]any
			_ = json.Unmarshal(c.Body(), &body)
			body["lang"] = lang
			b, _ := json.Marshal(body)
			resp, rb := ts.postJSON(t, b, false)
			if resp.StatusCode != 422 {
				t.Fatalf("%s %s: %d", c.ID, lang, resp.StatusCode)
			}
			var out apiErrors
			_ = json.Unmarshal([]byte(rb), &out)
			got := map[string]string{}
			for _, e := range out.Errors {
				if e.Message == "" {
					t.Fatalf("%s %s: no message for %s", c.ID, lang, e.LinkID)
				}
				got[e.LinkID] = e.Message
			}
			if lang == "en" {
				english = got
				continue
			}
			for id, m := range got {
				if m == english[id] {
					t.Errorf("%s %s: message for %s is the English one: %q", c.ID, lang, id, m)
				}
			}
			// The HTML form shows the same messages in that language.
			s := ts.openForm(t)
			values := formValues(c.Answers)
			values.Set("_current_lang", lang)
			_, page := ts.postForm(t, s, values)
			if !strings.Contains(page, `<html lang="`+lang+`">`) {
				t.Fatalf("%s: 422 page not in %s", c.ID, lang)
			}
		}
	}
}

// TestEmergencyAdviceInPatientLanguage: C01 in es and vi gets the advice in
// its language on the confirmation page and in patient_advice.
func TestEmergencyAdviceInPatientLanguage(t *testing.T) {
	c01 := mustCases(t, cases.Screening)[0]
	for _, lang := range messages.Supported {
		ts := newTestServer(t, at(c01.SubmittedOn))
		advice := messages.For(lang).T("advice.emergency")
		if advice == "" || (lang != "en" && advice == messages.English().T("advice.emergency")) {
			t.Fatalf("%s: no advice of its own", lang)
		}
		var body map[string]any
		_ = json.Unmarshal(c01.Body(), &body)
		body["lang"] = lang
		b, _ := json.Marshal(body)
		_, rb := ts.postJSON(t, b, false)
		var out apiCreated
		_ = json.Unmarshal([]byte(rb), &out)
		if out.PatientAdvice != advice {
			t.Fatalf("%s: patient_advice %q, want %q", lang, out.PatientAdvice, advice)
		}

		s := ts.openForm(t)
		values := formValues(c01.Answers)
		values.Set("_current_lang", lang)
		resp, _ := ts.postForm(t, s, values)
		_, page := ts.do(t, httptest.NewRequest("GET", resp.Header.Get("Location"), nil))
		if !strings.Contains(page, `<html lang="`+lang+`">`) || !strings.Contains(page, htmlEscape(advice)) {
			t.Fatalf("%s: confirmation page lacks the advice in its language", lang)
		}
	}
}

func TestFirstPageLanguage(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct{ query, accept, want string }{
		{"", "", "en"},
		{"?lang=vi", "es", "vi"},
		{"?lang=fr", "es-MX,es;q=0.9", "es"},
		{"", "vi-VN, en;q=0.5", "vi"},
		{"", "de-DE", "en"},
	} {
		req := httptest.NewRequest("GET", "/intake"+tt.query, nil)
		if tt.accept != "" {
			req.Header.Set("Accept-Language", tt.accept)
		}
		_, body := ts.do(t, req)
		if !strings.Contains(body, `<html lang="`+tt.want+`">`) {
			t.Errorf("query %q Accept-Language %q: want %s", tt.query, tt.accept, tt.want)
		}
	}
}
