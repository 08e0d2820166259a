package screening

import "strconv"

// redFlags evaluates spec/screening.md §1 (category red_flag).
func redFlags(l *flagList, f *facts) {
	cesRules(l, f)
	neuroRules(l, f)
	malignancyRules(l, f)
	infectionRules(l, f)
	fractureRules(l, f)
}

// cesLabels name the four CES items in messages.
var cesLabels = map[string]string{
	"redflag.saddle_numbness": "saddle numbness",
	"redflag.bladder":         "bladder change",
	"redflag.bowel":           "bowel change",
	"redflag.sexual":          "sexual change",
}

// cesRules: cauda equina syndrome.
func cesRules(l *flagList, f *facts) {
	a := f.a
	anyNew, anyPresent := false, false
	var presentLabels []string
	for _, id := range cesItems {
		anyNew = anyNew || isNew(a, id)
		if present(a, id) {
			anyPresent = true
			presentLabels = append(presentLabels, cesLabels[id])
		}
	}

	// RF-CES-1 — BMJBP, GIRFT, GRE18.
	if isNew(a, "redflag.saddle_numbness") {
		l.add("RF-CES-1", SeverityEmergency, CategoryRedFlag,
			"New saddle numbness: suspected cauda equina syndrome; same-day emergency assessment.",
			"BMJBP", "GIRFT", "GRE18")
	}
	// RF-CES-2 — BMJBP, CHOU11.
	if isNew(a, "redflag.bladder") {
		l.add("RF-CES-2", SeverityEmergency, CategoryRedFlag,
			"New bladder change: suspected cauda equina syndrome; same-day emergency assessment.",
			"BMJBP", "CHOU11")
	}
	// RF-CES-3 — BMJBP, GIRFT.
	if bowel, sexual := isNew(a, "redflag.bowel"), isNew(a, "redflag.sexual"); bowel || sexual {
		what := "bowel change"
		switch {
		case bowel && sexual:
			what = "bowel and sexual change"
		case sexual:
			what = "sexual change"
		}
		l.add("RF-CES-3", SeverityEmergency, CategoryRedFlag,
			"New "+what+": suspected cauda equina syndrome; same-day emergency assessment.",
			"BMJBP", "GIRFT")
	}
	// RF-CES-OLD — GIRFT: longstanding CES symptoms; emergency until a doctor has checked them.
	if anyPresent && !anyNew {
		if checked, _ := a.BoolOK("redflag.ces_checked"); checked {
			l.add("RF-CES-OLD", SeverityUrgent, CategoryRedFlag,
				capitalise(list(presentLabels))+" for over 2 weeks, already checked by a doctor: assess for cauda equina syndrome before any treatment.",
				"GIRFT")
		} else {
			l.add("RF-CES-OLD", SeverityEmergency, CategoryRedFlag,
				capitalise(list(presentLabels))+" for over 2 weeks, not yet checked by a doctor: assess for cauda equina syndrome before any treatment.",
				"GIRFT")
		}
	}
	// RF-CES-CHART — GIRFT (design): the body chart and the safety question disagree.
	if a.Has("numbness.regions", "saddle") && a.Has("redflag.saddle_numbness", "no") {
		l.add("RF-CES-CHART", SeverityUrgent, CategoryRedFlag,
			"Saddle area marked on the numbness body chart but denied in the safety questions: clarify today.",
			"GIRFT", "design")
	}
	// RF-CES-4 — GIRFT, BMJBP.
	if f.bilateral {
		if anyNew || a.Has("weakness.side", "both") {
			l.add("RF-CES-4", SeverityEmergency, CategoryRedFlag,
				"Symptoms in both legs with a new cauda equina symptom or weakness in both legs: suspected cauda equina syndrome; same-day emergency assessment.",
				"GIRFT", "BMJBP")
		} else {
			l.add("RF-CES-4", SeverityUrgent, CategoryRedFlag,
				"Symptoms in both legs: ask about cauda equina signs (saddle numbness, bladder, bowel and sexual function) before treatment.",
				"GIRFT", "BMJBP")
		}
	}
}

