package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

func TestAPIValidationCases(t *testing.T) {
	for _, c := range mustCases(t, cases.Validation) {
		t.Run(c.ID, func(t *testing.T) {
			ts := newTestServer(t, at(c.SubmittedOn))
			resp, body := ts.postJSON(t, c.Body(), false)
			if resp.StatusCode != c.Expect.Status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.Expect.Status, body)
			}
			if resp.StatusCode == 422 {
				want := slices.Clone(c.Expect.ErrorLinkIDs)
				sort.Strings(want)
				if got := errorLinkIDs(t, body); !slices.Equal(got, want) {
					t.Fatalf("errors on %v, want %v", got, want)
				}
			}
		})
	}
}

// TestAPIScreeningCases runs every shared case end to end with an API token,
// the server's clock on the case's submission date.
func TestAPIScreeningCases(t *testing.T) {
	for _, c := range mustCases(t, cases.Screening) {
		t.Run(c.ID, func(t *testing.T) {
			ts := newTestServer(t, at(c.SubmittedOn))
			resp, body := ts.postJSON(t, c.Body(), true)
			if resp.StatusCode != 201 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var out struct {
				ID            string            `json:"id"`
				Screening     *screening.Result `json:"screening"`
				PatientAdvice *string           `json:"patient_advice"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			if out.Screening == nil || out.PatientAdvice == nil || out.ID == "" {
				t.Fatalf("201 body lacks id, screening or patient_advice: %s", body)
			}
			checkResult(t, c, *out.Screening)
			wantAdvice := c.Expect.HighestSeverity == "emergency"
			if (*out.PatientAdvice != "") != wantAdvice {
				t.Fatalf("patient_advice %q for highest severity %s", *out.PatientAdvice, c.Expect.HighestSeverity)
			}
		})
	}
}

// checkResult compares a screening result with a case's expectations.
func checkResult(t *testing.T, c cases.Case, res screening.Result) {
	t.Helper()
	var ids []string
	for _, f := range res.Flags {
		ids = append(ids, f.ID)
		if want, ok := c.Expect.FlagSeverity[f.ID]; ok && string(f.Severity) != want {
			t.Errorf("%s severity %s, want %s", f.ID, f.Severity, want)
		}
		if want, ok := c.Expect.FlagKind[f.ID]; ok && string(f.Kind) != want {
			t.Errorf("%s kind %s, want %s", f.ID, f.Kind, want)
		}
	}
	if len(c.Expect.FlagOrder) > 0 || len(c.Expect.Flags) == 0 {
		if !slices.Equal(ids, c.Expect.FlagOrder) && !(len(ids) == 0 && len(c.Expect.FlagOrder) == 0) {
			t.Errorf("flags %v, want in order %v", ids, c.Expect.FlagOrder)
		}
	}
	sorted := slices.Clone(ids)
	sort.Strings(sorted)
	want := slices.Clone(c.Expect.Flags)
	sort.Strings(want)
	if !slices.Equal(sorted, want) {
		t.Errorf("flag set %v, want %v", sorted, want)
	}
	for _, a := range c.Expect.Absent {
		if slices.Contains(ids, a) {
			t.Errorf("%s fired but must be absent", a)
		}
	}
	if string(res.HighestSeverity) != c.Expect.HighestSeverity {
		t.Errorf("highest severity %s, want %s", res.HighestSeverity, c.Expect.HighestSeverity)
	}
	if string(res.NeedlingStatus) != c.Expect.NeedlingStatus {
		t.Errorf("needling status %s, want %s", res.NeedlingStatus, c.Expect.NeedlingStatus)
	}
	var scores map[string]any
	b, _ := json.Marshal(res.Scores)
	_ = json.Unmarshal(b, &scores)
	for k, v := range c.Expect.Scores {
		if fmt.Sprint(scores[k]) != fmt.Sprint(v) {
			t.Errorf("score %s = %v, want %v", k, scores[k], v)
		}
	}
}

func TestAPIAnonymousGetsNoScreening(t *testing.T) {
	c := mustCases(t, cases.Screening)[0] // C01: an emergency
	ts := newTestServer(t, at(c.SubmittedOn))
	resp, body := ts.postJSON(t, c.Body(), false)
	if resp.StatusCode != 201 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out["id"] == nil || out["patient_advice"] == "" {
		t.Fatalf("anonymous 201 must be exactly id and patient_advice (emergency advice here): %s", body)
	}
	if strings.Contains(body, "RF-CES") {
		t.Fatal("flags leaked to an anonymous caller")
	}
}

func TestAPIBadToken(t *testing.T) {
	c := mustCases(t, cases.Screening)[0]
	ts := newTestServer(t, at(c.SubmittedOn))
	req := httptest.NewRequest("POST", "/api/v1/intakes", strings.NewReader(string(c.Body())))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer nope")
	if resp, _ := ts.do(t, req); resp.StatusCode != 401 {
		t.Fatalf("unknown token: %d, want 401", resp.StatusCode)
	}
}
