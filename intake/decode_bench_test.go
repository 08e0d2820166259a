package intake_test

import (
	"encoding/json"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

// BenchmarkDecodeAnswers: reading stored answers back (every export row does it).
func BenchmarkDecodeAnswers(b *testing.B) {
	all, err := cases.Screening()
	if err != nil {
		b.Fatal(err)
	}
	var docs [][]byte
	for _, c := range all {
		d, _ := json.Marshal(c.Valid())
		docs = append(docs, d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := intake.V1.DecodeAnswers(docs[i%len(docs)]); err != nil {
			b.Fatal(err)
		}
	}
}