// neuroRules: leg weakness.
func neuroRules(l *flagList, f *facts) {
	a := f.a
	if !a.Bool("weakness.present") {
		return
	}
	both, worsening := a.Has("weakness.side", "both"), a.Bool("weakness.worsening")
	switch {
	// RF-NEU-1 — CHOU11.
	case both:
		l.add("RF-NEU-1", SeverityEmergency, CategoryRedFlag,
			"Weakness in both legs: possible cauda equina syndrome or cord compression; same-day emergency assessment.",
			"CHOU11")
	case worsening:
		l.add("RF-NEU-1", SeverityUrgent, CategoryRedFlag,
			"Worsening leg weakness ("+a.String("weakness.side")+"): neurological review before any treatment.",
			"CHOU11")
	// RF-NEU-2 — CHOU11: one side, not worsening.
	case a.HasAny("weakness.side", "left", "right"):
		l.add("RF-NEU-2", SeverityCaution, CategoryRedFlag,
			"Leg weakness or foot drop ("+a.String("weakness.side")+"): neurological examination before treatment.",
			"CHOU11")
	}
}

// malignancyRules: spinal malignancy.
func malignancyRules(l *flagList, f *facts) {
	a := f.a
	cancer := a.Bool("redflag.cancer_history")

	// RF-MAL-1 — DOW13, HEN13.
	if cancer {
		l.add("RF-MAL-1", SeverityUrgent, CategoryRedFlag,
			"History of cancer: the strongest single red flag for spinal malignancy.",
			"DOW13", "HEN13")
	}
	// RF-MAL-2 — CG75 (now NG234).
	if cancer {
		var features []string
		if a.HasAny("pain.regions", "upper_back", "neck") {
			features = append(features, "thoracic or neck pain")
		}
		if a.Has("pain.trend", "worsening") {
			features = append(features, "worsening pain")
		}
		if a.Bool("pain.unrelieved") {
			features = append(features, "pain unrelieved by rest or position")
		}
		if answeredOther(a, "pain.night_waking", "no") {
			features = append(features, "night pain")
		}
		if a.Has("pain.worse_with", "coughing_sneezing") {
			features = append(features, "pain on coughing or sneezing")
		}
		if len(features) > 0 {
			l.add("RF-MAL-2", SeverityUrgent, CategoryRedFlag,
				"Cancer history with "+list(features)+": discuss with the oncology / MSCC team within 24 hours.",
				"CG75")
		}
	}
	// RF-MAL-3 — CG75 (now NG234).
	if cancer {
		neuro := (a.Bool("radiating.present") && answeredOther(a, "radiating.extent", "buttock")) ||
			a.Bool("numbness.present") || a.Bool("weakness.present")
		for _, id := range cesItems {
			neuro = neuro || present(a, id)
		}
		if neuro {
			l.add("RF-MAL-3", SeverityEmergency, CategoryRedFlag,
				"Cancer history with neurological symptoms: possible metastatic spinal cord compression; same-day emergency assessment.",
				"CG75")
		}
	}
	// RF-MAL-4 — CHOU11, SCOT.
	mal4 := a.HasAny("redflag.weight_loss", "yes", "unsure")
	if mal4 {
		msg := "Unexplained weight loss of about 5 kg in 3 months."
		if a.Has("redflag.weight_loss", "unsure") {
			msg = "Possible unexplained weight loss (patient unsure): weigh and ask again."
		}
		l.add("RF-MAL-4", SeverityCaution, CategoryRedFlag, msg, "CHOU11", "SCOT")
	}
	// RF-MAL-5 — CHOU11.
	mal5 := f.ageKnown && f.age >= MalignancyAge
	if mal5 {
		l.add("RF-MAL-5", SeverityCaution, CategoryRedFlag,
			"Age "+strconv.Itoa(MalignancyAge)+" or over: weak red flag for malignancy.",
			"CHOU11")
	}
	// RF-MAL-COMB — FIN20; combining weak flags is a design choice.
	if mal4 || mal5 {
		var signs []string
		if mal4 {
			signs = append(signs, "weight loss")
		}
		if mal5 {
			signs = append(signs, "age "+strconv.Itoa(MalignancyAge)+" or over")
		}
		if f.notImproving {
			signs = append(signs, "not improving after 6 weeks")
		}
		if a.Bool("pain.unrelieved") {
			signs = append(signs, "pain unrelieved by rest or position")
		}
		if len(signs) >= MalignancyCombMin {
			l.add("RF-MAL-COMB", SeverityUrgent, CategoryRedFlag,
				"Combination of weak malignancy flags ("+list(signs)+"): review before treatment.",
				"FIN20", "design")
		}
	}
}

