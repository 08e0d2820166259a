package intake_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
)

// referenceDecode is the plain encoding/json reading of stored answers that
// DecodeAnswers' scanner must agree with.
func referenceDecode(t testing.TB, data []byte) intake.Answers {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	a := intake.Answers{}
	for k, v := range raw {
		switch x := v.(type) {
		case float64:
			a[k] = int(x)
		case []any:
			codes := []string{}
			for _, e := range x {
				codes = append(codes, e.(string))
			}
			a[k] = codes
		default:
			a[k] = x
		}
	}
	return a
}

func TestDecodeAnswersMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	on := intake.Date{Year: 2026, Month: 11, Day: 2}
	for i := 0; i < 2000; i++ {
		a, errs := intake.V1.Validate(gen.Answers(r, intake.V1, on), intake.Context{SubmissionDate: on, GuardianAge: 18})
		if errs != nil {
			t.Fatal(errs)
		}
		if i%3 == 0 { // strings that json.Marshal escapes
			a["notes.text"] = "a \"quote\", a \\ backslash, <tag> & amp\nnew line\ttab \u2028 é 😀"
		}
		data, _ := json.Marshal(a)
		got, err := intake.V1.DecodeAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) || !reflect.DeepEqual(got, referenceDecode(t, data)) {
			t.Fatalf("decode differs for %s", data)
		}
	}
}

func TestDecodeAnswersOtherShapes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		want intake.Answers
	}{
		{`{}`, true, intake.Answers{}},
		{` { "pain.back_now" : 4 , "pain.regions" : [ "lumbar_l" ] } `, true, intake.Answers{"pain.back_now": 4, "pain.regions": []string{"lumbar_l"}}},
		{`{"pain.back_now": 4.0}`, true, intake.Answers{"pain.back_now": 4}},
		{`{"pain.back_now": 4.5}`, false, nil},
		{`{"pain.back_now": "4"}`, false, nil},
		{`{"pain.unrelieved": true, "pain.regions": []}`, true, intake.Answers{"pain.unrelieved": true, "pain.regions": []string{}}},
		{`{"patient.given_name": "Ana\u00e9"}`, true, intake.Answers{"patient.given_name": "Anaé"}},
		{`{"pain.colour": "blue"}`, false, nil},
		{`{"pain.back_now": 4}{`, false, nil},
		{`{"pain.back_now": nul}`, false, nil},
		{`[1]`, false, nil},
	} {
		got, err := intake.V1.DecodeAnswers([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.in, got, tt.want)
		}
	}
}
