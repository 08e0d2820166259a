package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
)

// fullAnswers answers every item of the questionnaire, follow-ups and
// optional items included (a synthetic adult patient; no guardian).
func fullAnswers(given, family string) answers {
	return answers{
		"patient.given_name": given, "patient.family_name": family, "patient.birth_date": "1958-04-23",
		"patient.sex": "female", "patient.phone": "(503) 555-0142", "patient.email": "rosa.d@example.org",
		"meta.completed_by": "helper",

		"pain.duration": "gt12w", "pain.onset": "lifting_bending", "pain.seen_doctor": true, "pain.onset_age": 52,
		"pain.trend": "same", "pain.back_now": 5, "pain.back_avg": 4, "pain.back_worst": 7,
		"pain.regions": []string{"lumbar_l", "lumbar_r", "buttock_l", "thigh_back_l", "lower_leg_l", "upper_back"},
		"pain.pattern": "comes_and_goes", "pain.worse_with": []string{"bending", "sitting", "coughing_sneezing"},
		"pain.better_with": []string{"movement", "heat", "medication"}, "pain.night_waking": "second_half",
		"pain.night_eases_on_rising": true, "pain.unrelieved": false,

		"stiffness.morning": "15to30", "stiffness.better_with_exercise": true, "stiffness.better_with_rest": false,
		"stiffness.alternating_buttock": false, "radiating.present": true, "radiating.extent": "below_knee",
		"radiating.side": "left", "pain.leg_avg": 5, "numbness.present": true,
		"numbness.regions": []string{"lower_leg_l", "foot_l"}, "weakness.present": true, "weakness.side": "left",
		"weakness.worsening": false,

		"redflag.saddle_numbness": "no", "redflag.bladder": "yes_longstanding", "redflag.bowel": "no",
		"redflag.sexual": "no", "redflag.ces_checked": true, "redflag.cancer_history": true,
		"redflag.cancer_details": "Breast cancer, 2011", "redflag.weight_loss": "no", "redflag.fever": false,
		"redflag.recent_infection": false, "redflag.recent_spinal_procedure": false, "redflag.iv_drug_use": false,
		"redflag.immunosuppressed": false, "redflag.osteoporosis": true, "redflag.steroids": false,
		"redflag.unwell": false,

		"needling.willing": "unsure", "needling.bad_reaction": false, "needling.anticoagulants": true,
		"needling.bleeding_disorder": false, "needling.pregnant": "not_applicable", "needling.lymphedema": true,
		"needling.lymphedema_where": "Left arm", "needling.skin_problem": false, "needling.heart_valve": false,
		"needling.implanted_device": false, "needling.epilepsy": "no", "needling.metal_allergy": true,
		"needling.vascular": false, "history.diabetes": "controlled",

		"function.enjoyment": 6, "function.activity": 5, "function.activity1": "Gardening",
		"function.activity1_score": 3, "function.activity2": "Walking the dog", "function.activity2_score": 6,
		"function.activity3": "Driving to work", "function.activity3_score": 7,
		"psych.fear_movement": true, "psych.low_mood": false, "psych.expect_worse": false,
		"work.status": "off_work", "work.weeks_off": 3, "work.claim": false, "history.previous_episodes": true,
		"history.treatments": []string{"physical_therapy", "medication"}, "history.imaging": []string{"xray"},
		"history.nsaid_relief": "did_not_help", "history.family_spa": false, "history.psoriasis": false,
		"history.arthritis": false, "history.enthesitis": false, "history.ibd_uveitis": false,
		"history.medications": "Apixaban 5 mg twice a day\nIbuprofen when needed",
		"history.conditions":  "High blood pressure",
		"goals.text":          "Work in the garden for an hour without pain.",
		"notes.text":          "Mornings are the worst.",

		"consent.treatment": true, "consent.privacy": true, "consent.signature": given + " " + family,
	}
}

