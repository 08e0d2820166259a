package screening

import "github.com/backintake/backintake/intake"

// Run screens one intake under rules version "screening|1" (spec/screening.md).
// a must be the normalised enabled answers that intake.V1.Validate returned;
// submittedOn is the submission date in the clinic's time zone (every age is
// taken on it); s holds the clinic settings (GuardianAge 0 means
// DefaultGuardianAge). Run is pure and deterministic: it does no I/O, reads no
// clock, never panics on a valid answer set and returns Flags sorted by severity
// rank then id (byte-wise), never nil. Flag messages can quote answers (PHI):
// do not log them.
func Run(a intake.Answers, submittedOn intake.Date, s Settings) Result {
	guardianAge := s.GuardianAge
	if guardianAge <= 0 {
		guardianAge = DefaultGuardianAge
	}
	f := newFacts(a, submittedOn)
	l := make(flagList, 0, 16)
	redFlags(&l, f)
	patterns(&l, f)
	needlingRules(&l, f, guardianAge)
	psychosocial(&l, f)
	sortFlags(l)

	res := Result{
		RulesVersion:    RulesVersion,
		HighestSeverity: SeverityNone,
		NeedlingStatus:  needlingStatus(l),
		Flags:           []Flag(l),
		Scores:          scores(f),
		GuardianAge:     guardianAge,
	}
	if len(l) > 0 {
		res.HighestSeverity = l[0].Severity
	}
	return res
}

// needlingStatus summarises dry-needling safety (spec §3): red flags first,
// then contraindications, then precautions.
func needlingStatus(l flagList) NeedlingStatus {
	contra, needling := false, false
	for _, f := range l {
		switch {
		case f.Severity == SeverityEmergency || f.Severity == SeverityUrgent:
			return NeedlingDeferred
		case f.Category == CategoryNeedling:
			needling = true
			contra = contra || f.Kind == KindContraindication
		}
	}
	switch {
	case contra:
		return NeedlingContraindicated
	case needling:
		return NeedlingPrecautions
	}
	return NeedlingNoContraindication
}
