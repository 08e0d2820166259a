package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/screening"
)

func TestRescreenAddsResultsForNewRules(t *testing.T) {
	const old = "screening|0"
	s := seedCaseDB(t, old)
	n := len(s.intakes)
	// Under the "old rules" two intakes later lost their flags, and one was voided.
	var altered []string
	s.update(t, func(tx *sql.Tx) error {
		for _, i := range []int{0, 1} {
			if len(s.results[i].Flags) == 0 {
				return fmt.Errorf("case %s has no flags to lose", s.intakes[i].ID)
			}
			bare := screening.Result{RulesVersion: old, HighestSeverity: screening.SeverityNone,
				NeedlingStatus: s.results[i].NeedlingStatus, Flags: []screening.Flag{}}
			if err := db.AddScreening(tx, s.intakes[i].ID, bare, s.intakes[i].CreatedAt.Add(time.Minute)); err != nil {
				return err
			}
			altered = append(altered, s.intakes[i].ID)
		}
		return db.Void(tx, s.intakes[n-1].ID, "test", "duplicate", time.Now())
	})

	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "rescreen", "--all")
	want := fmt.Sprintf("rescreened %d of %d intakes with %s; %d changed their flags\n", n, n, screening.RulesVersion, len(altered))
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", r.code, r.stdout, want, r.stderr)
	}
	d := s.open(t)
	for i, in := range s.intakes {
		ss, err := d.Screenings(context.Background(), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		first, newest := ss[0].Result, ss[len(ss)-1].Result
		if first.RulesVersion != old || flagKey(first) != flagKey(s.results[i]) {
			t.Errorf("%s: the submission-time row changed", in.ID)
		}
		cur := screening.Run(in.Answers, in.SubmissionDate, screening.Settings{GuardianAge: 18})
		if newest.RulesVersion != screening.RulesVersion || flagKey(newest) != flagKey(cur) ||
			newest.HighestSeverity != cur.HighestSeverity || newest.NeedlingStatus != cur.NeedlingStatus {
			t.Errorf("%s: newest result %s %q, want the current rules' %q", in.ID, newest.RulesVersion, flagKey(newest), flagKey(cur))
		}
	}

	// Nothing is due a second time; --force adds one row.
	r = runInProcess(t, []string{"INTAKE_DB=" + s.path}, "rescreen", "--all")
	if want := fmt.Sprintf("rescreened 0 of %d intakes", n); r.code != 0 || !strings.HasPrefix(r.stdout, want) {
		t.Fatalf("second run: exit %d, %q", r.code, r.stdout)
	}
	id := s.intakes[3].ID
	before, _ := d.Screenings(context.Background(), id)
	r = runInProcess(t, []string{"INTAKE_DB=" + s.path}, "rescreen", "--force", id)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "rescreened 1 of 1 intakes") || !strings.HasSuffix(r.stdout, "; 0 changed their flags\n") {
		t.Fatalf("--force: exit %d, %q", r.code, r.stdout)
	}
	after, _ := d.Screenings(context.Background(), id)
	if len(after) != len(before)+1 {
		t.Fatalf("--force: %d rows, want %d", len(after), len(before)+1)
	}

	rows := s.audit(t, db.ActionRescreen)
	if len(rows) != 3 || rows[0].Range != "all" || rows[0].RowCount != int64(n) || rows[0].Outcome != db.OutcomeOK ||
		rows[2].IntakeID != id || rows[2].RowCount != 1 || !strings.HasPrefix(rows[2].Actor, "cli:") {
		t.Fatalf("rescreen audit rows %+v", rows)
	}
}

func TestRescreenUsesTheGuardianAgeSetting(t *testing.T) {
	s := seedCaseDB(t, "screening|0")
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path, "INTAKE_GUARDIAN_AGE=21"}, "rescreen", s.intakes[0].ID)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	ss, err := s.open(t).Screenings(context.Background(), s.intakes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if g := ss[len(ss)-1].Result.GuardianAge; g != 21 {
		t.Fatalf("result's guardian age %d, want 21", g)
	}
}

func TestRescreenRefusals(t *testing.T) {
	s := seedCaseDB(t, "")
	for _, args := range [][]string{{"rescreen"}, {"rescreen", "--all", s.intakes[0].ID}, {"rescreen", "a", "b"}} {
		if r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
	r := runInProcess(t, []string{"INTAKE_DB=" + s.path}, "rescreen", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `no intake with id "nope"`) {
		t.Fatalf("unknown id: exit %d, %q", r.code, r.stderr)
	}
	rows := s.audit(t, db.ActionRescreen)
	if len(rows) != 1 || rows[0].Outcome != db.OutcomeNotFound || rows[0].IntakeID != "nope" {
		t.Fatalf("audit rows %+v", rows)
	}
}
