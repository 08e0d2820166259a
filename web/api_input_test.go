package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/cases"
)

// caseBody returns C10's answers with changes applied, as an API body.
func caseBody(t *testing.T, change func(a map[string]any)) []byte {
	t.Helper()
	var c10 cases.Case
	for _, c := range mustCases(t, cases.Screening) {
		if strings.HasPrefix(c.ID, "C10") {
			c10 = c
		}
	}
	a := map[string]any{}
	for k, v := range c10.Answers {
		var x any
		_ = json.Unmarshal(v, &x)
		a[k] = x
	}
	change(a)
	b, _ := json.Marshal(map[string]any{"lang": "en", "answers": a})
	return b
}

func (ts *testServer) countIntakes(t *testing.T) int {
	t.Helper()
	n, err := ts.db.Count(context.Background(), db.Filter{IncludeVoided: true})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAPIRoundTrip stores every shared case and reads back the normalised
// answers byte for byte: strings trimmed and NFC, multi codes in option order.
func TestAPIRoundTrip(t *testing.T) {
	ts := newTestServer(t, at("2026-11-02"))
	for _, c := range mustCases(t, cases.Screening) {
		resp, body := ts.postJSON(t, c.Body(), false)
		if resp.StatusCode != 201 {
			t.Fatalf("%s: %d %s", c.ID, resp.StatusCode, body)
		}
		var out apiCreated
		_ = json.Unmarshal([]byte(body), &out)
		got, err := ts.db.Intake(context.Background(), out.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(map[string]any(got.Answers), map[string]any(c.Valid())) {
			t.Fatalf("%s: stored answers differ from the normalised answers", c.ID)
		}
		if got.Lang != "en" || got.QuestionnaireVersion != "back-pain-intake|1" || got.SubmissionDate.String() != "2026-11-02" {
			t.Fatalf("%s: metadata %+v", c.ID, got)
		}
	}

	names := []struct{ given, family, wantGiven, wantFamily string }{
		{"  Siobhán ", "O’Brien", "Siobhán", "O’Brien"},
		{norm.NFD.String("Nguyễn Thị"), norm.NFD.String("Ánh"), "Nguyễn Thị", "Ánh"},
		{"अर्जुन", "शर्मा", "अर्जुन", "शर्मा"},
	}
	for _, n := range names {
		body := caseBody(t, func(a map[string]any) {
			a["patient.given_name"], a["patient.family_name"] = n.given, n.family
			a["consent.signature"] = n.given + " " + n.family
			a["notes.text"] = "line one\r\nline two\tand a tab  "
			a["pain.worse_with"] = []string{"sitting", "bending"}
		})
		resp, rb := ts.postJSON(t, body, false)
		if resp.StatusCode != 201 {
			t.Fatalf("%q: %d %s", n.family, resp.StatusCode, rb)
		}
		var out apiCreated
		_ = json.Unmarshal([]byte(rb), &out)
		got, err := ts.db.Intake(context.Background(), out.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := got.Answers
		if a.String("patient.given_name") != n.wantGiven || a.String("patient.family_name") != n.wantFamily {
			t.Fatalf("stored %q %q, want %q %q", a.String("patient.given_name"), a.String("patient.family_name"), n.wantGiven, n.wantFamily)
		}
		if a.String("notes.text") != "line one\nline two\tand a tab" {
			t.Fatalf("text not normalised: %q", a.String("notes.text"))
		}
		if !reflect.DeepEqual(a.Codes("pain.worse_with"), []string{"bending", "sitting"}) {
			t.Fatalf("multi not in option order: %v", a.Codes("pain.worse_with"))
		}
	}
}

// TestAPIHostileInput: each bad body gets its specified status, never a 500,
// and nothing is stored.
func TestAPIHostileInput(t *testing.T) {
	ts := newTestServer(t, at("2026-11-02"))
	valid := string(caseBody(t, func(map[string]any) {}))
	withAnswer := func(k string, v any) string {
		return string(caseBody(t, func(a map[string]any) { a[k] = v }))
	}
	big := strings.Repeat("x", 1_000_000) // 1 MB: over the app limit, under the transport limit
	tests := []struct {
		name, body, ctype string
		status            int
		linkID            string
	}{
		{"malformed JSON", `{"answers": {`, "application/json", 400, ""},
		{"not an object", `[1,2]`, "application/json", 400, ""},
		{"answers missing", `{"lang":"en"}`, "application/json", 400, ""},
		{"answers not an object", `{"answers": []}`, "application/json", 400, ""},
		{"unknown top-level key", `{"answers": {}, "extra": 1}`, "application/json", 400, ""},
		{"unsupported lang", strings.Replace(valid, `"lang":"en"`, `"lang":"fr"`, 1), "application/json", 400, ""},
		{"duplicate top-level key", `{"answers": {}, "answers": {}}`, "application/json", 400, ""},
		{"duplicate answer key", strings.Replace(valid, `{"consent.privacy":true`, `{"consent.privacy":true,"consent.privacy":true`, 1), "application/json", 400, ""},
		{"invalid UTF-8", strings.Replace(valid, "Baseline", "Base\xffline", 1), "application/json", 400, ""},
		{"NUL outside a string", valid[:len(valid)-1] + "\x00}", "application/json", 400, ""},
		{"trailing data", valid + "{}", "application/json", 400, ""},
		{"no JSON content type", valid, "text/plain", 415, ""},
		{"form content type", valid, "application/x-www-form-urlencoded", 415, ""},
		{"over the body limit", withAnswer("notes.text", big), "application/json", 413, ""},
		{"wrong type: string for int", withAnswer("pain.back_now", "4"), "application/json", 422, "pain.back_now"},
		{"wrong type: fraction", withAnswer("pain.back_now", 4.5), "application/json", 422, "pain.back_now"},
		{"wrong type: number for bool", withAnswer("pain.unrelieved", 0), "application/json", 422, "pain.unrelieved"},
		{"wrong type: string for multi", withAnswer("pain.regions", "lumbar_l"), "application/json", 422, "pain.regions"},
		{"huge number", withAnswer("pain.back_now", 1e300), "application/json", 422, "pain.back_now"},
		{"NUL inside a string", withAnswer("patient.family_name", "Base\x00line"), "application/json", 422, "patient.family_name"},
		{"control character in a string", withAnswer("function.activity1", "walk\x07"), "application/json", 422, "function.activity1"},
		{"newline in a one-line string", withAnswer("function.activity1", "walk\nrun"), "application/json", 422, "function.activity1"},
		{"name with digits", withAnswer("patient.given_name", "R2D2"), "application/json", 422, "patient.given_name"},
		{"too long text", withAnswer("goals.text", strings.Repeat("é", 4001)), "application/json", 422, "goals.text"},
		{"duplicate code", withAnswer("pain.regions", []string{"lumbar_l", "lumbar_l"}), "application/json", 422, "pain.regions"},
		{"object as a value", withAnswer("pain.trend", map[string]any{"a": 1}), "application/json", 422, "pain.trend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.countIntakes(t)
			req := httptest.NewRequest("POST", "/api/v1/intakes", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			resp, body := ts.do(t, req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tt.status, body)
			}
			if tt.linkID != "" {
				if got := errorLinkIDs(t, body); len(got) != 1 || got[0] != tt.linkID {
					t.Fatalf("errors on %v, want only %s", got, tt.linkID)
				}
			} else if !strings.Contains(body, `"message"`) {
				t.Fatalf("error reply without a message: %.300s", body)
			}
			if ts.countIntakes(t) != before {
				t.Fatal("a rejected request stored an intake")
			}
		})
	}
}

func TestAPIIdempotencyKey(t *testing.T) {
	ts := newTestServer(t, at("2026-11-02"))
	body := caseBody(t, func(map[string]any) {})
	r1, b1 := ts.postJSON(t, body, true, "Idempotency-Key", "kiosk-7-0001")
	r2, b2 := ts.postJSON(t, body, true, "Idempotency-Key", "kiosk-7-0001")
	if r1.StatusCode != 201 || r2.StatusCode != 201 || b1 != b2 {
		t.Fatalf("retry with the same key and body must return the first 201 unchanged:\n%d %s\n%d %s", r1.StatusCode, b1, r2.StatusCode, b2)
	}
	if n := ts.countIntakes(t); n != 1 {
		t.Fatalf("%d intakes stored, want 1", n)
	}
	other := caseBody(t, func(a map[string]any) { a["pain.back_now"] = 2 })
	r3, b3 := ts.postJSON(t, other, true, "Idempotency-Key", "kiosk-7-0001")
	if r3.StatusCode != 422 || !strings.Contains(b3, `"code":"idempotency_key_reused"`) || strings.Contains(b3, "linkId") {
		t.Fatalf("same key, different body: %d %s", r3.StatusCode, b3)
	}
	if n := ts.countIntakes(t); n != 1 {
		t.Fatalf("%d intakes stored, want 1", n)
	}
	r4, _ := ts.postJSON(t, body, true, "Idempotency-Key", "kiosk-7-0002")
	if r4.StatusCode != 201 || ts.countIntakes(t) != 2 {
		t.Fatalf("a new key must store a new intake")
	}
}
