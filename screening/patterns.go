package screening

import "strconv"

// patterns evaluates spec/screening.md §2 (category pattern): radicular pain
// and inflammatory back pain.
func patterns(l *flagList, f *facts) {
	radicular(l, f)
	inflammatory(l, f)
}

// radicular: RAD-1 to RAD-4.
func radicular(l *flagList, f *facts) {
	a := f.a
	leg, legOK := a.Int("pain.leg_avg")
	back, backOK := a.Int("pain.back_avg")
	// RAD-1 — STY18; ≥ (not the source's ">") is deliberately a little more sensitive.
	if !f.belowKnee || !legOK || !backOK || leg < back {
		return
	}
	l.add("RAD-1", SeverityInfo, CategoryPattern,
		"Pain below the knee with leg pain at least as bad as back pain: consistent with radicular pain.",
		"STY18")

	// RAD-2 — STY18: numbness on a side of the below-knee pain.
	numbSide := false
	for _, sd := range sides {
		numbSide = numbSide || (f.s[sd] && a.HasAny("numbness.regions", legCodes[sd]...))
	}
	if numbSide {
		l.add("RAD-2", SeverityInfo, CategoryPattern,
			"Numbness or tingling in the painful leg: neurological examination.",
			"STY18")
	}
	// RAD-3 — STY18, CHOU11.
	if a.Bool("weakness.present") &&
		(a.Has("weakness.side", "both") || (f.s[left] && onSide(a, "weakness.side", left)) ||
			(f.s[right] && onSide(a, "weakness.side", right))) {
		l.add("RAD-3", SeverityCaution, CategoryPattern,
			"Weakness with radicular pain: possible radiculopathy; neurological examination before treatment.",
			"STY18", "CHOU11")
	}
	// RAD-4 — NG59 (unconfirmed).
	if f.notImproving {
		l.add("RAD-4", SeverityCaution, CategoryPattern,
			"Radicular pain for 6 weeks or more and not improving: consider the specialist sciatica pathway.",
			"NG59")
	}
}

// inflammatory: the inflammatory back pain criteria sets (SIE09, NG65), all
// for an episode over 12 weeks (12 weeks is taken as 3 months).
func inflammatory(l *flagList, f *facts) {
	a := f.a
	if !a.Has("pain.duration", "gt12w") {
		return
	}
	onsetBelow := func(limit int) bool { return f.onsetOK && f.onsetAge < limit }
	gradual := a.Has("pain.onset", "gradual")
	exercise := a.Bool("stiffness.better_with_exercise")
	rest := a.Bool("stiffness.better_with_rest")
	secondHalf := a.Has("pain.night_waking", "second_half")
	alternating := a.Bool("stiffness.alternating_buttock")

	// IBP-ASAS — SIE09.
	asas := count(onsetBelow(IBPOnsetAge), gradual, exercise, !rest,
		answeredOther(a, "pain.night_waking", "no") && a.Bool("pain.night_eases_on_rising"))
	if asas >= ASASMinCriteria {
		l.add("IBP-ASAS", SeverityCaution, CategoryPattern,
			"Inflammatory back pain criteria met (ASAS, "+strconv.Itoa(asas)+" of 5): consider rheumatology referral.",
			"SIE09")
	}
	// IBP-CALIN — SIE09; the last criterion (over 3 months) holds for every gt12w episode.
	calin := count(onsetBelow(IBPOnsetAge), gradual, answeredOther(a, "stiffness.morning", "none"), exercise, true)
	if calin >= CalinMinCriteria {
		l.add("IBP-CALIN", SeverityCaution, CategoryPattern,
			"Inflammatory back pain criteria met (Calin, "+strconv.Itoa(calin)+" of 5): consider rheumatology referral.",
			"SIE09")
	}
	// IBP-BERLIN — SIE09.
	if f.ageKnown && f.age <= BerlinMaxAge {
		berlin := count(a.HasAny("stiffness.morning", "30to60", "gt60"), exercise && !rest, secondHalf, alternating)
		if berlin >= BerlinMinCriteria {
			l.add("IBP-BERLIN", SeverityCaution, CategoryPattern,
				"Inflammatory back pain criteria met (Berlin, "+strconv.Itoa(berlin)+" of 4): consider rheumatology referral.",
				"SIE09")
		}
	}
	// IBP-NG65 and IBP-NG65-3 — NG65.
	if onsetBelow(NG65OnsetAge) {
		buttock := a.HasAny("pain.regions", "buttock_l", "buttock_r") || alternating
		ng65 := count(onsetBelow(NG65EarlyOnsetAge), secondHalf, buttock, exercise,
			a.Has("history.nsaid_relief", "helped_within_48h"), a.Bool("history.family_spa"),
			a.Bool("history.arthritis"), a.Bool("history.enthesitis"), a.Bool("history.psoriasis"))
		switch {
		case ng65 >= NG65ReferCriteria:
			l.add("IBP-NG65", SeverityCaution, CategoryPattern,
				"Meets NICE criteria ("+strconv.Itoa(ng65)+" of 9) for referral to rheumatology for suspected spondyloarthritis.",
				"NG65")
		case ng65 == NG65TestCriteria:
			l.add("IBP-NG65-3", SeverityInfo, CategoryPattern,
				"3 of the NICE criteria for spondyloarthritis: consider HLA-B27 testing.",
				"NG65")
		}
	}
}
