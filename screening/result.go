// Package screening runs the clinical screening rules of spec/screening.md
// (rules version "screening|1") over one intake's validated answers: red flags,
// patterns, dry-needling safety, psychosocial flags and scores. It is pure: no
// I/O, no clock; the submission date is an input.
package screening

// RulesVersion names the rule set implemented here.
const RulesVersion = "screening|1"

// Severity of a flag, highest first: emergency, urgent, caution, info. A
// Result's HighestSeverity is SeverityNone when no flag fired.
type Severity string

// Severities.
const (
	SeverityEmergency Severity = "emergency" // same-day emergency assessment
	SeverityUrgent    Severity = "urgent"    // therapist review before any treatment
	SeverityCaution   Severity = "caution"   // precaution, contraindication to one technique, weak red flag
	SeverityInfo      Severity = "info"      // a pattern worth knowing
	SeverityNone      Severity = "none"      // no flag
)

// Rank orders severities: 0 for emergency up to 4 for none (unknown values rank last).
func (s Severity) Rank() int {
	switch s {
	case SeverityEmergency:
		return 0
	case SeverityUrgent:
		return 1
	case SeverityCaution:
		return 2
	case SeverityInfo:
		return 3
	}
	return 4
}

// Category of a flag.
type Category string

// Categories.
const (
	CategoryRedFlag      Category = "red_flag"
	CategoryPattern      Category = "pattern"
	CategoryNeedling     Category = "needling"
	CategoryPsychosocial Category = "psychosocial"
)

// Kind of a needling flag.
type Kind string

// Needling kinds.
const (
	KindContraindication Kind = "contraindication"
	KindPrecaution       Kind = "precaution"
)

// NeedlingStatus summarises dry-needling safety.
type NeedlingStatus string

// Needling statuses (spec/screening.md §3), with Wording for print.
const (
	NeedlingDeferred           NeedlingStatus = "deferred"
	NeedlingContraindicated    NeedlingStatus = "contraindicated"
	NeedlingPrecautions        NeedlingStatus = "precautions"
	NeedlingNoContraindication NeedlingStatus = "no_contraindication_reported"
)

// Wording is the status as printed on staff pages and the PDF.
func (n NeedlingStatus) Wording() string {
	switch n {
	case NeedlingDeferred:
		return "Deferred: assess red flags first"
	case NeedlingContraindicated:
		return "Contraindicated: see flags"
	case NeedlingPrecautions:
		return "Precautions: see flags"
	case NeedlingNoContraindication:
		return "No contraindication reported — clinician to confirm"
	}
	return string(n)
}

// Flag is one fired rule.
type Flag struct {
	ID       string   `json:"id"` // rule id, e.g. "RF-CES-1"
	Severity Severity `json:"severity"`
	Category Category `json:"category"`
	Kind     Kind     `json:"kind,omitempty"` // needling flags only
	Message  string   `json:"message"`        // therapist-facing English sentence
	Source   []string `json:"source"`         // citation keys of spec/screening.md "Sources"
}

// Scores are the computed scores; a nil field was not computable and is omitted.
type Scores struct {
	Age           *int     `json:"age,omitempty"`             // full years on the submission date
	NPRSBackNow   *int     `json:"nprs_back_now,omitempty"`   // 0-10 NPRS
	NPRSBackAvg   *int     `json:"nprs_back_avg,omitempty"`   // 0-10 NPRS, past week
	NPRSBackWorst *int     `json:"nprs_back_worst,omitempty"` // 0-10 NPRS, past week
	NPRSLegAvg    *int     `json:"nprs_leg_avg,omitempty"`    // 0-10 NPRS, past week, when answered
	PEG           *float64 `json:"peg,omitempty"`             // 0-10, one decimal (KRE09)
	PSFS          *float64 `json:"psfs,omitempty"`            // 0-10, one decimal, higher = better function
	Chronicity    string   `json:"chronicity,omitempty"`      // acute, subacute or chronic
	QTF           *int     `json:"qtf,omitempty"`             // Quebec Task Force class 1-3
}

// Result is the outcome of screening one intake.
type Result struct {
	RulesVersion    string         `json:"rules_version"`    // "screening|1"
	HighestSeverity Severity       `json:"highest_severity"` // first flag's severity, or "none"
	NeedlingStatus  NeedlingStatus `json:"needling_status"`
	Flags           []Flag         `json:"flags"` // by severity rank, then id byte-wise; never null
	Scores          Scores         `json:"scores"`
	GuardianAge     int            `json:"guardian_age"` // the setting the rules ran with (years)
}

// Settings are the clinic settings that rules depend on.
type Settings struct {
	GuardianAge int // patients younger than this (years) need a guardian; default 18
}
