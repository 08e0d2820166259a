package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"testing"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/export"
)

// benchExportRows is the size of the in-process export benchmark's database.
// The 100,000-intake figures with separate processes and peak RSS come from
// scripts/bench-export; this one runs under `go test -bench` and profiles:
//
//	go test ./cmd/intake -run '^$' -bench StreamExport -cpuprofile cpu.out
const benchExportRows = 5000

// benchExportDB stores the shared cases over and over under fresh ids.
func benchExportDB(b *testing.B) *db.DB {
	b.Helper()
	s := seedCaseDB(b, "")
	d := s.open(b)
	err := d.Update(context.Background(), func(tx *sql.Tx) error {
		for i := len(s.intakes); i < benchExportRows; i++ {
			in := s.intakes[i%len(s.intakes)]
			in.ID = fmt.Sprintf("bench-%06d", i)
			if _, err := db.InsertIntake(tx, db.Submission{Intake: in, Screening: s.results[i%len(s.results)]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func benchmarkStreamExport(b *testing.B, format string) {
	d := benchExportDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var rows int64
	for range b.N {
		n, err := streamExport(ctx, d, io.Discard, format, db.Filter{}, export.CSVOptions{}, export.FHIROptions{})
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkStreamExportCSV: db.Each through the CSV encoder (target: over
// 20,000 rows/s end to end).
func BenchmarkStreamExportCSV(b *testing.B) { benchmarkStreamExport(b, "csv") }

// BenchmarkStreamExportFHIR: db.Each through the FHIR Bundle encoder.
func BenchmarkStreamExportFHIR(b *testing.B) { benchmarkStreamExport(b, "fhir") }
