package intake

// QuestionnaireID and QuestionnaireVersion name the definition below; Canonical
// joins them as stored with every intake ("back-pain-intake|1").
const (
	QuestionnaireID      = "back-pain-intake"
	QuestionnaireVersion = "1"
	Canonical            = QuestionnaireID + "|" + QuestionnaireVersion
)

// Body-chart region codes (spec/questionnaire.md), in storage order: each paired
// region left then right, then the central regions.
var Regions = []string{
	"lumbar_l", "lumbar_r", "buttock_l", "buttock_r",
	"thigh_front_l", "thigh_front_r", "thigh_back_l", "thigh_back_r",
	"knee_l", "knee_r", "lower_leg_l", "lower_leg_r", "foot_l", "foot_r",
	"upper_back", "neck", "saddle",
}

// LegRegions are the "leg codes": thigh, knee, lower leg and foot, both sides.
var LegRegions = []string{
	"thigh_front_l", "thigh_front_r", "thigh_back_l", "thigh_back_r",
	"knee_l", "knee_r", "lower_leg_l", "lower_leg_r", "foot_l", "foot_r",
}

var recentCodes = []string{"no", "yes_new", "yes_longstanding"}

var sideCodes = []string{"left", "right", "both"}

// Questionnaire is the ordered list of sections and their items.
type Questionnaire struct {
	Sections []Section
	byID     map[string]*Item
	items    []*Item
}

// Item returns the item with that linkId, or nil.
func (q *Questionnaire) Item(linkID string) *Item { return q.byID[linkID] }

// Items returns every item in questionnaire order. The slice is shared: do not modify.
func (q *Questionnaire) Items() []*Item { return q.items }

func newQuestionnaire(sections ...Section) *Questionnaire {
	q := &Questionnaire{Sections: sections, byID: map[string]*Item{}}
	for _, s := range sections {
		for _, it := range s.Items {
			it.Section = s.ID
			if (it.Type == TypeString) && it.MaxLen == 0 {
				it.MaxLen = 100
			}
			if it.Type == TypeText && it.MaxLen == 0 {
				it.MaxLen = 4000
			}
			if _, dup := q.byID[it.LinkID]; dup {
				panic("intake: duplicate linkId " + it.LinkID)
			}
			q.byID[it.LinkID] = it
			q.items = append(q.items, it)
		}
	}
	return q
}

func when(question string, answer any) []Condition {
	return []Condition{{Question: question, Op: OpEquals, Answer: answer}}
}

func yesNo(id string) *Item { return &Item{LinkID: id, Type: TypeBool, Required: true} }

func score(id string) *Item {
	return &Item{LinkID: id, Type: TypeInt, Required: true, Min: 0, Max: 10}
}

func choice(id string, codes ...string) *Item {
	return &Item{LinkID: id, Type: TypeChoice, Required: true, Options: codes}
}

func recent(id string) *Item {
	return &Item{LinkID: id, Type: TypeChoice, Required: true, Options: recentCodes, OptionSet: "recent"}
}

func side(id, presentID string) *Item {
	return &Item{LinkID: id, Type: TypeChoice, Required: true, Options: sideCodes, OptionSet: "side",
		EnableWhen: when(presentID, true)}
}

func legPainEnabled() []Condition {
	c := when("radiating.present", true)
	for _, r := range LegRegions {
		c = append(c, Condition{Question: "pain.regions", Op: OpEquals, Answer: r})
	}
	return c
}

func cesCheckedEnabled() []Condition {
	var c []Condition
	for _, id := range []string{"redflag.saddle_numbness", "redflag.bladder", "redflag.bowel", "redflag.sexual"} {
		c = append(c, Condition{Question: id, Op: OpNotEquals, Answer: "no"})
	}
	return c
}

