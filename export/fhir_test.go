package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const testBase = "https://clinic.test/fhir"

// Test-side views of the JSON, independent of the encoder's own structs.
type (
	tCoding struct{ System, Code, Display string }
	tAnswer struct {
		ValueBoolean *bool    `json:"valueBoolean"`
		ValueInteger *int     `json:"valueInteger"`
		ValueDate    *string  `json:"valueDate"`
		ValueString  *string  `json:"valueString"`
		ValueCoding  *tCoding `json:"valueCoding"`
	}
	tItem struct {
		LinkID string    `json:"linkId"`
		Answer []tAnswer `json:"answer"`
		Item   []tItem   `json:"item"`
	}
	tResource struct {
		ResourceType  string `json:"resourceType"`
		ID            string `json:"id"`
		Questionnaire string `json:"questionnaire"`
		Status        string `json:"status"`
		Authored      string `json:"authored"`
		Subject       struct{ Reference string }
		Basis         []struct{ Reference string }
		Item          []tItem `json:"item"`
		Gender        string  `json:"gender"`
		BirthDate     string  `json:"birthDate"`
		Name          []struct {
			Family string
			Given  []string
		}
		Telecom    []struct{ System, Value string }
		Identifier json.RawMessage
		Extension  []struct {
			URL       string `json:"url"`
			ValueCode string `json:"valueCode"`
		}
		Prediction []struct {
			Outcome         struct{ Coding []tCoding }
			QualitativeRisk struct{ Coding []tCoding } `json:"qualitativeRisk"`
			Rationale       string
		}
	}
	tBundle struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Timestamp    string `json:"timestamp"`
		Entry        []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	tQItem struct {
		LinkID         string `json:"linkId"`
		Type           string `json:"type"`
		Required       bool   `json:"required"`
		Repeats        bool   `json:"repeats"`
		MaxLength      int    `json:"maxLength"`
		EnableBehavior string `json:"enableBehavior"`
		EnableWhen     []struct {
			Question      string   `json:"question"`
			Operator      string   `json:"operator"`
			AnswerBoolean *bool    `json:"answerBoolean"`
			AnswerCoding  *tCoding `json:"answerCoding"`
		} `json:"enableWhen"`
		AnswerOption []struct {
			ValueCoding tCoding `json:"valueCoding"`
		} `json:"answerOption"`
		Extension []struct {
			URL             string `json:"url"`
			ValueInteger    *int   `json:"valueInteger"`
			ValueExpression *struct{ Language, Expression string }
		} `json:"extension"`
		Item []tQItem `json:"item"`
	}
	tQuestionnaire struct {
		ResourceType string   `json:"resourceType"`
		URL          string   `json:"url"`
		Version      string   `json:"version"`
		Status       string   `json:"status"`
		Item         []tQItem `json:"item"`
	}
)

