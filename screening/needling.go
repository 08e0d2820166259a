package screening

import (
	"regexp"
	"strconv"
)

// Message openings of spec/screening.md §3.
const (
	contraPrefix = "Dry needling contraindicated: "
	precauPrefix = "Dry needling precaution: "
	// areaPrefix opens DN-A4: needling is contraindicated in one area only, so
	// its kind is precaution.
	areaPrefix = "Dry needling contraindicated in: "
)

// needlingRules evaluates spec/screening.md §3 (category needling); guardianAge
// is the clinic's setting in years.
func needlingRules(l *flagList, f *facts, guardianAge int) {
	a := f.a
	// DN-A1 — AHPCSA, SIE05.
	switch a.String("needling.willing") {
	case "no":
		l.needling("DN-A1", KindContraindication,
			contraPrefix+"patient does not want needling or has a strong fear of needles.",
			"AHPCSA", "SIE05")
	// DN-A1U — design.
	case "unsure":
		l.needling("DN-A1U", KindPrecaution,
			precauPrefix+"patient is unsure about needling; discuss before offering it.",
			"design")
	}
	// DN-A2 — AHPCSA, ASAP.
	helper := a.Has("meta.completed_by", "helper")
	minor := f.ageKnown && f.age < guardianAge
	if helper || minor {
		var why []string
		if helper {
			why = append(why, "form completed with help")
		}
		if minor {
			why = append(why, "patient is under "+strconv.Itoa(guardianAge))
		}
		l.needling("DN-A2", KindPrecaution,
			precauPrefix+list(why)+"; confirm informed consent.",
			"AHPCSA", "ASAP")
	}
	// DN-A3 — AHPCSA, BRA14.
	if a.Bool("needling.bad_reaction") {
		l.needling("DN-A3", KindPrecaution,
			precauPrefix+"past fainting or bad reaction to needles; assess first and treat lying down.",
			"AHPCSA", "BRA14")
	}
	// DN-A4 — AHPCSA.
	if a.Bool("needling.lymphedema") {
		l.needling("DN-A4", KindPrecaution,
			areaPrefix+area(a.String("needling.lymphedema_where"))+" (lymphoedema or lymph nodes removed); do not needle that limb or area.",
			"AHPCSA")
	}
	// DN-A5 — AHPCSA, FDLP22.
	if anti, bleed := a.Bool("needling.anticoagulants"), a.Bool("needling.bleeding_disorder"); anti || bleed {
		var why []string
		if anti {
			why = append(why, "blood thinners")
		}
		if bleed {
			why = append(why, "bleeding disorder")
		}
		l.needling("DN-A5", KindPrecaution,
			precauPrefix+"bleeding risk ("+list(why)+"); no deep needling where pressure cannot be applied, light technique and pressure elsewhere.",
			"AHPCSA", "FDLP22")
	}
	// DN-A6 — AHPCSA (clause unconfirmed).
	if a.Bool("redflag.unwell") {
		l.needling("DN-A6", KindContraindication,
			contraPrefix+"patient feels acutely unwell today; no needling today.",
			"AHPCSA")
	}
	// DN-R1 — ASAP.
	if a.HasAny("needling.pregnant", "yes", "maybe") {
		what := "pregnancy"
		if a.Has("needling.pregnant", "maybe") {
			what = "possible pregnancy"
		}
		l.needling("DN-R1", KindPrecaution,
			precauPrefix+what+"; avoid lumbar and pelvic needling and electrical stimulation, especially in the first trimester.",
			"ASAP")
	}
	// DN-R2 — AHPCSA.
	var infection []string
	if a.Bool("redflag.immunosuppressed") {
		infection = append(infection, "weakened immune system")
	}
	if a.Bool("redflag.steroids") {
		infection = append(infection, "long-term steroid tablets")
	}
	if a.Bool("needling.heart_valve") {
		infection = append(infection, "heart-valve disease or past endocarditis")
	}
	if len(infection) > 0 {
		l.needling("DN-R2", KindPrecaution,
			precauPrefix+"infection risk ("+list(infection)+").",
			"AHPCSA")
	}
	// DN-R3 — AHPCSA, ASAP.
	switch a.String("history.diabetes") {
	case "controlled":
		l.needling("DN-R3", KindPrecaution,
			precauPrefix+"diabetes; check skin and sensation.",
			"AHPCSA", "ASAP")
	case "uncontrolled":
		l.needling("DN-R3", KindPrecaution,
			precauPrefix+"uncontrolled diabetes; check skin and sensation, higher infection risk.",
			"AHPCSA", "ASAP")
	}
	// DN-R4 — AHPCSA.
	if a.Bool("needling.vascular") {
		l.needling("DN-R4", KindPrecaution,
			precauPrefix+"vascular disease or varicose veins in the legs; avoid affected vessels.",
			"AHPCSA")
	}
	// DN-R5 — ASAP: uncontrolled epilepsy contraindicates needling, controlled is a precaution.
	switch a.String("needling.epilepsy") {
	case "uncontrolled":
		l.needling("DN-R5", KindContraindication,
			contraPrefix+"uncontrolled epilepsy.",
			"ASAP")
	case "controlled":
		l.needling("DN-R5", KindPrecaution,
			precauPrefix+"controlled epilepsy.",
			"ASAP")
	}
	// DN-R6 — ASAP.
	if a.Bool("needling.metal_allergy") {
		l.needling("DN-R6", KindPrecaution,
			precauPrefix+"metal or latex allergy; choose needles and gloves accordingly.",
			"ASAP")
	}
	// DN-R7 — SIE05, ASAP.
	if a.Bool("needling.skin_problem") {
		l.needling("DN-R7", KindPrecaution,
			precauPrefix+"skin infection, wound or rash on the back or legs; avoid that site.",
			"SIE05", "ASAP")
	}
	// DN-E1 — SIE05, CUM11.
	if a.Bool("needling.implanted_device") {
		l.needling("DN-E1", KindPrecaution,
			precauPrefix+"implanted electrical device; no electrical stimulation through needles.",
			"SIE05", "CUM11")
	}
}

// safeWord matches the word no screening output may contain (spec: no rule
// ever clears a patient as safe).
var safeWord = regexp.MustCompile(`(?i)\bsafe\b`)

// area is the patient's own words for the lymphoedema area, as typed. Words
// that would put "safe" into a flag are not echoed: the therapist reads the
// answer itself on the intake page.
func area(where string) string {
	if where == "" || safeWord.MatchString(where) {
		return "the limb or area named in the answers"
	}
	return where
}
