package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/screening"
)

// readExportCSV parses an export, checking and removing the BOM, and returns
// the rows keyed by column name.
func readExportCSV(t *testing.T, out []byte, bom bool) []map[string]string {
	t.Helper()
	if got := bytes.HasPrefix(out, []byte("\uFEFF")); got != bom {
		t.Fatalf("BOM present %v, want %v", got, bom)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, col := range recs[0] {
			m[col] = r[i]
		}
		rows = append(rows, m)
	}
	return rows
}

func TestExportCSVEveryIntakeWithItsNewestResult(t *testing.T) {
	s := seedCaseDB(t, "")
	// A later result for the first intake, and a voided last intake.
	first, last := s.intakes[0], s.intakes[len(s.intakes)-1]
	newer := screening.Result{RulesVersion: "screening|99", HighestSeverity: screening.SeverityInfo,
		NeedlingStatus: screening.NeedlingNoContraindication,
		Flags:          []screening.Flag{{ID: "TEST-NEWER", Severity: screening.SeverityInfo, Category: screening.CategoryPattern, Message: "m", Source: []string{"T"}}}}
	s.update(t, func(tx *sql.Tx) error {
		if err := db.AddScreening(tx, first.ID, newer, first.CreatedAt.Add(time.Hour)); err != nil {
			return err
		}
		return db.Void(tx, last.ID, "test", "duplicate", last.CreatedAt.Add(time.Hour))
	})

	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "export", "csv")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	rows := readExportCSV(t, r.out, true)
	if len(rows) != len(s.intakes)-1 {
		t.Fatalf("%d rows, want %d (voided intake left out)", len(rows), len(s.intakes)-1)
	}
	for i, row := range rows {
		in, res := s.intakes[i], s.results[i]
		if i == 0 {
			res = newer
		}
		if row["id"] != in.ID || row["submission_date"] != in.SubmissionDate.String() {
			t.Errorf("row %d: id %q date %q, want %s %s", i, row["id"], row["submission_date"], in.ID, in.SubmissionDate)
		}
		if row["patient.family_name"] != in.Answers.String("patient.family_name") {
			t.Errorf("row %d: family name %q", i, row["patient.family_name"])
		}
		if row["rules_version"] != res.RulesVersion || row["highest_severity"] != string(res.HighestSeverity) ||
			row["flags"] != flagIDList(res) {
			t.Errorf("row %d: screening columns %q %q %q, want the newest result %s %s %s", i,
				row["rules_version"], row["highest_severity"], row["flags"], res.RulesVersion, res.HighestSeverity, flagIDList(res))
		}
	}

	started, finished := s.audit(t, db.ActionExportStarted), s.audit(t, db.ActionExportFinished)
	if len(started) != 1 || len(finished) != 1 {
		t.Fatalf("audit: %d started, %d finished rows, want 1 and 1", len(started), len(finished))
	}
	if started[0].Range != "csv .." || !strings.HasPrefix(started[0].Actor, "cli:") || started[0].ID > finished[0].ID {
		t.Errorf("started row %+v", started[0])
	}
	if finished[0].RowCount != int64(len(rows)) || finished[0].Outcome != db.OutcomeOK || finished[0].Range != "csv .." {
		t.Errorf("finished row %+v, want %d rows, ok", finished[0], len(rows))
	}
}

func flagIDList(res screening.Result) string {
	var ids []string
	for _, f := range res.Flags {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, ";")
}

func TestExportDateRangeIsInclusive(t *testing.T) {
	s := seedCaseDB(t, "")
	from, to := s.intakes[2].SubmissionDate, s.intakes[5].SubmissionDate
	var want []string
	for _, in := range s.intakes {
		if !in.SubmissionDate.Before(from) && !to.Before(in.SubmissionDate) {
			want = append(want, in.ID)
		}
	}
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "export", "csv", "--no-bom", "--from", from.String(), "--to", to.String())
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []string
	for _, row := range readExportCSV(t, r.out, false) {
		got = append(got, row["id"])
	}
	if !slices.Equal(got, want) || len(want) != 4 {
		t.Fatalf("ids %v, want %v", got, want)
	}
	// One open side.
	r = runInProcess(t, []string{"INTAKE_DB=" + s.path}, "export", "csv", "--from", to.String())
	if n := len(readExportCSV(t, r.out, true)); r.code != 0 || n != len(s.intakes)-5 {
		t.Fatalf("--from only: exit %d, %d rows, want %d", r.code, n, len(s.intakes)-5)
	}
	rows := s.audit(t, db.ActionExportStarted)
	if rows[0].Range != "csv "+from.String()+".."+to.String() || rows[1].Range != "csv "+to.String()+".." {
		t.Fatalf("audit ranges %q, %q", rows[0].Range, rows[1].Range)
	}
}