func exportFHIR(t *testing.T, recs []Record, opt FHIROptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	f, err := NewFHIR(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := f.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// questionnaireIndex parses our generated Questionnaire and indexes its
// question items by linkId, with the linkId of the group each sits in.
func questionnaireIndex(t *testing.T) (map[string]tQItem, map[string]string) {
	t.Helper()
	data, err := Questionnaire(intake.V1, testBase, 18)
	if err != nil {
		t.Fatal(err)
	}
	var q tQuestionnaire
	if err := json.Unmarshal(data, &q); err != nil {
		t.Fatal(err)
	}
	items, parent := map[string]tQItem{}, map[string]string{}
	for _, g := range q.Item {
		items[g.LinkID] = g
		for _, it := range g.Item {
			if _, dup := items[it.LinkID]; dup {
				t.Fatalf("linkId %s twice in the Questionnaire", it.LinkID)
			}
			items[it.LinkID], parent[it.LinkID] = it, g.LinkID
		}
	}
	return items, parent
}

func TestFHIRBundleValidatesAgainstR4Schema(t *testing.T) {
	recs := testRecords(t)
	out := exportFHIR(t, recs, FHIROptions{Base: testBase, Timestamp: time.Date(2026, 11, 3, 1, 2, 3, 0, time.UTC)})
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	validateFHIR(t, "Bundle", doc)
	entries := doc.(map[string]any)["entry"].([]any)
	if len(entries) != 3*len(recs) {
		t.Fatalf("%d entries for %d intakes, want Patient, QuestionnaireResponse and RiskAssessment each", len(entries), len(recs))
	}
	for _, e := range entries {
		res := e.(map[string]any)["resource"].(map[string]any)
		validateFHIR(t, res["resourceType"].(string), res)
	}
}

func TestFHIRBundleContent(t *testing.T) {
	recs := testRecords(t)
	out := exportFHIR(t, recs, FHIROptions{Base: testBase + "/", Timestamp: time.Date(2026, 11, 3, 1, 2, 3, 0, time.UTC)})
	var b tBundle
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if b.ResourceType != "Bundle" || b.Type != "collection" || b.Timestamp != "2026-11-03T01:02:03Z" {
		t.Fatalf("bundle header %s %s %s", b.ResourceType, b.Type, b.Timestamp)
	}
	qItems, qParent := questionnaireIndex(t)

	fullURLs := map[string]bool{}
	res := make([]tResource, len(b.Entry))
	for i, e := range b.Entry {
		if err := json.Unmarshal(e.Resource, &res[i]); err != nil {
			t.Fatal(err)
		}
		want := testBase + "/" + res[i].ResourceType + "/" + res[i].ID
		if e.FullURL != want {
			t.Errorf("fullUrl %s, want %s", e.FullURL, want)
		}
		if fullURLs[e.FullURL] {
			t.Errorf("fullUrl %s twice", e.FullURL)
		}
		fullURLs[e.FullURL] = true
	}
	resolves := func(ref string) bool { return fullURLs[testBase+"/"+ref] }

	for n, r := range recs {
		in := r.Intake
		pat, qr, ra := res[3*n], res[3*n+1], res[3*n+2]
		t.Run(in.ID, func(t *testing.T) {
			if pat.ResourceType != "Patient" || qr.ResourceType != "QuestionnaireResponse" || ra.ResourceType != "RiskAssessment" {
				t.Fatalf("entries %s %s %s", pat.ResourceType, qr.ResourceType, ra.ResourceType)
			}
			if !bytes.Contains(pat.Identifier, []byte(`"value":"`+in.ID+`"`)) {
				t.Errorf("Patient identifier %s does not carry the intake id", pat.Identifier)
			}
			wantGender := map[string]string{"female": "female", "male": "male", "intersex": "other", "not_said": "unknown"}[in.Answers.String("patient.sex")]
			if pat.Gender != wantGender || pat.BirthDate != in.Answers.String("patient.birth_date") {
				t.Errorf("Patient gender %q birthDate %q", pat.Gender, pat.BirthDate)
			}
			if len(pat.Name) != 1 || pat.Name[0].Family != in.Answers.String("patient.family_name") ||
				!slices.Equal(pat.Name[0].Given, []string{in.Answers.String("patient.given_name")}) {
				t.Errorf("Patient name %+v", pat.Name)
			}
			var telecom []string
			for _, c := range pat.Telecom {
				telecom = append(telecom, c.System+":"+c.Value)
			}
			var wantTelecom []string
			if s := in.Answers.String("patient.phone"); s != "" {
				wantTelecom = append(wantTelecom, "phone:"+s)
			}
			if s := in.Answers.String("patient.email"); s != "" {
				wantTelecom = append(wantTelecom, "email:"+s)
			}
			if !slices.Equal(telecom, wantTelecom) {
				t.Errorf("telecom %v, want %v", telecom, wantTelecom)
			}

			if qr.Questionnaire != testBase+"/Questionnaire/back-pain-intake|1" || qr.Status != "completed" {
				t.Errorf("QuestionnaireResponse questionnaire %q status %q", qr.Questionnaire, qr.Status)
			}
			if authored, err := time.Parse(time.RFC3339, qr.Authored); err != nil || !authored.Equal(in.CreatedAt) {
				t.Errorf("authored %q, want %v", qr.Authored, in.CreatedAt)
			}
			if qr.Subject.Reference != "Patient/"+pat.ID || !resolves(qr.Subject.Reference) {
				t.Errorf("QuestionnaireResponse subject %q", qr.Subject.Reference)
			}
			got := intake.Answers{}
			for _, g := range qr.Item {
				if _, ok := qItems[g.LinkID]; !ok || len(g.Answer) > 0 {
					t.Errorf("top-level item %q is not a Questionnaire group", g.LinkID)
				}
				for _, it := range g.Item {
					readAnswer(t, it, g.LinkID, qItems, qParent, got)
				}
			}
			if !reflect.DeepEqual(got, in.Answers) {
				t.Errorf("QuestionnaireResponse answers differ:\n got %v\nwant %v", got, in.Answers)
			}

			if ra.Subject.Reference != "Patient/"+pat.ID || len(ra.Basis) != 1 ||
				ra.Basis[0].Reference != "QuestionnaireResponse/"+qr.ID || !resolves(ra.Basis[0].Reference) {
				t.Errorf("RiskAssessment subject %q basis %v", ra.Subject.Reference, ra.Basis)
			}
			if len(ra.Prediction) != len(r.Screening.Flags) {
				t.Fatalf("%d predictions for %d flags", len(ra.Prediction), len(r.Screening.Flags))
			}
			for i, f := range r.Screening.Flags {
				p := ra.Prediction[i]
				if p.Outcome.Coding[0].Code != f.ID || p.QualitativeRisk.Coding[0].Code != string(f.Severity) || p.Rationale != f.Message {
					t.Errorf("prediction %d = %+v, want flag %s (%s)", i, p, f.ID, f.Severity)
				}
			}
			ext := map[string]string{}
			for _, e := range ra.Extension {
				ext[strings.TrimPrefix(e.URL, testBase+"/StructureDefinition/")] = e.ValueCode
			}
			if ext["screening-highest-severity"] != string(r.Screening.HighestSeverity) ||
				ext["screening-needling-status"] != string(r.Screening.NeedlingStatus) {
				t.Errorf("RiskAssessment extensions %v", ext)
			}
		})
	}
}

// readAnswer checks one QuestionnaireResponse item against the Questionnaire
// (linkId exists, same group, answer type fits the item type, codings are
// answerOptions) and adds its answer to got in the stored Go types.
func readAnswer(t *testing.T, it tItem, group string, qItems map[string]tQItem, qParent map[string]string, got intake.Answers) {
	t.Helper()
	q, ok := qItems[it.LinkID]
	if !ok {
		t.Errorf("linkId %s is not in the Questionnaire", it.LinkID)
		return
	}
	if qParent[it.LinkID] != group {
		t.Errorf("%s sits in group %s, the Questionnaire has it in %s", it.LinkID, group, qParent[it.LinkID])
	}
	if len(it.Answer) == 0 || (len(it.Answer) > 1 && !q.Repeats) {
		t.Errorf("%s has %d answers (repeats %v)", it.LinkID, len(it.Answer), q.Repeats)
	}
	for _, a := range it.Answer {
		switch {
		case q.Type == "boolean" && a.ValueBoolean != nil:
			got[it.LinkID] = *a.ValueBoolean
		case q.Type == "integer" && a.ValueInteger != nil:
			got[it.LinkID] = *a.ValueInteger
		case q.Type == "date" && a.ValueDate != nil:
			got[it.LinkID] = *a.ValueDate
		case (q.Type == "string" || q.Type == "text") && a.ValueString != nil:
			got[it.LinkID] = *a.ValueString
		case q.Type == "choice" && a.ValueCoding != nil:
			if !slices.ContainsFunc(q.AnswerOption, func(o struct {
				ValueCoding tCoding `json:"valueCoding"`
			}) bool {
				return o.ValueCoding == *a.ValueCoding
			}) {
				t.Errorf("%s: coding %+v is not an answerOption", it.LinkID, *a.ValueCoding)
			}
			if q.Repeats {
				codes, _ := got[it.LinkID].([]string)
				got[it.LinkID] = append(codes, a.ValueCoding.Code)
			} else {
				got[it.LinkID] = a.ValueCoding.Code
			}
		default:
			t.Errorf("%s: answer %+v does not fit item type %s", it.LinkID, a, q.Type)
		}
	}
}

func TestQuestionnaireValidatesAndMatchesDefinition(t *testing.T) {
	data, err := Questionnaire(intake.V1, testBase, 16)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	validateFHIR(t, "Questionnaire", doc)

	var q tQuestionnaire
	if err := json.Unmarshal(data, &q); err != nil {
		t.Fatal(err)
	}
	if q.URL != testBase+"/Questionnaire/back-pain-intake" || q.Version != "1" || q.Status != "active" {
		t.Fatalf("url %q version %q status %q", q.URL, q.Version, q.Status)
	}
	wantType := map[intake.Type]string{intake.TypeString: "string", intake.TypeText: "text", intake.TypeDate: "date",
		intake.TypeInt: "integer", intake.TypeBool: "boolean", intake.TypeChoice: "choice", intake.TypeMulti: "choice"}
	if len(q.Item) != len(intake.V1.Sections) {
		t.Fatalf("%d groups, want %d sections", len(q.Item), len(intake.V1.Sections))
	}
	qItems, _ := questionnaireIndex(t)
	for si, s := range intake.V1.Sections {
		g := q.Item[si]
		if g.LinkID != s.ID || g.Type != "group" || len(g.Item) != len(s.Items) {
			t.Fatalf("group %d = %s (%s, %d items), want section %s with %d", si, g.LinkID, g.Type, len(g.Item), s.ID, len(s.Items))
		}
		for i, it := range s.Items {
			qi := g.Item[i]
			t.Run(it.LinkID, func(t *testing.T) {
				if qi.LinkID != it.LinkID || qi.Type != wantType[it.Type] || qi.Required != it.Required ||
					qi.Repeats != (it.Type == intake.TypeMulti) {
					t.Errorf("item %+v does not match %+v", qi, *it)
				}
				if (it.Type == intake.TypeString || it.Type == intake.TypeText) && qi.MaxLength != it.MaxLen {
					t.Errorf("maxLength %d, want %d", qi.MaxLength, it.MaxLen)
				}
				var codes []string
				for _, o := range qi.AnswerOption {
					codes = append(codes, o.ValueCoding.Code)
					if o.ValueCoding.System == "" || o.ValueCoding.Display == "" {
						t.Errorf("answerOption %+v lacks system or display", o.ValueCoding)
					}
				}
				if !slices.Equal(codes, it.Options) {
					t.Errorf("answerOptions %v, want %v", codes, it.Options)
				}
				if len(qi.EnableWhen) != len(it.EnableWhen) || (qi.EnableBehavior == "any") != (len(it.EnableWhen) > 1) {
					t.Errorf("%d enableWhen (behavior %q), want %d", len(qi.EnableWhen), qi.EnableBehavior, len(it.EnableWhen))
				}
				for _, ew := range qi.EnableWhen {
					trigger, ok := qItems[ew.Question]
					if !ok {
						t.Errorf("enableWhen names unknown item %s", ew.Question)
					}
					if ew.AnswerCoding != nil && !slices.ContainsFunc(trigger.AnswerOption, func(o struct {
						ValueCoding tCoding `json:"valueCoding"`
					}) bool {
						return o.ValueCoding.System == ew.AnswerCoding.System && o.ValueCoding.Code == ew.AnswerCoding.Code
					}) {
						t.Errorf("enableWhen answer %+v is not an option of %s", *ew.AnswerCoding, ew.Question)
					}
				}
				ext := map[string]int{}
				expr := ""
				for _, e := range qi.Extension {
					if e.ValueInteger != nil {
						ext[e.URL] = *e.ValueInteger
					}
					if e.ValueExpression != nil {
						expr = e.ValueExpression.Language + " " + e.ValueExpression.Expression
					}
				}
				if it.Type == intake.TypeInt && (ext[extMinValue] != it.Min || ext[extMaxValue] != it.Max || len(ext) != 2) {
					t.Errorf("range extensions %v, want %d-%d", ext, it.Min, it.Max)
				}
				if it.GuardianRule != (expr != "") {
					t.Errorf("guardian rule %v but expression %q", it.GuardianRule, expr)
				}
				if it.GuardianRule && (!strings.HasPrefix(expr, "text/fhirpath ") || !strings.Contains(expr, "- 16 years")) {
					t.Errorf("guardian expression %q does not use the guardian age 16", expr)
				}
			})
		}
	}
}

func TestFHIREmptyBundleValidates(t *testing.T) {
	out := exportFHIR(t, nil, FHIROptions{})
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("empty export is not JSON: %v", err)
	}
	if _, has := doc.(map[string]any)["entry"]; has {
		t.Error("empty Bundle has an entry array (FHIR forbids empty arrays)")
	}
	validateFHIR(t, "Bundle", doc)
}

func TestFHIRResourceIDs(t *testing.T) {
	for _, id := range []string{"hostile_C10", strings.Repeat("a", 60), "", "ok-Id.1"} {
		got := resourceID("screening", id)
		if got != resourceID("screening", id) {
			t.Errorf("id for %q is not deterministic", id)
		}
		if len(got) > 64 || !isFHIRIDChars(got) {
			t.Errorf("id %q for %q breaks FHIR's id rule", got, id)
		}
	}
	if got := resourceID("patient", "ok-Id.1"); got != "patient-ok-Id.1" {
		t.Errorf("valid intake id changed: %q", got)
	}
	if resourceID("patient", "a_b") == resourceID("patient", "a-b") {
		t.Error("distinct intake ids share a resource id")
	}
}

func TestFHIRRejectsBadInput(t *testing.T) {
	for _, base := range []string{"ftp://x.test", "relative/path", "https://x.test/fhir?q=1", "https://"} {
		if _, err := NewFHIR(&bytes.Buffer{}, FHIROptions{Base: base}); err == nil {
			t.Errorf("NewFHIR accepted base %q", base)
		}
		if _, err := Questionnaire(intake.V1, base, 18); err == nil {
			t.Errorf("Questionnaire accepted base %q", base)
		}
	}
	if _, err := Questionnaire(nil, testBase, 18); err == nil {
		t.Error("Questionnaire accepted nil")
	}

	r := testRecords(t)[0]
	bad := r
	bad.Intake.Answers = intake.Answers{"pain.back_now": "Zyx-secret"}
	bad.Intake.QuestionnaireVersion = intake.Canonical
	var buf bytes.Buffer
	f, err := NewFHIR(&buf, FHIROptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(bad); err == nil || strings.Contains(err.Error(), "Zyx") || !strings.Contains(err.Error(), "pain.back_now") {
		t.Errorf("wrong-typed answer: %v", err)
	}
	other := r
	other.Intake.QuestionnaireVersion = "back-pain-intake|9"
	if err := f.Write(other); err == nil {
		t.Error("unknown questionnaire version accepted")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(buf.Bytes()) || bytes.Contains(buf.Bytes(), []byte("entry")) {
		t.Errorf("rejected records left output behind: %s", buf.Bytes())
	}
	if err := f.Write(r); err == nil {
		t.Error("Write after Close accepted")
	}
}

func TestFHIRReportsWriterErrors(t *testing.T) {
	f, err := NewFHIR(failWriter{}, FHIROptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Write(testRecords(t)[0]); err != nil {
		t.Fatal(err) // still buffered
	}
	if err := f.Close(); !errors.Is(err, errGone) {
		t.Fatalf("Close on a failing writer: %v", err)
	}
}