// V1 is questionnaire back-pain-intake|1, exactly as spec/questionnaire.md.
var V1 = newQuestionnaire(
	Section{ID: "about", Items: []*Item{
		{LinkID: "patient.given_name", Type: TypeString, Required: true, Format: FormatName},
		{LinkID: "patient.family_name", Type: TypeString, Required: true, Format: FormatName},
		{LinkID: "patient.birth_date", Type: TypeDate, Required: true, NotAfterSubmission: true, NotBefore: "1900-01-01"},
		choice("patient.sex", "female", "male", "intersex", "not_said"),
		{LinkID: "patient.phone", Type: TypeString, Format: FormatPhone},
		{LinkID: "patient.email", Type: TypeString, MaxLen: 254, Format: FormatEmail},
		{LinkID: "patient.guardian_name", Type: TypeString, Required: true, Format: FormatName, GuardianRule: true},
		choice("meta.completed_by", "self", "helper"),
	}},
	Section{ID: "pain", Items: []*Item{
		choice("pain.duration", "lt6w", "6to12w", "gt12w"),
		choice("pain.onset", "gradual", "sudden_no_cause", "lifting_bending", "minor_fall_strain",
			"major_trauma", "after_procedure", "other"),
		yesNo("pain.seen_doctor"),
		{LinkID: "pain.onset_age", Type: TypeInt, Required: true, Min: 0, Max: 120,
			EnableWhen: when("pain.duration", "gt12w")},
		choice("pain.trend", "improving", "same", "worsening"),
		score("pain.back_now"),
		score("pain.back_avg"),
		score("pain.back_worst"),
		{LinkID: "pain.regions", Type: TypeMulti, Required: true, Options: Regions, OptionSet: "region"},
		choice("pain.pattern", "constant", "comes_and_goes"),
		{LinkID: "pain.worse_with", Type: TypeMulti, Required: true, Exclusive: "none",
			Options: []string{"bending", "lifting", "sitting", "standing", "walking", "lying_down",
				"coughing_sneezing", "twisting", "none"}},
		{LinkID: "pain.better_with", Type: TypeMulti, Required: true, Exclusive: "nothing",
			Options: []string{"rest", "movement", "heat", "ice", "lying_down", "sitting", "medication", "nothing"}},
		choice("pain.night_waking", "no", "first_half", "second_half"),
		{LinkID: "pain.night_eases_on_rising", Type: TypeBool, Required: true,
			EnableWhen: []Condition{{Question: "pain.night_waking", Op: OpNotEquals, Answer: "no"}}},
		yesNo("pain.unrelieved"),
	}},
	Section{ID: "symptoms", Items: []*Item{
		choice("stiffness.morning", "none", "lt15", "15to30", "30to60", "gt60"),
		yesNo("stiffness.better_with_exercise"),
		yesNo("stiffness.better_with_rest"),
		{LinkID: "stiffness.alternating_buttock", Type: TypeBool},
		yesNo("radiating.present"),
		{LinkID: "radiating.extent", Type: TypeChoice, Required: true,
			Options: []string{"buttock", "thigh", "below_knee", "foot"}, EnableWhen: when("radiating.present", true)},
		side("radiating.side", "radiating.present"),
		{LinkID: "pain.leg_avg", Type: TypeInt, Required: true, Min: 0, Max: 10, EnableWhen: legPainEnabled()},
		yesNo("numbness.present"),
		{LinkID: "numbness.regions", Type: TypeMulti, Required: true, Options: Regions, OptionSet: "region",
			EnableWhen: when("numbness.present", true)},
		yesNo("weakness.present"),
		side("weakness.side", "weakness.present"),
		{LinkID: "weakness.worsening", Type: TypeBool, Required: true, EnableWhen: when("weakness.present", true)},
	}},
	Section{ID: "safety", Items: []*Item{
		recent("redflag.saddle_numbness"),
		recent("redflag.bladder"),
		recent("redflag.bowel"),
		recent("redflag.sexual"),
		{LinkID: "redflag.ces_checked", Type: TypeBool, Required: true, EnableWhen: cesCheckedEnabled()},
		yesNo("redflag.cancer_history"),
		{LinkID: "redflag.cancer_details", Type: TypeString, MaxLen: 200, EnableWhen: when("redflag.cancer_history", true)},
		choice("redflag.weight_loss", "no", "yes", "unsure"),
		yesNo("redflag.fever"),
		yesNo("redflag.recent_infection"),
		yesNo("redflag.recent_spinal_procedure"),
		yesNo("redflag.iv_drug_use"),
		yesNo("redflag.immunosuppressed"),
		yesNo("redflag.osteoporosis"),
		yesNo("redflag.steroids"),
		yesNo("redflag.unwell"),
	}},
	Section{ID: "needling", Items: []*Item{
		choice("needling.willing", "yes", "unsure", "no"),
		yesNo("needling.bad_reaction"),
		yesNo("needling.anticoagulants"),
		yesNo("needling.bleeding_disorder"),
		choice("needling.pregnant", "no", "yes", "maybe", "not_applicable"),
		yesNo("needling.lymphedema"),
		{LinkID: "needling.lymphedema_where", Type: TypeString, Required: true, MaxLen: 200,
			EnableWhen: when("needling.lymphedema", true)},
		yesNo("needling.skin_problem"),
		yesNo("needling.heart_valve"),
		yesNo("needling.implanted_device"),
		choice("needling.epilepsy", "no", "controlled", "uncontrolled"),
		yesNo("needling.metal_allergy"),
		yesNo("needling.vascular"),
		choice("history.diabetes", "no", "controlled", "uncontrolled", "unsure"),
	}},
	Section{ID: "daily", Items: []*Item{
		score("function.enjoyment"),
		score("function.activity"),
		{LinkID: "function.activity1", Type: TypeString, Required: true},
		score("function.activity1_score"),
		{LinkID: "function.activity2", Type: TypeString},
		{LinkID: "function.activity2_score", Type: TypeInt, Required: true, Min: 0, Max: 10,
			EnableWhen: []Condition{{Question: "function.activity2", Op: OpExists}}},
		{LinkID: "function.activity3", Type: TypeString},
		{LinkID: "function.activity3_score", Type: TypeInt, Required: true, Min: 0, Max: 10,
			EnableWhen: []Condition{{Question: "function.activity3", Op: OpExists}}},
		yesNo("psych.fear_movement"),
		yesNo("psych.low_mood"),
		yesNo("psych.expect_worse"),
		choice("work.status", "working", "working_modified", "off_work", "not_working", "retired",
			"student", "homemaker"),
		{LinkID: "work.weeks_off", Type: TypeInt, Required: true, Min: 0, Max: 520,
			EnableWhen: when("work.status", "off_work")},
		{LinkID: "work.claim", Type: TypeBool},
		yesNo("history.previous_episodes"),
		{LinkID: "history.treatments", Type: TypeMulti, Options: []string{"physical_therapy", "chiropractic",
			"injections", "surgery", "medication", "acupuncture_dry_needling", "massage"}},
		{LinkID: "history.imaging", Type: TypeMulti, Options: []string{"xray", "mri", "ct"}},
		{LinkID: "history.nsaid_relief", Type: TypeChoice, Options: []string{"not_taken", "helped_within_48h", "did_not_help"}},
		{LinkID: "history.family_spa", Type: TypeBool},
		{LinkID: "history.psoriasis", Type: TypeBool},
		{LinkID: "history.arthritis", Type: TypeBool},
		{LinkID: "history.enthesitis", Type: TypeBool},
		{LinkID: "history.ibd_uveitis", Type: TypeBool},
		{LinkID: "history.medications", Type: TypeText},
		{LinkID: "history.conditions", Type: TypeText},
		{LinkID: "goals.text", Type: TypeText},
		{LinkID: "notes.text", Type: TypeText},
	}},
	Section{ID: "consent", Items: []*Item{
		{LinkID: "consent.treatment", Type: TypeBool, Required: true, MustBeYes: true},
		{LinkID: "consent.privacy", Type: TypeBool, Required: true, MustBeYes: true},
		{LinkID: "consent.signature", Type: TypeString, Required: true, Format: FormatName},
	}},
)
