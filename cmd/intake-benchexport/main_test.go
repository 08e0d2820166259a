package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
)

func TestBuildDBStoresValidScreenedIntakes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bench.db")
	la, _ := time.LoadLocation("America/Los_Angeles")
	const n = 300
	if err := buildDB(ctx, path, n, 7, la, nil); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ids := map[string]bool{}
	var prev intake.Date
	err = d.Each(ctx, db.Filter{}, func(in intake.Intake, ss []db.StoredScreening) error {
		ids[in.ID] = true
		if len(in.ID) != 26 || len(ss) != 1 || ss[0].RulesVersion == "" {
			t.Errorf("intake %q with %d screenings", in.ID, len(ss))
		}
		if in.SubmissionDate != intake.DateIn(in.CreatedAt, la) || in.SubmissionDate.Before(prev) {
			t.Errorf("intake %s: submission date %s for %s", in.ID, in.SubmissionDate, in.CreatedAt)
		}
		prev = in.SubmissionDate
		if _, errs := intake.V1.Validate(rawOf(in.Answers), intake.Context{SubmissionDate: in.SubmissionDate, GuardianAge: 18}); errs != nil {
			t.Errorf("intake %s: stored answers do not validate: %v", in.ID, errs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != n {
		t.Fatalf("%d distinct intakes, want %d", len(ids), n)
	}
	if err := buildDB(ctx, path, n, 7, la, nil); err == nil {
		t.Fatal("building into a non-empty database succeeded")
	}
}

// rawOf turns stored answers back into the JSON value domain Validate takes.
func rawOf(a intake.Answers) intake.Raw {
	raw := intake.Raw{}
	for k, v := range a {
		switch x := v.(type) {
		case int:
			raw[k] = json.Number(strconv.Itoa(x))
		case []string:
			l := make([]any, len(x))
			for i, c := range x {
				l[i] = c
			}
			raw[k] = l
		default:
			raw[k] = v
		}
	}
	return raw
}

func TestBenchmarkReportsEveryRow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the intake binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "intake")
	if out, err := exec.Command("go", "build", "-o", bin, "../intake").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var out bytes.Buffer
	path := filepath.Join(dir, "bench.db")
	if err := run(context.Background(), []string{"-n", "200", "-runs", "1", "-db", path, "-intake", bin}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, format := range []string{"csv", "fhir"} {
		row := regexp.MustCompile(`(?m)^\s*` + format + `\s+200\s+[\d.]+\s+\d+\s+[\d.]+\s+\d+\s+[\d.]+\s+`).FindString(out.String())
		if row == "" {
			t.Errorf("no %s row with 200 rows in:\n%s", format, out.String())
		}
	}
	if !strings.Contains(out.String(), "built in") {
		t.Errorf("the database was not built:\n%s", out.String())
	}
	// A second run reuses the database; a different -n refuses it.
	out.Reset()
	if err := run(context.Background(), []string{"-n", "200", "-runs", "1", "-db", path, "-intake", bin, "-formats", "csv"}, &out); err != nil || strings.Contains(out.String(), "built in") {
		t.Fatalf("rerun: %v\n%s", err, out.String())
	}
	if err := run(context.Background(), []string{"-n", "201", "-db", path, "-intake", bin}, &out); err == nil {
		t.Fatal("-n 201 over a 200-intake database succeeded")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func TestVmHWMParsesProcStatus(t *testing.T) {
	status := []byte("Name:\tintake\nVmPeak:\t  812345 kB\nVmHWM:\t   23456 kB\nVmRSS:\t   20000 kB\n")
	if got := vmHWM(status); got != 23456*1024 {
		t.Fatalf("vmHWM = %d, want %d", got, 23456*1024)
	}
	if got := vmHWM([]byte("Name:\tx\n")); got != 0 {
		t.Fatalf("no VmHWM line gave %d", got)
	}
}