// infectionRules: spinal infection.
func infectionRules(l *flagList, f *facts) {
	a := f.a
	fever := a.Bool("redflag.fever")
	switch {
	// RF-INF-1 — CHOU11, YUS19.
	case fever && len(f.infection) > 0:
		l.add("RF-INF-1", SeverityEmergency, CategoryRedFlag,
			"Fever with a spinal-infection risk factor ("+list(f.infection)+"): possible spinal infection; same-day emergency assessment.",
			"CHOU11", "YUS19")
	// RF-INF-2 — YUS19.
	case fever && a.Bool("redflag.unwell"):
		l.add("RF-INF-2", SeverityEmergency, CategoryRedFlag,
			"Fever with back pain in a patient who feels unwell today: possible spinal infection; same-day emergency assessment.",
			"YUS19")
	case fever:
		l.add("RF-INF-2", SeverityUrgent, CategoryRedFlag,
			"Fever with back pain: check for spinal infection before treatment.",
			"YUS19")
	// RF-INF-3 — YUS19.
	case len(f.infection) > 0:
		what := "Spinal-infection risk factor"
		if len(f.infection) > 1 {
			what = "Spinal-infection risk factors"
		}
		l.add("RF-INF-3", SeverityCaution, CategoryRedFlag,
			what+" without reported fever: "+list(f.infection)+".",
			"YUS19")
	}
}

// fractureRules: vertebral fracture.
func fractureRules(l *flagList, f *facts) {
	a := f.a
	var risks []string
	if a.Bool("redflag.osteoporosis") {
		risks = append(risks, "osteoporosis or a past fragility fracture")
	}
	if a.Bool("redflag.steroids") {
		risks = append(risks, "long-term steroid tablets")
	}
	if f.older {
		risks = append(risks, "age "+strconv.Itoa(f.age))
	}

	switch {
	// RF-FX-1 — DOW13, CHOU11.
	case a.Has("pain.onset", "major_trauma"):
		if a.Has("pain.duration", "lt6w") && !a.Bool("pain.seen_doctor") {
			l.add("RF-FX-1", SeverityEmergency, CategoryRedFlag,
				"Recent major trauma not yet seen by a doctor: possible fracture; same-day emergency assessment.",
				"DOW13", "CHOU11")
		} else {
			l.add("RF-FX-1", SeverityUrgent, CategoryRedFlag,
				"Major trauma: possible fracture; confirm medical assessment before treatment.",
				"DOW13", "CHOU11")
		}
	// RF-FX-2 — CHOU11, DOW13, CG146.
	case a.HasAny("pain.onset", "minor_fall_strain", "lifting_bending") && len(risks) > 0:
		l.add("RF-FX-2", SeverityUrgent, CategoryRedFlag,
			"Minor fall, strain or lifting with fracture risk ("+list(risks)+"): possible fragility fracture.",
			"CHOU11", "DOW13", "CG146")
	// RF-FX-3 — DOW13, CG146: neither RF-FX-1 nor RF-FX-2.
	case len(risks) >= FractureUrgentCount:
		l.add("RF-FX-3", SeverityUrgent, CategoryRedFlag,
			"Fracture risk factors ("+list(risks)+"): consider a fragility fracture.",
			"DOW13", "CG146")
	case len(risks) > 0:
		l.add("RF-FX-3", SeverityCaution, CategoryRedFlag,
			"Fracture risk factor ("+list(risks)+"): consider a fragility fracture.",
			"DOW13", "CG146")
	}
}