// TestFullQuestionnairePhone is flow 1: a patient on a phone answers every
// question by clicking and typing, sends it with worst pain below current
// pain, sees the error summary, finds every answer kept, fixes the mistake
// and sends it again.
func TestFullQuestionnairePhone(t *testing.T) {
	t.Parallel()
	ctx := tab(t, phoneW, phoneH, true)
	srv := startServer(t)
	a := fullAnswers("Rosa", "Delgado")
	if len(a) != len(intake.V1.Items())-1 { // every item but the guardian's name
		t.Fatalf("fullAnswers answers %d items; the questionnaire has %d", len(a), len(intake.V1.Items()))
	}

	if st := navigate(t, ctx, srv.Base+"/intake"); st != 200 {
		t.Fatalf("GET /intake: %d", st)
	}
	shot(t, ctx, "empty-form")
	checkAxe(t, ctx, "questionnaire (en, phone)")
	checkLayout(t, ctx, "questionnaire (en, phone)")
	checkTabFocus(t, ctx, "questionnaire (en, phone)", 30)

	mistake := answers{}
	for k, v := range a {
		mistake[k] = v
	}
	mistake["pain.back_worst"] = 3 // below the current 5: below_now_or_avg
	fill(t, ctx, mistake)
	want := formEncoding(mistake)
	checkValues(t, ctx, "filled", want)
	shot(t, ctx, "filled")

	if st := submit(t, ctx); st != 422 {
		t.Fatalf("send with a mistake: status %d, want 422", st)
	}
	shot(t, ctx, "422")
	checkErrorSummaryInView(t, ctx, "422 (en, phone)")
	checkFocusVisible(t, ctx, "422 (en, phone)")
	viewShot(t, ctx, "422-what-the-patient-sees")
	summary := eval[[]string](t, ctx, `[...document.querySelectorAll("#error-summary li a")].map(a => a.getAttribute("href"))`)
	if len(summary) != 1 || summary[0] != "#"+fieldID("pain.back_worst") {
		t.Errorf("error summary links %v, want only the worst-pain question", summary)
	}
	checkValues(t, ctx, "after the 422", want)
	checkAxe(t, ctx, "422 page (en, phone)")
	checkLayout(t, ctx, "422 page (en, phone)")

	// The summary's link leads to the question; the patient fixes the answer.
	do(t, ctx, click("#error-summary li a"))
	fillItem(t, ctx, intake.V1.Item("pain.back_worst"), 8)
	shot(t, ctx, "fixed")
	want["pain.back_worst"] = []string{"8"}
	checkValues(t, ctx, "fixed", want)

	if st := submit(t, ctx); st != 200 {
		t.Fatalf("send the fixed form: status %d, want 200 after the redirect", st)
	}
	if !regexp.MustCompile(`/intake/done/[A-Za-z0-9_-]+$`).MatchString(location(t, ctx)) {
		t.Fatalf("after sending: at %s, want the confirmation page", location(t, ctx))
	}
	shot(t, ctx, "confirmation")
	text := pageText(t, ctx)
	if !strings.Contains(text, "Thank you") {
		t.Errorf("confirmation page says %q", text)
	}
	// Cancer history with leg symptoms screens as an emergency (RF-MAL-3).
	if got, want := eval[bool](t, ctx, `!!document.querySelector(".emergency")`), screenedEmergency(t, a); got != want {
		t.Errorf("emergency advice shown: %v; screening says emergency: %v", got, want)
	}
	checkAxe(t, ctx, "confirmation (en, phone)")
	checkLayout(t, ctx, "confirmation (en, phone)")
}

// TestEmergencyAdviceDesktop is flow 2: C01's answers (new saddle numbness
// and bladder change) typed in on a desktop screen give the emergency advice
// on the confirmation page.
func TestEmergencyAdviceDesktop(t *testing.T) {
	t.Parallel()
	ctx := tab(t, desktopW, desktopH, false)
	srv := startServer(t)
	a := caseAnswers(t, "C01")
	if !screenedEmergency(t, a) {
		t.Fatal("C01 no longer screens as an emergency; this test needs an emergency case")
	}
	navigate(t, ctx, srv.Base+"/intake")
	shot(t, ctx, "empty-form")
	checkAxe(t, ctx, "questionnaire (en, desktop)")
	fill(t, ctx, a)
	checkValues(t, ctx, "filled", formEncoding(a))
	shot(t, ctx, "filled")
	if st := submit(t, ctx); st != 200 {
		t.Fatalf("send: status %d\n%s", st, pageText(t, ctx))
	}
	shot(t, ctx, "confirmation")
	checkAdvice(t, ctx, "en")
	checkAxe(t, ctx, "confirmation with emergency advice (en, desktop)")
}

// checkAdvice asserts that the confirmation page shows the emergency advice
// in the patient's language, first on the page, and that <html lang> says so.
func checkAdvice(t testing.TB, ctx context.Context, lang string) {
	t.Helper()
	p := messages.For(lang)
	box := eval[string](t, ctx, `(document.querySelector(".emergency") || {innerText: ""}).innerText`)
	for _, want := range []string{p.T("advice.emergency.title"), p.T("advice.emergency")} {
		if !strings.Contains(box, want) {
			t.Errorf("%s: emergency box %q lacks %q", lang, box, want)
		}
	}
	if got := eval[string](t, ctx, `document.documentElement.lang`); got != lang {
		t.Errorf("<html lang=%q>, want %q", got, lang)
	}
	if !eval[bool](t, ctx, `document.querySelector("main").firstElementChild.classList.contains("emergency")`) {
		t.Errorf("%s: the emergency advice is not the first thing on the page", lang)
	}
}

