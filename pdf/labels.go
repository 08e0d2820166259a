package pdf

import (
	"slices"
	"strings"

	"github.com/backintake/backintake/intake"
)

// Short therapist-facing English for page 1. The patient-facing wording (the
// questionnaire's catalogue) is used on the answer pages; page 1 needs terser
// words that fit a one-line summary. Keys are option codes of intake.V1.
var (
	sexWords = map[string]string{"female": "Female", "male": "Male", "intersex": "Intersex", "not_said": "Sex not stated"}

	completedWords = map[string]string{"self": "the patient", "helper": "with help (family, carer or staff)"}

	langWords = map[string]string{"en": "English", "es": "Spanish", "vi": "Vietnamese"}

	durationWords = map[string]string{"lt6w": "under 6 weeks", "6to12w": "6–12 weeks", "gt12w": "over 12 weeks"}

	onsetWords = map[string]string{
		"gradual": "gradual", "sudden_no_cause": "sudden, no clear cause", "lifting_bending": "lifting or bending",
		"minor_fall_strain": "minor fall or strain", "major_trauma": "major trauma", "after_procedure": "after a procedure",
		"other": "other",
	}

	trendWords = map[string]string{"improving": "improving", "same": "the same", "worsening": "worsening"}

	stiffnessWords = map[string]string{
		"none": "none", "lt15": "under 15 min", "15to30": "15–30 min", "30to60": "30–60 min", "gt60": "over 60 min",
	}

	extentWords = map[string]string{"buttock": "the buttock", "thigh": "the thigh", "below_knee": "below the knee", "foot": "the foot"}

	sideWords = map[string]string{"left": "left side", "right": "right side", "both": "both sides"}

	worseWords = map[string]string{
		"bending": "bending", "lifting": "lifting", "sitting": "sitting", "standing": "standing", "walking": "walking",
		"lying_down": "lying down", "coughing_sneezing": "coughing or sneezing", "twisting": "twisting", "none": "nothing listed",
	}

	betterWords = map[string]string{
		"rest": "rest", "movement": "movement", "heat": "heat", "ice": "ice", "lying_down": "lying down",
		"sitting": "sitting", "medication": "medication", "nothing": "nothing helps",
	}

	patternWords = map[string]string{"constant": "constant", "comes_and_goes": "comes and goes"}

	nightWords = map[string]string{"no": "no", "first_half": "wakes in the first half of the night", "second_half": "wakes in the second half of the night"}

	chronicityWords = map[string]string{"acute": "acute (under 6 weeks)", "subacute": "subacute (6–12 weeks)", "chronic": "chronic (over 12 weeks)"}

	qtfWords = map[int]string{1: "back pain without radiation", 2: "pain to the thigh or knee", 3: "pain below the knee"}

	// regionWords name body-chart regions without their side.
	regionWords = map[string]string{
		"lumbar": "lower back", "buttock": "buttock", "thigh_front": "front of thigh", "thigh_back": "back of thigh",
		"knee": "knee", "lower_leg": "lower leg", "foot": "foot", "upper_back": "upper back", "neck": "neck",
		"saddle": "saddle area",
	}
)

// word returns m[code], or the code itself when the table has no entry (a
// code added to the questionnaire later still prints).
func word(m map[string]string, code string) string {
	if w, ok := m[code]; ok {
		return w
	}
	return code
}

// words joins the words of codes with ", ".
func words(m map[string]string, codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = word(m, c)
	}
	return strings.Join(out, ", ")
}

// regionList names regions in intake.Regions order, sides merged: "lower
// back (L, R), lower leg (L), saddle area".
func regionList(codes []string) string {
	type entry struct {
		base  string
		sides []string
	}
	var list []entry
	idx := map[string]int{}
	for _, r := range intake.Regions {
		if !slices.Contains(codes, r) {
			continue
		}
		base, side := r, ""
		if strings.HasSuffix(r, "_l") || strings.HasSuffix(r, "_r") {
			base, side = r[:len(r)-2], strings.ToUpper(r[len(r)-1:])
		}
		i, ok := idx[base]
		if !ok {
			i = len(list)
			idx[base] = i
			list = append(list, entry{base: base})
		}
		if side != "" {
			list[i].sides = append(list[i].sides, side)
		}
	}
	// Codes the questionnaire does not know are printed as they are.
	for _, c := range codes {
		if !slices.Contains(intake.Regions, c) {
			list = append(list, entry{base: c})
		}
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = word(regionWords, e.base)
		if len(e.sides) > 0 {
			out[i] += " (" + strings.Join(e.sides, ", ") + ")"
		}
	}
	return strings.Join(out, ", ")
}
