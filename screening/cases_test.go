package screening_test

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// TestCases runs every shared synthetic case (testdata/cases/*.json, with
// overrides.json applied) through Run with its submission date.
func TestCases(t *testing.T) {
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		t.Run(c.ID, func(t *testing.T) {
			res := screening.Run(c.Valid(), c.Date(), screening.Settings{GuardianAge: 18})
			checkExpect(t, res, c.Expect)
		})
	}
}

func checkExpect(t *testing.T, res screening.Result, want cases.Expect) {
	t.Helper()
	if res.Flags == nil {
		t.Error("Flags is nil, want an empty slice")
	}
	byID := map[string]screening.Flag{}
	var ids []string
	for _, f := range res.Flags {
		byID[f.ID] = f
		ids = append(ids, f.ID)
	}
	gotSet, wantSet := slices.Clone(ids), slices.Clone(want.Flags)
	sort.Strings(gotSet)
	sort.Strings(wantSet)
	if !slices.Equal(gotSet, wantSet) {
		t.Errorf("flags %v, want %v", gotSet, wantSet)
	}
	for _, id := range want.Absent {
		if _, ok := byID[id]; ok {
			t.Errorf("flag %s fired, want absent", id)
		}
	}
	for id, sev := range want.FlagSeverity {
		if f, ok := byID[id]; ok && string(f.Severity) != sev {
			t.Errorf("%s severity %s, want %s", id, f.Severity, sev)
		}
	}
	for id, kind := range want.FlagKind {
		if f, ok := byID[id]; ok && string(f.Kind) != kind {
			t.Errorf("%s kind %q, want %q", id, f.Kind, kind)
		}
	}
	for _, f := range res.Flags {
		if _, ok := want.FlagKind[f.ID]; f.Category == screening.CategoryNeedling && !ok {
			t.Errorf("needling flag %s has no expected kind in the case", f.ID)
		}
	}
	if want.FlagOrder != nil && !slices.Equal(ids, want.FlagOrder) && !(len(ids) == 0 && len(want.FlagOrder) == 0) {
		t.Errorf("flag order %v, want %v", ids, want.FlagOrder)
	}
	if string(res.HighestSeverity) != want.HighestSeverity {
		t.Errorf("highest severity %s, want %s", res.HighestSeverity, want.HighestSeverity)
	}
	if string(res.NeedlingStatus) != want.NeedlingStatus {
		t.Errorf("needling status %s, want %s", res.NeedlingStatus, want.NeedlingStatus)
	}
	// Scores compare through JSON, numerically: 5 equals 5.0.
	data, err := json.Marshal(res.Scores)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	for k, w := range want.Scores {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("score %s missing, want %v", k, w)
		case g != w:
			t.Errorf("score %s = %v, want %v", k, g, w)
		}
	}
}