// TestLanguagesPhone is flow 4 (and the layout checks of issue 7): C01's
// patient starts in one language, switches half-way with every answer kept,
// forgets the signature (422 in the new language), signs and sees the
// emergency advice in the language they finished in.
func TestLanguagesPhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ start, switchTo string }{{"es", "vi"}, {"vi", "es"}} {
		t.Run(tc.start+"-to-"+tc.switchTo, func(t *testing.T) {
			t.Parallel()
			ctx := tab(t, phoneW, phoneH, true)
			srv := startServer(t)
			a := caseAnswers(t, "C01")
			first, second := answers{}, answers{}
			for _, it := range intake.V1.Items() {
				v, ok := a[it.LinkID]
				switch {
				case !ok || it.LinkID == "consent.signature":
				case it.Section == "about" || it.Section == "pain" || it.Section == "symptoms":
					first[it.LinkID] = v
				default:
					second[it.LinkID] = v
				}
			}

			navigate(t, ctx, srv.Base+"/intake?lang="+tc.start)
			checkLang(t, ctx, tc.start)
			shot(t, ctx, "form-"+tc.start)
			checkLayout(t, ctx, "questionnaire ("+tc.start+", phone)")
			checkAxe(t, ctx, "questionnaire ("+tc.start+", phone)")
			checkTabFocus(t, ctx, "questionnaire ("+tc.start+", phone)", 30)
			fill(t, ctx, first)
			want := formEncoding(first)
			checkValues(t, ctx, "half-way in "+tc.start, want)

			if st := clickAndWait(t, ctx, click(`button[name="_lang"][value="`+tc.switchTo+`"]`)); st != 200 {
				t.Fatalf("switch to %s: status %d", tc.switchTo, st)
			}
			checkLang(t, ctx, tc.switchTo)
			if eval[bool](t, ctx, `!!document.getElementById("error-summary")`) {
				t.Errorf("a language switch validated the form")
			}
			checkValues(t, ctx, "after switching to "+tc.switchTo, want)
			shot(t, ctx, "switched-to-"+tc.switchTo)
			checkLayout(t, ctx, "questionnaire ("+tc.switchTo+", phone, half filled)")

			fill(t, ctx, second)
			for k, v := range formEncoding(second) {
				want[k] = v
			}
			if st := submit(t, ctx); st != 422 {
				t.Fatalf("send without a signature: status %d, want 422", st)
			}
			checkLang(t, ctx, tc.switchTo)
			shot(t, ctx, "422-"+tc.switchTo)
			checkErrorSummaryInView(t, ctx, "422 ("+tc.switchTo+", phone)")
			checkFocusVisible(t, ctx, "422 ("+tc.switchTo+", phone)")
			viewShot(t, ctx, "422-"+tc.switchTo+"-what-the-patient-sees")
			checkValues(t, ctx, "after the 422", want)
			checkLayout(t, ctx, "422 page ("+tc.switchTo+", phone)")
			checkAxe(t, ctx, "422 page ("+tc.switchTo+", phone)")
			if got := eval[string](t, ctx, `document.querySelector("#error-summary li a .m").innerText`); got != messages.For(tc.switchTo).T("item.consent.signature.error.required") {
				t.Errorf("error summary in %s says %q", tc.switchTo, got)
			}

			fillItem(t, ctx, intake.V1.Item("consent.signature"), a["consent.signature"])
			if st := submit(t, ctx); st != 200 {
				t.Fatalf("send: status %d\n%s", st, pageText(t, ctx))
			}
			shot(t, ctx, "confirmation-"+tc.switchTo)
			checkAdvice(t, ctx, tc.switchTo)
			checkLayout(t, ctx, "confirmation ("+tc.switchTo+", phone)")
			checkAxe(t, ctx, "confirmation ("+tc.switchTo+", phone)")
		})
	}
}

// checkLang asserts the page's language and that its language button is current.
func checkLang(t testing.TB, ctx context.Context, lang string) {
	t.Helper()
	if got := eval[string](t, ctx, `document.documentElement.lang`); got != lang {
		t.Errorf("<html lang=%q>, want %q", got, lang)
	}
	if got := eval[string](t, ctx, `(document.querySelector('button[name="_lang"][aria-current="true"]') || {value: ""}).value`); got != lang {
		t.Errorf("current language button %q, want %q", got, lang)
	}
}