func TestExportBadArgumentsExit2WithoutReading(t *testing.T) {
	s := seedCaseDB(t, "")
	for _, args := range [][]string{
		{"export", "csv", "--from", "2026-13-01"},
		{"export", "csv", "--to", "11/02/2026"},
		{"export", "fhir", "--from", "2026-11-05", "--to", "2026-11-04"},
		{"export", "xml"},
		{"export"},
		{"export", "csv", "extra"},
	} {
		r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, args...)
		if r.code != 2 || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", args, r.code, r.stdout)
		}
		if !strings.Contains(r.stderr, "usage:") {
			t.Errorf("%v: stderr %q has no usage line", args, r.stderr)
		}
	}
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "export", "csv", "--from", "2026-02-30")
	if !strings.Contains(r.stderr, `--from: date "2026-02-30" is not a calendar date`) {
		t.Errorf("message %q does not say what is wrong", r.stderr)
	}
	if n := len(s.audit(t, db.ActionExportStarted)); n != 0 {
		t.Errorf("%d export_started rows after refused commands", n)
	}
}

func TestExportFHIRBundle(t *testing.T) {
	s := seedCaseDB(t, "")
	base := "https://clinic.test/fhir"
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path, "INTAKE_FHIR_BASE=" + base}, "export", "fhir")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var bundle struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			Resource struct {
				ResourceType  string `json:"resourceType"`
				Questionnaire string `json:"questionnaire"`
			} `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(r.out, &bundle); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	count := map[string]int{}
	for _, e := range bundle.Entry {
		count[e.Resource.ResourceType]++
		if e.Resource.ResourceType == "QuestionnaireResponse" && e.Resource.Questionnaire != base+"/Questionnaire/back-pain-intake|1" {
			t.Errorf("questionnaire %q does not use INTAKE_FHIR_BASE", e.Resource.Questionnaire)
		}
	}
	n := len(s.intakes)
	if bundle.ResourceType != "Bundle" || bundle.Type != "collection" || count["Patient"] != n ||
		count["QuestionnaireResponse"] != n || count["RiskAssessment"] != n {
		t.Fatalf("bundle %s/%s with %v, want %d of each", bundle.ResourceType, bundle.Type, count, n)
	}
	fin := s.audit(t, db.ActionExportFinished)
	if len(fin) != 1 || fin[0].RowCount != int64(n) || fin[0].Range != "fhir .." {
		t.Fatalf("finished rows %+v", fin)
	}

	// A bad base is refused before anything is read or audited.
	r = runInProcess(t, []string{"INTAKE_DB=" + s.path, "INTAKE_FHIR_BASE=ftp://x"}, "export", "fhir")
	if r.code != 1 || r.stdout != "" || len(s.audit(t, db.ActionExportStarted)) != 1 {
		t.Fatalf("bad base: exit %d, %d bytes out", r.code, len(r.stdout))
	}
}

// goneWriter is a stdout whose reader has gone: every write fails with EPIPE.
type goneWriter struct{ n int }

func (g *goneWriter) Write(p []byte) (int, error) {
	g.n++
	return 0, syscall.EPIPE
}

func TestExportRecordsAGoneReader(t *testing.T) {
	s := seedCaseDB(t, "")
	w := &goneWriter{}
	env := &cliEnv{getenv: func(k string) string { return map[string]string{"INTAKE_DB": s.path}[k] },
		stdout: w, stderr: &bytes.Buffer{}}
	if code := run(context.Background(), env, []string{"export", "csv"}); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	fin := s.audit(t, db.ActionExportFinished)
	if w.n == 0 || len(fin) != 1 || fin[0].Outcome != db.OutcomeClientGone {
		t.Fatalf("writes %d, finished rows %+v; want outcome %s", w.n, fin, db.OutcomeClientGone)
	}
}
