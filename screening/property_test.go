package screening_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/screening"
)

// sourceKeys are the citation keys of spec/screening.md "Sources".
var sourceKeys = map[string]bool{
	"ACP17": true, "AHPCSA": true, "ASAP": true, "BMJBP": true, "BRA14": true, "CG75": true, "CG146": true,
	"NG59": true, "CHOU11": true, "CUM11": true, "DOW13": true, "FDLP22": true, "FIN20": true, "GIRFT": true,
	"GRE18": true, "HEN13": true, "KRE09": true, "NG65": true, "NIC11": true, "NZ": true, "OST08": true,
	"PSFS": true, "QTF": true, "SCOT": true, "design": true, "SIE05": true, "SIE09": true, "STY18": true, "YUS19": true,
}

// ruleIDs are every rule id of spec/screening.md.
var ruleIDs = []string{
	"RF-CES-1", "RF-CES-2", "RF-CES-3", "RF-CES-OLD", "RF-CES-CHART", "RF-CES-4", "RF-NEU-1", "RF-NEU-2",
	"RF-MAL-1", "RF-MAL-2", "RF-MAL-3", "RF-MAL-4", "RF-MAL-5", "RF-MAL-COMB", "RF-INF-1", "RF-INF-2", "RF-INF-3",
	"RF-FX-1", "RF-FX-2", "RF-FX-3",
	"RAD-1", "RAD-2", "RAD-3", "RAD-4", "IBP-ASAS", "IBP-CALIN", "IBP-BERLIN", "IBP-NG65", "IBP-NG65-3",
	"DN-A1", "DN-A1U", "DN-A2", "DN-A3", "DN-A4", "DN-A5", "DN-A6",
	"DN-R1", "DN-R2", "DN-R3", "DN-R4", "DN-R5", "DN-R6", "DN-R7", "DN-E1",
	"YF-1",
}

var safe = regexp.MustCompile(`(?i)\bsafe\b`)

// TestProperties screens thousands of random valid answer sets (fixed seed)
// and checks the invariants of spec/screening.md on each.
func TestProperties(t *testing.T) {
	const iterations = 5000
	r := rand.New(rand.NewPCG(2026, 11))
	categories := map[string]screening.Category{"RF": screening.CategoryRedFlag, "RAD": screening.CategoryPattern,
		"IBP": screening.CategoryPattern, "DN": screening.CategoryNeedling, "YF": screening.CategoryPsychosocial}
	fired := map[string]int{}
	for i := range iterations {
		on := intake.DateOf(intake.Date{Year: 2026, Month: 1, Day: 1}.Time().AddDate(0, 0, r.IntN(4*366)))
		settings := screening.Settings{GuardianAge: []int{0, 16, 18, 21}[r.IntN(4)]}
		guardian := settings.GuardianAge
		if guardian == 0 {
			guardian = screening.DefaultGuardianAge
		}
		raw := gen.Answers(r, intake.V1, on)
		a, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: on, GuardianAge: guardian})
		if errs != nil {
			t.Fatalf("set %d: generator produced invalid answers: %v", i, errs)
		}

		res := screening.Run(a, on, settings)
		again := screening.Run(a, on, settings)
		j1, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		j2, _ := json.Marshal(again)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("set %d (on %s): "+format+"\nresult: %s", append([]any{i, on}, append(args, j1)...)...)
		}

		if !reflect.DeepEqual(res, again) || !bytes.Equal(j1, j2) {
			fail("two runs differ")
		}
		if safe.Match(j1) || safe.MatchString(res.NeedlingStatus.Wording()) {
			fail("output says safe")
		}
		if res.Flags == nil || bytes.Contains(j1, []byte(`"flags":null`)) {
			fail("flags is null")
		}
		if res.RulesVersion != screening.RulesVersion || res.GuardianAge != guardian {
			fail("rules version %q, guardian age %d", res.RulesVersion, res.GuardianAge)
		}
		sorted := slices.IsSortedFunc(res.Flags, func(x, y screening.Flag) int {
			if x.Severity.Rank() != y.Severity.Rank() {
				return x.Severity.Rank() - y.Severity.Rank()
			}
			return strings.Compare(x.ID, y.ID)
		})
		if !sorted {
			fail("flags not sorted by severity rank then id")
		}
		want := screening.SeverityNone
		if len(res.Flags) > 0 {
			want = res.Flags[0].Severity
		}
		if res.HighestSeverity != want {
			fail("highest severity %s, first flag %s", res.HighestSeverity, want)
		}
		redFlag := slices.ContainsFunc(res.Flags, func(f screening.Flag) bool {
			return f.Severity == screening.SeverityEmergency || f.Severity == screening.SeverityUrgent
		})
		if (res.NeedlingStatus == screening.NeedlingDeferred) != redFlag {
			fail("needling status %s with emergency/urgent flag %v", res.NeedlingStatus, redFlag)
		}
		seen := map[string]bool{}
		for _, f := range res.Flags {
			if seen[f.ID] {
				fail("%s fired twice", f.ID)
			}
			seen[f.ID] = true
			fired[f.ID]++
			if !slices.Contains(ruleIDs, f.ID) || f.Category != categories[f.ID[:strings.IndexByte(f.ID, '-')]] {
				fail("%s: unknown id or category %s", f.ID, f.Category)
			}
			if f.Severity.Rank() > 3 || f.Message == "" || len(f.Source) == 0 {
				fail("%s: severity %q, message %q, source %v", f.ID, f.Severity, f.Message, f.Source)
			}
			for _, k := range f.Source {
				if !sourceKeys[k] {
					fail("%s: unknown source key %q", f.ID, k)
				}
			}
			if !checkNeedlingMessage(f) {
				fail("%s: kind %q and message %q do not match", f.ID, f.Kind, f.Message)
			}
		}
	}
	// The generator must reach every rule, or the properties above prove little.
	for _, id := range ruleIDs {
		if fired[id] == 0 {
			t.Errorf("%s never fired in %d random sets", id, iterations)
		}
	}
	t.Logf("flags fired per rule over %d sets: %v", iterations, fired)
}
