package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkValidate-2            	   30062	     41889 ns/op	   13607 B/op	      50 allocs/op
BenchmarkRender-8   	     100	  11770000 ns/op	        11.77 ms/pdf	     50176 bytes/pdf
PASS
ok  	github.com/backintake/backintake/pdf	2.1s
`
	got := parseBench(out)
	if v := got["BenchmarkValidate"]["ns/op"]; v != 41889 {
		t.Errorf("BenchmarkValidate ns/op = %v, want 41889", v)
	}
	if v := got["BenchmarkRender"]["ms/pdf"]; v != 11.77 {
		t.Errorf("BenchmarkRender ms/pdf = %v, want 11.77", v)
	}
	if v := got["BenchmarkRender"]["bytes/pdf"]; v != 50176 {
		t.Errorf("BenchmarkRender bytes/pdf = %v, want 50176", v)
	}
	if len(got) != 2 {
		t.Errorf("parsed %d benchmarks, want 2: %v", len(got), got)
	}
}

// TestParseExport reads scripts/bench-export's table as it prints it.
func TestParseExport(t *testing.T) {
	out := `export benchmark: .cache/bench/export-100000.db (871 MB), median of 3 runs, load average 1.67 1.85 2.70
  format    rows  wall s  rows/s  CPU s  rows/CPU-s  peak RSS MB                               target
     csv  100000    9.63   10380  10.25        9758         26.5  > 20000 rows/s, RSS < 64 MB: MISSED
    fhir  100000   21.83    4580  25.94        3856         32.2                     RSS < 64 MB: met`
	rows, err := parseExport(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []ExportRow{
		{Format: "csv", Rows: 100000, Seconds: 9.63, RowsPS: 10380, CPU: 10.25, RSSMB: 26.5},
		{Format: "fhir", Rows: 100000, Seconds: 21.83, RowsPS: 4580, CPU: 25.94, RSSMB: 32.2},
	}
	if len(rows) != len(want) || rows[0] != want[0] || rows[1] != want[1] {
		t.Errorf("parseExport = %+v, want %+v", rows, want)
	}
	if _, err := parseExport("building the database...\nexport failed"); err == nil {
		t.Error("parseExport accepted output without a table")
	}
}

func TestTargets(t *testing.T) {
	r := &Report{
		OneTx:  &Storage{RowsPS: 1600},
		Server: []Load{{Concurrency: 8, AckedPS: 1500}, {Concurrency: 32, AckedPS: 1500, Latency: Latency{P99: 60}}},
		Micro:  Micro{ValidateUS: 22, ValidateGenUS: 51, ScreenUS: 3, PDFMS: 12},
		PDF:    &PDF{ColdMS: 600},
	}
	got := map[string]string{}
	for _, tg := range targets(r) {
		got[tg.name] = tg.value + " " + tg.verdict
	}
	for name, want := range map[string]string{
		"server ÷ SQLite one-row-per-transaction ceiling at 32 clients ≥ 1.0": "0.94 MISSED",
		"p99 at 32 clients < 50 ms":  "60.00 ms MISSED",
		"PDF < 25 ms":                "12.00 ms met",
		"Chromium cold ÷ PDF ≥ 30":   "50× met",
		"validation < 50 µs":         "51.0 µs (slower set) MISSED",
		"screening < 20 µs":          "3.0 µs met",
		"CSV export > 20,000 rows/s": "- not measured",
	} {
		if got[name] != want {
			t.Errorf("%s: %q, want %q", name, got[name], want)
		}
	}
}

func TestTableAlignment(t *testing.T) {
	var tb table
	tb.row("name", "rows/s")
	tb.row("SQLite ceiling", "1620")
	tb.row("µs", "3.3")
	var buf bytes.Buffer
	tb.print(&buf, " ")
	want := " name            rows/s\n SQLite ceiling    1620\n µs                 3.3\n"
	if buf.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestMachineRefusesTmpfs: storage figures on a RAM filesystem mean nothing.
func TestMachineRefusesTmpfs(t *testing.T) {
	out, err := exec.Command("df", "-T", "/dev/shm").Output()
	if err != nil || !strings.Contains(string(out), "tmpfs") {
		t.Skip("no tmpfs at /dev/shm on this machine")
	}
	if _, err := machine("/dev/shm"); err == nil || !strings.Contains(err.Error(), "tmpfs") {
		t.Errorf("machine(/dev/shm) = %v, want an error naming tmpfs", err)
	}
}
