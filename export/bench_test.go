package export

import (
	"io"
	"strconv"
	"testing"
)

// benchRecords cycles the shared cases (with the hostile one) under fresh ids.
func benchRecords(b *testing.B) func(i int) Record {
	recs := testRecords(b)
	return func(i int) Record {
		r := recs[i%len(recs)]
		r.Intake.ID = "bench-" + strconv.Itoa(i)
		return r
	}
}

// BenchmarkCSV streams b.N intakes to io.Discard; target: over 20,000 rows/s.
func BenchmarkCSV(b *testing.B) {
	rec := benchRecords(b)
	b.ReportAllocs()
	b.ResetTimer()
	c, err := NewCSV(io.Discard, CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if err := c.Write(rec(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFHIR streams b.N intakes (Patient, QuestionnaireResponse and
// RiskAssessment each) into one Bundle on io.Discard.
func BenchmarkFHIR(b *testing.B) {
	rec := benchRecords(b)
	b.ReportAllocs()
	b.ResetTimer()
	f, err := NewFHIR(io.Discard, FHIROptions{Base: testBase})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if err := f.Write(rec(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
