package db

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// openTest opens a fresh database in a new folder under t.TempDir().
func openTest(t testing.TB) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "data", "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// newWriter starts a Writer closed at cleanup.
func newWriter(t testing.TB, d *DB, cfg WriterConfig) *Writer {
	t.Helper()
	w := NewWriter(d, cfg)
	t.Cleanup(func() { w.Close() })
	return w
}

// baseAnswers returns the validated answers of the first synthetic case.
func baseAnswers(t testing.TB) (intake.Answers, intake.Date) {
	t.Helper()
	cs, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == "C10-benign" {
			return c.Valid(), c.Date()
		}
	}
	return cs[0].Valid(), cs[0].Date()
}

var idSeq atomic.Int64

// nextID returns a fresh intake id.
func nextID() string { return fmt.Sprintf("in-%06d", idSeq.Add(1)) }

// t0 is the test clock's start: a fixed instant, no wall clock.
var t0 = time.Date(2026, 11, 2, 17, 30, 0, 123456789, time.UTC)

// newIntake returns an intake with the base answers, a fresh id and the given
// names and creation time.
func newIntake(t testing.TB, given, family string, at time.Time) intake.Intake {
	t.Helper()
	a, date := baseAnswers(t)
	a = maps.Clone(a)
	a["patient.given_name"] = given
	a["patient.family_name"] = family
	return intake.Intake{
		ID:                   nextID(),
		CreatedAt:            at,
		SubmissionDate:       date,
		QuestionnaireVersion: intake.Canonical,
		Lang:                 "en",
		Answers:              a,
	}
}

// result hand-builds a screening result with flags of the given ids and severities.
func result(flags ...screening.Flag) screening.Result {
	r := screening.Result{
		RulesVersion:    screening.RulesVersion,
		HighestSeverity: screening.SeverityNone,
		NeedlingStatus:  screening.NeedlingNoContraindication,
		Flags:           []screening.Flag{},
		GuardianAge:     18,
	}
	for _, f := range flags {
		if f.Category == "" {
			f.Category = screening.CategoryRedFlag
		}
		if f.Source == nil {
			f.Source = []string{"TEST"}
		}
		r.Flags = append(r.Flags, f)
	}
	if len(r.Flags) > 0 {
		r.HighestSeverity = r.Flags[0].Severity
	}
	return r
}

func flag(id string, sev screening.Severity) screening.Flag {
	return screening.Flag{ID: id, Severity: sev, Message: "test flag " + id}
}

// submit stores an intake through w and fails the test on error.
func submit(t testing.TB, w *Writer, in intake.Intake, res screening.Result) Saved {
	t.Helper()
	s, err := w.SaveIntake(context.Background(), Submission{Intake: in, Screening: res, Receipt: "r-" + in.ID})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
