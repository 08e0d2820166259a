package screening_test

import (
	"strings"
	"testing"

	"github.com/backintake/backintake/screening"
)

func flagByID(t *testing.T, res screening.Result, id string) screening.Flag {
	t.Helper()
	for _, f := range res.Flags {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("%s did not fire (flags %v)", id, res.Flags)
	return screening.Flag{}
}

func TestMessagesNameTheirItems(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]any
		id   string
		want []string // substrings of the message
		not  []string
	}{
		{"DN-A4 names the area", map[string]any{"needling.lymphedema": true, "needling.lymphedema_where": "left arm"},
			"DN-A4", []string{"Dry needling contraindicated in: left arm"}, nil},
		{"DN-A4 does not echo an area that says safe", map[string]any{"needling.lymphedema": true, "needling.lymphedema_where": "right leg is Safe to needle"},
			"DN-A4", []string{"Dry needling contraindicated in: the limb or area named in the answers"}, []string{"afe"}},
		{"YF-1 lists the yellow flags", map[string]any{"psych.fear_movement": true, "work.status": "off_work", "work.weeks_off": 9, "work.claim": true},
			"YF-1", []string{"fear that moving will harm the back", "off work for over 4 weeks", "compensation or legal claim"}, []string{"low mood"}},
		{"RF-INF-3 names the risk factors", map[string]any{"redflag.iv_drug_use": true, "history.diabetes": "uncontrolled"},
			"RF-INF-3", []string{"injected drug use", "diabetes"}, []string{"steroid"}},
		{"RF-INF-1 names the risk factors", map[string]any{"redflag.fever": true, "pain.onset": "after_procedure"},
			"RF-INF-1", []string{"pain began after a procedure"}, nil},
		{"RF-CES-OLD names the items", map[string]any{"redflag.saddle_numbness": "yes_longstanding", "redflag.bowel": "yes_longstanding", "redflag.ces_checked": false},
			"RF-CES-OLD", []string{"Saddle numbness and bowel change", "not yet checked by a doctor"}, []string{"bladder"}},
		{"RF-MAL-2 names the features", map[string]any{"redflag.cancer_history": true, "pain.worse_with": codes("coughing_sneezing")},
			"RF-MAL-2", []string{"pain on coughing or sneezing", "24 hours"}, []string{"night"}},
		{"DN-A2 names why", map[string]any{"meta.completed_by": "helper"},
			"DN-A2", []string{"form completed with help", "informed consent"}, []string{"under"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := flagByID(t, screen(t, tt.set, screening.Settings{}), tt.id)
			for _, w := range tt.want {
				if !strings.Contains(f.Message, w) {
					t.Errorf("message %q lacks %q", f.Message, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(f.Message, n) {
					t.Errorf("message %q contains %q", f.Message, n)
				}
			}
		})
	}
}

// TestNeedlingKinds checks each needling flag's kind and message opening.
func TestNeedlingKinds(t *testing.T) {
	all := map[string]any{
		"needling.willing": "no", "meta.completed_by": "helper", "needling.bad_reaction": true,
		"needling.lymphedema": true, "needling.lymphedema_where": "left arm", "needling.anticoagulants": true,
		"redflag.unwell": true, "needling.pregnant": "maybe", "needling.heart_valve": true,
		"history.diabetes": "controlled", "needling.vascular": true, "needling.epilepsy": "uncontrolled",
		"needling.metal_allergy": true, "needling.skin_problem": true, "needling.implanted_device": true,
	}
	want := map[string]screening.Kind{
		"DN-A1": screening.KindContraindication, "DN-A2": screening.KindPrecaution, "DN-A3": screening.KindPrecaution,
		"DN-A4": screening.KindPrecaution, "DN-A5": screening.KindPrecaution, "DN-A6": screening.KindContraindication,
		"DN-R1": screening.KindPrecaution, "DN-R2": screening.KindPrecaution, "DN-R3": screening.KindPrecaution,
		"DN-R4": screening.KindPrecaution, "DN-R5": screening.KindContraindication, "DN-R6": screening.KindPrecaution,
		"DN-R7": screening.KindPrecaution, "DN-E1": screening.KindPrecaution,
	}
	res := screen(t, all, screening.Settings{})
	if res.NeedlingStatus != screening.NeedlingContraindicated {
		t.Errorf("needling status %s, want contraindicated", res.NeedlingStatus)
	}
	for id, kind := range want {
		f := flagByID(t, res, id)
		if f.Kind != kind || f.Severity != screening.SeverityCaution || f.Category != screening.CategoryNeedling {
			t.Errorf("%s: kind %s severity %s category %s", id, f.Kind, f.Severity, f.Category)
		}
	}
	for id, set := range map[string]map[string]any{
		"DN-A1U": {"needling.willing": "unsure"},
		"DN-R5":  {"needling.epilepsy": "controlled"},
	} {
		f := flagByID(t, screen(t, set, screening.Settings{}), id)
		if f.Kind != screening.KindPrecaution {
			t.Errorf("%s kind %s, want precaution", id, f.Kind)
		}
	}
}

// checkNeedlingMessage is the opening rule of spec §3, used by the property test too.
func checkNeedlingMessage(f screening.Flag) bool {
	switch {
	case f.Category != screening.CategoryNeedling:
		return f.Kind == ""
	case f.ID == "DN-A4":
		return f.Kind == screening.KindPrecaution && strings.HasPrefix(f.Message, "Dry needling contraindicated in: ")
	case f.Kind == screening.KindContraindication:
		return strings.HasPrefix(f.Message, "Dry needling contraindicated: ")
	case f.Kind == screening.KindPrecaution:
		return strings.HasPrefix(f.Message, "Dry needling precaution: ")
	}
	return false
}

func TestScores(t *testing.T) {
	res := screen(t, map[string]any{
		"pain.back_avg": 3, "function.enjoyment": 3, "function.activity": 4, // PEG 10/3 = 3.33 → 3.3
		"function.activity1_score": 1, "function.activity2": "Gardening", "function.activity2_score": 2,
		"function.activity3": "Cycling", "function.activity3_score": 2, // PSFS 5/3 = 1.67 → 1.7
		"pain.duration": "6to12w",
	}, screening.Settings{})
	s := res.Scores
	if s.PEG == nil || *s.PEG != 3.3 || s.PSFS == nil || *s.PSFS != 1.7 || s.Chronicity != "subacute" {
		t.Fatalf("scores %+v", s)
	}
	if s.NPRSLegAvg != nil {
		t.Errorf("nprs_leg_avg %d present though not answered", *s.NPRSLegAvg)
	}
	// An activity score without its activity does not count (it is disabled and dropped).
	res = screen(t, map[string]any{"function.activity2_score": 10}, screening.Settings{})
	if *res.Scores.PSFS != 4 {
		t.Errorf("psfs %v, want 4", *res.Scores.PSFS)
	}
	for name, tc := range map[string]struct {
		set  map[string]any
		want int
	}{
		"knee only":          {map[string]any{"pain.regions": codes("knee_r"), "pain.leg_avg": 2}, 2},
		"radiating to thigh": {map[string]any{"radiating.present": true, "radiating.extent": "thigh", "radiating.side": "left", "pain.leg_avg": 2}, 2},
		"radiating to foot":  {map[string]any{"radiating.present": true, "radiating.extent": "foot", "radiating.side": "left", "pain.leg_avg": 2}, 3},
		"numbness not pain":  {map[string]any{"numbness.present": true, "numbness.regions": codes("foot_l")}, 1},
		"buttock radiating":  {map[string]any{"radiating.present": true, "radiating.extent": "buttock", "radiating.side": "both", "pain.leg_avg": 2}, 1},
	} {
		res := screen(t, tc.set, screening.Settings{})
		if res.Scores.QTF == nil || *res.Scores.QTF != tc.want {
			t.Errorf("%s: qtf %v, want %d", name, res.Scores.QTF, tc.want)
		}
	}
}
