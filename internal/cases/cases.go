// Package cases loads the synthetic patient cases in testdata/cases for tests in
// every package: screening cases (*.json) and validation cases (validation/*.json).
package cases

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/backintake/backintake/intake"
)

// Case is one synthetic patient with the result the specs require.
type Case struct {
	ID          string                     `json:"id"`
	Title       string                     `json:"title"`
	SubmittedOn string                     `json:"submitted_on"` // YYYY-MM-DD, the clinic's date
	Answers     map[string]json.RawMessage `json:"answers"`      // linkId → value as the JSON API takes it
	Expect      Expect                     `json:"expect"`
	File        string                     `json:"-"`
}

// Expect is a case's expected outcome; screening and validation cases use different fields.
type Expect struct {
	// Screening cases.
	Flags           []string          `json:"flags"`
	Absent          []string          `json:"absent"`
	HighestSeverity string            `json:"highest_severity"`
	NeedlingStatus  string            `json:"needling_status"`
	Scores          map[string]any    `json:"scores"`
	FlagSeverity    map[string]string `json:"flag_severity"`
	FlagKind        map[string]string `json:"flag_kind"`
	FlagOrder       []string          `json:"flag_order"`
	// Validation cases.
	Status       int      `json:"status"`
	ErrorLinkIDs []string `json:"error_link_ids"`
}

// Dir returns the absolute path of the module's testdata/cases folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "cases")
}

// Screening returns the screening cases (testdata/cases/*.json), sorted by file
// name, with overrides.json applied.
func Screening() ([]Case, error) { return load(filepath.Join(Dir(), "*.json")) }

// Validation returns the validation cases (testdata/cases/validation/*.json).
func Validation() ([]Case, error) { return load(filepath.Join(Dir(), "validation", "*.json")) }

func load(pattern string) ([]Case, error) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	overrides, err := Overrides()
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, f := range files {
		if filepath.Base(f) == "overrides.json" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c Case
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		c.File = f
		if o, ok := overrides[c.ID]; ok {
			if err := json.Unmarshal(o.Expect, &c.Expect); err != nil {
				return nil, fmt.Errorf("overrides.json %s: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no cases match %s", pattern)
	}
	return out, nil
}

// Override corrects one case whose expectation disagrees with a higher authority.
type Override struct {
	Reason string          `json:"reason"`
	Expect json.RawMessage `json:"expect"` // fields replacing the case's expect fields
}

// Overrides reads testdata/cases/overrides.json (case id → Override); a missing file means none.
func Overrides() (map[string]Override, error) {
	data, err := os.ReadFile(filepath.Join(Dir(), "overrides.json"))
	if os.IsNotExist(err) {
		return map[string]Override{}, nil
	}
	if err != nil {
		return nil, err
	}
	m := map[string]Override{}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("overrides.json: %w", err)
	}
	return m, nil
}

// Date returns SubmittedOn as an intake.Date.
func (c Case) Date() intake.Date {
	d, err := intake.ParseDate(c.SubmittedOn)
	if err != nil {
		panic(c.ID + ": bad submitted_on")
	}
	return d
}

// Raw decodes the answers into the JSON value domain validation takes.
func (c Case) Raw() intake.Raw {
	raw := intake.Raw{}
	for k, v := range c.Answers {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var x any
		if err := dec.Decode(&x); err != nil {
			panic(c.ID + ": " + err.Error())
		}
		raw[k] = x
	}
	return raw
}

// Body returns the case as a JSON API request body {"lang":"en","answers":{...}}.
func (c Case) Body() []byte {
	b, _ := json.Marshal(map[string]any{"lang": "en", "answers": c.Answers})
	return b
}

// Valid validates the case's answers as of its submission date with the default
// guardian age (18) and fails loudly if they are invalid.
func (c Case) Valid() intake.Answers {
	a, errs := intake.V1.Validate(c.Raw(), intake.Context{SubmissionDate: c.Date(), GuardianAge: 18})
	if errs != nil {
		panic(c.ID + ": " + errs.Error())
	}
	return a
}
