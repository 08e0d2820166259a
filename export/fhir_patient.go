package export

import "github.com/backintake/backintake/intake"

// genders maps patient.sex codes to FHIR AdministrativeGender: intersex has no
// code of its own there and becomes "other"; "prefer not to say" is "unknown".
var genders = map[string]string{
	"female":   "female",
	"male":     "male",
	"intersex": "other",
	"not_said": "unknown",
}

// patientOf builds the Patient for one intake from the "about" answers.
func patientOf(in intake.Intake, base string) patient {
	a := in.Answers
	p := patient{
		ResourceType: "Patient",
		ID:           resourceID("patient", in.ID),
		Identifier:   []identifier{intakeIdentifier(base, in.ID)},
		Gender:       genders[a.String("patient.sex")],
		BirthDate:    a.String("patient.birth_date"),
	}
	given, family := a.String("patient.given_name"), a.String("patient.family_name")
	if given != "" || family != "" {
		n := humanName{Family: family}
		if given != "" {
			n.Given = []string{given}
		}
		p.Name = []humanName{n}
	}
	if s := a.String("patient.phone"); s != "" {
		p.Telecom = append(p.Telecom, contactPoint{System: "phone", Value: s})
	}
	if s := a.String("patient.email"); s != "" {
		p.Telecom = append(p.Telecom, contactPoint{System: "email", Value: s})
	}
	if s := a.String("patient.guardian_name"); s != "" {
		p.Contact = []patientContact{{
			Relationship: []codeableConcept{{Coding: []coding{{
				System: "http://terminology.hl7.org/CodeSystem/v3-RoleCode", Code: "GUARD", Display: "guardian"}}}},
			Name: &humanName{Text: s},
		}}
	}
	return p
}

// intakeIdentifier names the intake a resource came from.
func intakeIdentifier(base, intakeID string) identifier {
	return identifier{System: base + "/NamingSystem/intake-id", Value: intakeID}
}
