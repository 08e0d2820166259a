package screening

import "strconv"

// psychosocial evaluates spec/screening.md §4 (category psychosocial).
func psychosocial(l *flagList, f *facts) {
	a := f.a
	var yellow []string
	if a.Bool("psych.fear_movement") {
		yellow = append(yellow, "fear that moving will harm the back")
	}
	if a.Bool("psych.low_mood") {
		yellow = append(yellow, "low mood")
	}
	if a.Bool("psych.expect_worse") {
		yellow = append(yellow, "expects the back to get worse")
	}
	if weeks, ok := a.Int("work.weeks_off"); ok && a.Has("work.status", "off_work") && weeks > YellowFlagWeeksOff {
		yellow = append(yellow, "off work for over "+strconv.Itoa(YellowFlagWeeksOff)+" weeks")
	}
	if a.Bool("work.claim") {
		yellow = append(yellow, "compensation or legal claim")
	}
	// YF-1 — NZ, NIC11; the threshold of 2 is a design choice.
	if len(yellow) >= YellowFlagMin {
		l.add("YF-1", SeverityCaution, CategoryPsychosocial,
			"Yellow flags ("+list(yellow)+"): consider psychologically informed care.",
			"NZ", "NIC11", "design")
	}
}
