// Package export encodes intakes and their screening results for the front desk
// and for other systems: a CSV that opens safely in Excel (CSVWriter) and a FHIR
// R4 Bundle of type "collection" (FHIRWriter), plus the questionnaire itself as a
// FHIR R4 Questionnaire (Questionnaire).
//
// The encoders do no I/O but the io.Writer they are given, and they write each
// Record as it comes, so memory stays flat however many intakes are exported.
// Output carries PHI; errors returned here name intake ids and linkIds only,
// never answers or names.
//
// Column and resource shapes are those of the design's "Exports" section and
// docs/fhir.md.
package export
