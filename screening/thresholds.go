package screening

// Thresholds of the screening|1 rules (spec/screening.md). Ages are full years
// on the submission date; counts are numbers of criteria met.
const (
	// DefaultGuardianAge applies when Settings.GuardianAge is 0: patients
	// younger than this need a guardian's consent (DN-A2).
	DefaultGuardianAge = 18

	// MalignancyAge: age at or above which RF-MAL-5 fires (CHOU11).
	MalignancyAge = 50
	// MalignancyCombMin: weak malignancy signs needed for RF-MAL-COMB (FIN20; the
	// count is a design choice).
	MalignancyCombMin = 2

	// OlderFemaleAge: "older" for female, intersex and not_said patients (CG146).
	OlderFemaleAge = 65
	// OlderMaleAge: "older" for male patients (CG146).
	OlderMaleAge = 75
	// FractureUrgentCount: fracture risk factors at which RF-FX-3 is urgent rather
	// than caution (DOW13, CG146).
	FractureUrgentCount = 2

	// IBPOnsetAge: onset before this age is an ASAS and a Calin criterion (SIE09).
	IBPOnsetAge = 40
	// ASASMinCriteria and CalinMinCriteria: criteria needed for IBP-ASAS and IBP-CALIN (SIE09).
	ASASMinCriteria  = 4
	CalinMinCriteria = 4
	// BerlinMaxAge: IBP-BERLIN applies at this age or younger (SIE09).
	BerlinMaxAge = 50
	// BerlinMinCriteria: criteria needed for IBP-BERLIN (SIE09).
	BerlinMinCriteria = 2
	// NG65OnsetAge: NG65 applies when back pain started before this age (NG65).
	NG65OnsetAge = 45
	// NG65EarlyOnsetAge: onset before this age is one NG65 criterion (NG65).
	NG65EarlyOnsetAge = 35
	// NG65ReferCriteria: NG65 criteria for referral (IBP-NG65); exactly
	// NG65TestCriteria gives IBP-NG65-3 (HLA-B27 testing) (NG65).
	NG65ReferCriteria = 4
	NG65TestCriteria  = 3

	// YellowFlagWeeksOff: more weeks off work than this is a yellow flag (NZ).
	YellowFlagWeeksOff = 4
	// YellowFlagMin: yellow flags needed for YF-1 (NZ, NIC11; the count is a design choice).
	YellowFlagMin = 2
)
