package pdf

import (
	"strconv"
	"strings"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// Page 1 spacing (mm).
const (
	gap        = 3.2  // between blocks
	colGap     = 6.0  // between side-by-side columns
	keyW       = 27.0 // key column of symptom rows
	goalLines  = 4    // lines of goals.text on page 1; the rest is on the answer pages
	goalsTight = 2    // lines of goals.text when the flags need the room
)

// page1 draws the one-page summary and returns the flags that continue on
// page 2 (none when they all fit).
func (d *doc) page1(in intake.Intake, res screening.Result, opt Options) []screening.Flag {
	a := in.Answers
	d.header(opt.ClinicName)
	d.patient(in, res, opt.Location)

	// Measure everything below the flags panel first: the panel gets the rest
	// of the page, and flags that do not fit continue on page 2.
	w := d.width()
	leftW := w*0.56 - colGap/2
	rightW := w - leftW - colGap
	needH := d.needling(0, res.NeedlingStatus, false)
	legAsked := a.Answered("pain.leg_avg") || legPainReported(a)
	colsH := max(d.scores(0, 0, leftW, res.Scores, legAsked, false), d.bodyChart(0, 0, rightW, a.Codes("pain.regions"), a.Codes("numbness.regions"), false))
	sympH := d.symptoms(0, a, false)
	goalN := goalLines
	goalH := d.goals(0, a, goalN, false)
	budget := d.bottom() - d.y - gap - needH - gap - colsH - gap - sympH - gap - goalH
	flags := sortedFlags(res.Flags)
	if d.flagsHeight(flags, res.RulesVersion) > budget {
		// Flags come first: give them the goals' spare lines.
		goalN = goalsTight
		budget += goalH - d.goals(0, a, goalN, false)
	}
	rest := d.flagsPanel(flags, len(flags), res.RulesVersion, budget, true)
	d.y += gap
	d.y += d.needling(d.y, res.NeedlingStatus, true) + gap
	top := d.y
	d.scores(d.left(), top, leftW, res.Scores, legAsked, true)
	d.bodyChart(d.left()+leftW+colGap, top, rightW, a.Codes("pain.regions"), a.Codes("numbness.regions"), true)
	d.y = top + colsH + gap
	d.y += d.symptoms(d.y, a, true) + gap
	d.y += d.goals(d.y, a, goalN, true)
	return rest
}

// header draws the clinic name and the document's title.
func (d *doc) header(clinic string) {
	if clinic == "" {
		clinic = "Clinic"
	}
	title := "Back-pain intake · therapist summary"
	tw := d.fs.width(title, false, sizeSmall)
	maxW := d.width() - tw - 6
	ls := d.fs.wrap([]span{{oneLine(clinic), stHead}}, sizeHead+1, maxW)
	if len(ls) > 2 {
		// A clinic setting, not patient data: shortened visibly to keep page 1's room.
		ell := d.fs.width("…", true, sizeHead+1)
		ls = d.fs.wrap([]span{{oneLine(clinic), stHead}}, sizeHead+1, maxW-ell)[:2]
		ls[1].add("…", stHead, ell)
	}
	d.drawLines(d.left(), d.y, ls, sizeHead+1)
	d.drawLine(d.left()+d.width()-tw, d.y+(lh(sizeHead+1)-lh(sizeSmall)), line{pieces: []piece{{text: title, st: stMuted}}}, sizeSmall)
	d.y += float64(len(ls))*lh(sizeHead+1) + 0.8
	d.rule(d.y)
	d.y += 1.8
}

// patient draws the patient's name, birth date and age, sex, submission
// time in the clinic's zone, language and who completed the form.
func (d *doc) patient(in intake.Intake, res screening.Result, loc *time.Location) {
	a := in.Answers
	size := sizeName
	name := d.fs.wrap([]span{{oneLine(in.PatientName()), stBold}}, size, d.width())
	if len(name) > 2 {
		// Always the whole name, in a smaller size when it is very long.
		size = sizeHead + 2
		name = d.fs.wrap([]span{{oneLine(in.PatientName()), stBold}}, size, d.width())
	}
	d.y += d.drawLines(d.left(), d.y, name, size)
	if strings.ContainsRune(d.fs.clean(in.PatientName()), sentinel) {
		// The name is what identifies the patient: say at once that it is incomplete.
		note := d.fs.wrap([]span{{noteUnprintable, style{bold: true, color: colAlert}}}, sizeSmall, d.width())
		d.y += d.drawLines(d.left(), d.y, note, sizeSmall) + 0.4
	}

	born := a.String("patient.birth_date")
	if born == "" {
		born = "not answered"
	} else if age, ok := ageOf(in, res, loc); ok {
		born += " (age " + strconv.Itoa(age) + ")"
	}
	sex := choiceWord(a, "patient.sex", sexWords)
	completed := choiceWord(a, "meta.completed_by", completedWords)
	lang := word(langWords, in.Lang)
	if lang == "" {
		lang = "not recorded"
	}
	spans := []span{
		{"Born ", stMuted}, {born, stBold}, {"    ", stText}, {sex, stBold},
	}
	if g := a.String("patient.guardian_name"); g != "" {
		spans = append(spans, span{"    Guardian ", stMuted}, span{oneLine(g), stBold})
	}
	spans = append(spans,
		span{"\nSubmitted ", stMuted}, span{in.CreatedAt.In(loc).Format("2006-01-02 15:04 MST"), stBold},
		span{"    Language ", stMuted}, span{lang, stBold},
		span{"    Completed by ", stMuted}, span{completed, stBold},
	)
	ls := d.fs.wrap(spans, sizeHead, d.width())
	d.y += d.drawLines(d.left(), d.y+0.6, ls, sizeHead) + 0.6 + gap
}

// legPainReported mirrors pain.leg_avg's enableWhen: spreading pain or a leg
// code in pain.regions (spec/questionnaire.md §3).
func legPainReported(a intake.Answers) bool {
	return a.Bool("radiating.present") || a.HasAny("pain.regions", intake.LegRegions...)
}

// ageOf is the screening's age, else full years from the birth date to the
// submission date.
func ageOf(in intake.Intake, res screening.Result, loc *time.Location) (int, bool) {
	if res.Scores.Age != nil {
		return *res.Scores.Age, true
	}
	birth := in.Answers.BirthDate()
	if birth.IsZero() {
		return 0, false
	}
	on := in.SubmissionDate
	if on.IsZero() {
		on = intake.DateIn(in.CreatedAt, loc)
	}
	return intake.AgeOn(birth, on), true
}

// needling draws the dry-needling status line in the spec's wording
// (screening.NeedlingStatus.Wording) and returns its height.
func (d *doc) needling(y float64, st screening.NeedlingStatus, draw bool) float64 {
	wording := st.Wording()
	if wording == "" {
		wording = "not screened"
	}
	ls := d.fs.wrap([]span{{"DRY NEEDLING  ", stHead}, {wording, stBold}}, sizeHead, d.width()-5)
	h := float64(len(ls))*lh(sizeHead) + 2.4
	if draw {
		d.setFill(rgb{240, 240, 240})
		d.pdf.Rect(d.left(), y, d.width(), h, "F")
		d.setFill(colHead)
		d.pdf.Rect(d.left(), y, 1.2, h, "F")
		d.drawLines(d.left()+3.5, y+1.2, ls, sizeHead)
	}
	return h
}

// sectionTitle draws a small-caps style heading with a rule under it and
// returns its height.
func (d *doc) sectionTitle(x, y, w float64, title string, draw bool) float64 {
	ls := d.fs.wrap([]span{{title, stHead}}, sizeSmall+0.5, w)
	h := float64(len(ls))*lh(sizeSmall+0.5) + 0.5
	if draw {
		d.drawLines(x, y, ls, sizeSmall+0.5)
		d.setDraw(colRule, 0.2)
		d.pdf.Line(x, y+h, x+w, y+h)
	}
	return h + 1.2
}

// keyValue draws a key and its wrapped value and returns the row height.
func (d *doc) keyValue(x, y, w, kw float64, key, value string, draw bool) float64 {
	k := d.fs.wrap([]span{{key, stMuted}}, sizeSmall+0.5, kw-1.5)
	v := d.fs.wrap([]span{{value, stText}}, sizeSmall+0.5, w-kw)
	h := float64(max(len(k), len(v), 1)) * lh(sizeSmall+0.5)
	if draw {
		d.drawLines(x, y, k, sizeSmall+0.5)
		d.drawLines(x+kw, y, v, sizeSmall+0.5)
	}
	return h
}

// symptoms draws the back-pain symptoms in two columns and returns the height.
func (d *doc) symptoms(y float64, a intake.Answers, draw bool) float64 {
	top := y
	x, w := d.left(), d.width()
	y += d.sectionTitle(x, y, w, "BACK-PAIN SYMPTOMS", draw)
	colW := (w - colGap) / 2
	left := [][2]string{
		{"Pain areas", orNA(regionList(a.Codes("pain.regions")))},
		{"Morning stiffness", choiceWord(a, "stiffness.morning", stiffnessWords)},
		{"Spreading pain", spreading(a)},
		{"Numbness", numbness(a)},
		{"Weakness", weakness(a)},
	}
	right := [][2]string{
		{"Worse with", orNA(words(worseWords, a.Codes("pain.worse_with")))},
		{"Better with", orNA(words(betterWords, a.Codes("pain.better_with")))},
		{"Pattern", pattern(a)},
		{"Night pain", night(a)},
		{"Onset, course", course(a)},
	}
	hl, hr := 0.0, 0.0
	for _, kv := range left {
		hl += d.keyValue(x, y+hl, colW, keyW, kv[0], kv[1], draw) + 0.5
	}
	for _, kv := range right {
		hr += d.keyValue(x+colW+colGap, y+hr, colW, keyW-5, kv[0], kv[1], draw) + 0.5
	}
	return y - top + max(hl, hr)
}

// goals draws the PSFS activities with their scores and the goals text,
// shortened to maxLines with a pointer to the full text, and returns the height.
func (d *doc) goals(y float64, a intake.Answers, maxLines int, draw bool) float64 {
	top := y
	x, w := d.left(), d.width()
	y += d.sectionTitle(x, y, w, "GOALS AND ACTIVITIES", draw)
	size := sizeSmall + 0.5
	listed := false
	for n := 1; n <= 3; n++ {
		id := "function.activity" + strconv.Itoa(n)
		act := a.String(id)
		if act == "" {
			continue
		}
		listed = true
		score := "not scored"
		if s, ok := a.Int(id + "_score"); ok {
			score = strconv.Itoa(s) + "/10"
		}
		ls := d.fs.wrap([]span{{"Activity " + strconv.Itoa(n) + "  ", stMuted}, {oneLine(act), stText}, {"   " + score, stBold}}, size, w)
		if draw {
			d.drawLines(x, y, ls, size)
		}
		y += float64(len(ls)) * lh(size)
	}
	if listed {
		hint := d.fs.wrap([]span{{"PSFS: 0 = unable to do, 10 = as before the problem", stMuted}}, sizeSmall, w)
		if draw {
			d.drawLines(x, y, hint, sizeSmall)
		}
		y += float64(len(hint))*lh(sizeSmall) + 0.8
	}
	g := strings.TrimSpace(a.String("goals.text"))
	if g == "" {
		g = "not answered"
	}
	ls := d.fs.wrap([]span{{"Goals  ", stMuted}, {g, stText}}, size, w)
	if len(ls) > maxLines {
		sec := intake.V1.Item("goals.text").Section
		title := orDefault(messages.English().T(messages.SectionTitle(sec)), sec)
		ls = ls[:maxLines]
		ls = append(ls, d.fs.wrap([]span{{"… continues: the full text is under All answers, " + title + ".", stMuted}}, sizeSmall, w)...)
	}
	if draw {
		d.drawLines(x, y, ls, size)
	}
	y += float64(len(ls)) * lh(size)
	return y - top
}

func orNA(s string) string { return orDefault(s, "not answered") }

func choiceWord(a intake.Answers, id string, m map[string]string) string {
	if v := a.String(id); v != "" {
		return word(m, v)
	}
	return "not answered"
}

// boolWord returns yes or no by the answer to the yes/no question id, and ""
// when it is not answered.
func boolWord(a intake.Answers, id, yes, no string) string {
	b, ok := a.BoolOK(id)
	switch {
	case !ok:
		return ""
	case b:
		return yes
	}
	return no
}

func spreading(a intake.Answers) string {
	s := orNA(boolWord(a, "radiating.present", "yes", "no"))
	if s != "yes" {
		return s
	}
	if e := a.String("radiating.extent"); e != "" {
		s += ", to " + word(extentWords, e)
	}
	if side := a.String("radiating.side"); side != "" {
		s += ", " + word(sideWords, side)
	}
	return s
}

func numbness(a intake.Answers) string {
	s := orNA(boolWord(a, "numbness.present", "yes", "no"))
	if s != "yes" {
		return s
	}
	if r := regionList(a.Codes("numbness.regions")); r != "" {
		return "yes: " + r
	}
	return "yes"
}

func weakness(a intake.Answers) string {
	s := orNA(boolWord(a, "weakness.present", "yes", "no"))
	if s != "yes" {
		return s
	}
	if side := a.String("weakness.side"); side != "" {
		s += ", " + word(sideWords, side)
	}
	if w := boolWord(a, "weakness.worsening", "getting worse", "not getting worse"); w != "" {
		s += ", " + w
	}
	return s
}

func pattern(a intake.Answers) string {
	s := choiceWord(a, "pain.pattern", patternWords)
	if a.Bool("pain.unrelieved") {
		s += "; not eased by any position or rest"
	}
	return s
}

func night(a intake.Answers) string {
	s := choiceWord(a, "pain.night_waking", nightWords)
	if e := boolWord(a, "pain.night_eases_on_rising", "eases on getting up", "does not ease on getting up"); e != "" {
		s += "; " + e
	}
	return s
}

func course(a intake.Answers) string {
	parts := []string{choiceWord(a, "pain.duration", durationWords)}
	if n, ok := a.Int("pain.onset_age"); ok {
		parts = append(parts, "first at age "+strconv.Itoa(n))
	}
	if o := a.String("pain.onset"); o != "" {
		parts = append(parts, "onset "+word(onsetWords, o))
	}
	if t := a.String("pain.trend"); t != "" {
		parts = append(parts, word(trendWords, t))
	}
	if seen := boolWord(a, "pain.seen_doctor", "seen by a doctor", "not yet seen by a doctor"); seen != "" {
		parts = append(parts, seen)
	}
	return strings.Join(parts, "; ")
}
