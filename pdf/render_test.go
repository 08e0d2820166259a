package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/testtool"
	"github.com/backintake/backintake/screening"
	"golang.org/x/text/unicode/norm"
)

var clinicZone = mustZone("America/Los_Angeles")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var testOptions = Options{ClinicName: "Riverside Physical Therapy", Location: clinicZone}

// caseIntake builds the stored intake of a shared case, submitted at 10:30
// clinic time on its submission date, and its screening result.
func caseIntake(t testing.TB, c cases.Case) (intake.Intake, screening.Result) {
	t.Helper()
	a := c.Valid()
	d := c.Date()
	in := intake.Intake{
		ID:                   "id-" + c.ID[:3],
		CreatedAt:            time.Date(d.Year, d.Month, d.Day, 10, 30, 0, 0, clinicZone).UTC(),
		SubmissionDate:       d,
		QuestionnaireVersion: intake.Canonical,
		Lang:                 "en",
		Answers:              a,
	}
	return in, screening.Run(a, d, screening.Settings{GuardianAge: 18})
}

func loadCases(t testing.TB) []cases.Case {
	t.Helper()
	cs, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func caseByID(t testing.TB, prefix string) cases.Case {
	t.Helper()
	for _, c := range loadCases(t) {
		if strings.HasPrefix(c.ID, prefix) {
			return c
		}
	}
	t.Fatalf("no case %s", prefix)
	return cases.Case{}
}

func render(t testing.TB, in intake.Intake, res screening.Result, opt Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, in, res, opt); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.Bytes()
}

// scoreText is a score as page 1 prints it beside its bar.
func scoreText(v any) string {
	switch x := v.(type) {
	case *int:
		if x != nil {
			return strconv.Itoa(*x)
		}
	case *float64:
		if x != nil {
			return strconv.FormatFloat(*x, 'f', 1, 64)
		}
	}
	return ""
}

func TestRenderSharedCases(t *testing.T) {
	testtool.Need(t, "pdftotext", "poppler-utils")
	testtool.Need(t, "qpdf", "qpdf")
	for _, c := range loadCases(t) {
		t.Run(c.ID, func(t *testing.T) {
			in, res := caseIntake(t, c)
			path := writePDF(t, c.ID+".pdf", render(t, in, res, testOptions))
			run(t, "qpdf", "--check", path)

			all := pdfText(t, path, 0, 0, false)
			page1 := pdfText(t, path, 1, 1, false)
			layout1 := pdfText(t, path, 1, 1, true)
			if !strings.Contains(all, in.PatientName()) {
				t.Errorf("patient name %q not in the text", in.PatientName())
			}
			if !strings.Contains(page1, "FLAGS") {
				t.Error("page 1 has no flags panel")
			}
			if len(c.Expect.Flags) == 0 && !strings.Contains(page1, "No red flags reported") {
				t.Error(`no flags and no "No red flags reported"`)
			}
			checkFlagGroups(t, page1, c, res)

			want := screening.NeedlingStatus(c.Expect.NeedlingStatus).Wording()
			if !strings.Contains(page1, want) {
				t.Errorf("page 1 lacks needling status %q", want)
			}
			if !strings.Contains(page1, "higher = worse") || !strings.Contains(page1, "higher = better function") {
				t.Error("score scales are not labelled")
			}
			sc := res.Scores
			for label, v := range map[string]any{
				"NPRS back now": sc.NPRSBackNow, "NPRS back avg (week)": sc.NPRSBackAvg,
				"NPRS back worst (week)": sc.NPRSBackWorst, "NPRS leg avg (week)": sc.NPRSLegAvg,
				"PEG (3 items)": sc.PEG, "PSFS (mean of activities)": sc.PSFS, "QTF class": sc.QTF,
			} {
				s := scoreText(v)
				if s == "" {
					continue
				}
				re := regexp.MustCompile(regexp.QuoteMeta(label) + `\s+` + regexp.QuoteMeta(s) + `(/10)?\b`)
				if !re.MatchString(layout1) {
					t.Errorf("page 1 lacks %s %s", label, s)
				}
			}
			if sc.Chronicity != "" && !strings.Contains(page1, chronicityWords[sc.Chronicity]) {
				t.Errorf("page 1 lacks chronicity %s", sc.Chronicity)
			}
			// The case's own expected scores appear as printed.
			for k, v := range c.Expect.Scores {
				var s string
				switch x := v.(type) {
				case float64:
					s = strconv.FormatFloat(x, 'f', -1, 64)
					if k == "peg" || k == "psfs" {
						s = strconv.FormatFloat(x, 'f', 1, 64)
					}
				case string:
					s = chronicityWords[x]
				}
				if s != "" && !strings.Contains(page1, s) {
					t.Errorf("page 1 lacks expected score %s = %s", k, s)
				}
			}
			if strings.Contains(all, noteUnprintable) {
				t.Error("unprintable-characters note on a case with plain text")
			}
			checkLayout(t, pdfWords(t, path))
		})
	}
}

// checkFlagGroups checks that every expected flag id sits under the band of
// its severity (symbol and word) in page 1's text.
func checkFlagGroups(t *testing.T, page1 string, c cases.Case, res screening.Result) {
	t.Helper()
	bands := map[screening.Severity]int{}
	var starts []int
	for sev, look := range severityLooks {
		if i := strings.Index(page1, look.label); i >= 0 {
			bands[sev] = i
			starts = append(starts, i)
		}
	}
	end := strings.Index(page1, "DRY NEEDLING")
	for _, id := range c.Expect.Flags {
		sev := screening.Severity(c.Expect.FlagSeverity[id])
		if sev == "" {
			for _, f := range res.Flags {
				if f.ID == id {
					sev = f.Severity
				}
			}
		}
		start, ok := bands[sev]
		if !ok {
			t.Errorf("flag %s: no %q band on page 1", id, lookOf(sev).label)
			continue
		}
		stop := end
		for _, s := range starts {
			if s > start && s < stop {
				stop = s
			}
		}
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`).MatchString(page1[start:stop]) {
			t.Errorf("flag %s is not under the %s band", id, lookOf(sev).label)
		}
	}
}

// namedIntake is case C10 with the patient's name replaced.
func namedIntake(t testing.TB, given, family string) (intake.Intake, screening.Result) {
	t.Helper()
	in, res := caseIntake(t, caseByID(t, "C10"))
	in.Answers = maps.Clone(in.Answers)
	in.Answers["patient.given_name"] = given
	in.Answers["patient.family_name"] = family
	return in, res
}

func TestRenderScriptsComeBackExactly(t *testing.T) {
	testtool.Need(t, "pdffonts", "poppler-utils")
	for _, n := range [][2]string{
		{"Nguyễn", "Thị Ánh"},
		{"Żaneta", "Łukasiewicz-Øster"},
		{"Δημήτρης", "Παπαδόπουλος"},
		{"Светлана", "Иванова"},
		// Decomposed input (NFD) prints as NFC.
		{norm.NFD.String("Nguyễn"), norm.NFD.String("Thị Ánh")},
	} {
		in, res := namedIntake(t, n[0], n[1])
		path := writePDF(t, "name.pdf", render(t, in, res, testOptions))
		text := pdfText(t, path, 1, 1, false)
		want := norm.NFC.String(n[0] + " " + n[1])
		if !strings.Contains(text, want) {
			t.Errorf("page 1 lacks %q", want)
		}
		if strings.Contains(text, marker) || strings.Contains(text, noteUnprintable) {
			t.Errorf("%q: marker or note printed for a covered name", want)
		}
		checkFonts(t, path)
	}
}

// checkFonts requires every font in the file to be DejaVu Sans and embedded.
func checkFonts(t *testing.T, path string) {
	t.Helper()
	out := run(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts lists no fonts:\n%s", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 6 || !strings.Contains(strings.ToLower(f[0]), "dejavusans") || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded DejaVu Sans: %s", l)
		}
	}
}

func TestRenderUncoveredRunesGiveMarkerAndNote(t *testing.T) {
	in, res := namedIntake(t, "李小龙", "Lee")
	in.Answers["notes.text"] = "Smile 😀 and family 👨‍👩‍👧 and שלום and مرحبا done"
	path := writePDF(t, "cjk.pdf", render(t, in, res, testOptions))
	page1 := pdfText(t, path, 1, 1, false)
	if !strings.Contains(page1, marker+" Lee") {
		t.Errorf("page 1 does not print the name as %q", marker+" Lee")
	}
	if !strings.Contains(page1, noteUnprintable) {
		t.Error("page 1 lacks the unprintable-characters note")
	}
	all := pdfText(t, path, 0, 0, false)
	for _, r := range "李小龙😀👨שלםمرحبا" {
		if strings.ContainsRune(all, r) {
			t.Errorf("%q was drawn although the fonts do not cover it", r)
		}
	}
	if !strings.Contains(stripSpace(all), stripSpace("Smile "+marker+" and family "+marker+" and "+marker+" and "+marker+" done")) {
		t.Error("notes.text does not show one marker per unprintable run")
	}
	checkLayout(t, pdfWords(t, path))
}

func TestCleanMarksRunsAndNormalises(t *testing.T) {
	fs, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	m := string(sentinel)
	for _, tc := range []struct{ in, want string }{
		{"Ánh", "Ánh"},
		{norm.NFD.String("Nguyễn"), "Nguyễn"},
		{"李小龙 Lee", m + " Lee"},
		{"a😀\uFE0Fb", "a" + m + "b"},
		{"👨\u200D👩\u200D👧", m},
		{"x\U0001D400y", "x" + m + "y"},
		{"tab\there\r\nnext", "tab here\nnext"},
		{"a\u200Db", "ab"},
	} {
		if got := fs.clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// answerWords joins, page by page, the words of the answer pages that start
// at or right of the answer column, leaving out footers and "continued" labels.
func answerWords(pages []bboxPage) string {
	var b strings.Builder
	for _, p := range pages[1:] {
		label := -1.0 // top of the page's "(continued) question" line
		for _, w := range p.words {
			if w.text == "(continued)" {
				label = w.yMin
			}
		}
		for _, w := range p.words {
			if w.xMin >= (marginX+answerIndent)*mmPt-0.5 && w.yMax < p.h-marginBottom*mmPt && math.Abs(w.yMin-label) > 1 {
				b.WriteString(w.text)
			}
		}
	}
	return b.String()
}

func TestRenderLongTextKeepsEveryCharacter(t *testing.T) {
	var word strings.Builder
	for i := 0; word.Len() < 20000; i++ {
		word.WriteString(strconv.Itoa(i % 10))
		word.WriteByte("abcdefghijklmnopqrstuvwxyz"[i%26])
	}
	long := word.String()[:20000]
	var prose strings.Builder
	words := strings.Fields("the patient reports that pain began after moving house and gets worse when sitting for long drives to work or lifting boxes")
	for i := 0; prose.Len() < 6000; i++ {
		prose.WriteString(words[i%len(words)])
		if i%17 == 16 {
			prose.WriteString(".\n")
		} else {
			prose.WriteByte(' ')
		}
	}
	for name, text := range map[string]string{"20000 characters without spaces": long, "6000 characters of prose": prose.String()} {
		t.Run(name, func(t *testing.T) {
			in, res := caseIntake(t, caseByID(t, "C10"))
			in.Answers = maps.Clone(in.Answers)
			in.Answers["notes.text"] = text
			path := writePDF(t, "long.pdf", render(t, in, res, testOptions))
			pages := pdfWords(t, path)
			if !strings.Contains(answerWords(pages), stripSpace(text)) {
				t.Error("the answer pages do not hold every character of notes.text")
			}
			checkLayout(t, pages)
		})
	}
}

// syntheticFlags returns n flags spread over the four severities, sorted.
func syntheticFlags(n int) []screening.Flag {
	sevs := []screening.Severity{screening.SeverityEmergency, screening.SeverityUrgent, screening.SeverityCaution, screening.SeverityInfo}
	var out []screening.Flag
	for _, sev := range sevs {
		for i := 0; i < n; i++ {
			if sevs[i%4] != sev {
				continue
			}
			out = append(out, screening.Flag{
				ID: fmt.Sprintf("SYN-%02d", i+1), Severity: sev, Category: screening.CategoryRedFlag,
				Message: fmt.Sprintf("Synthetic flag number %d with a message long enough to wrap onto a second line of the panel when the page is narrow.", i+1),
				Source:  []string{"CHOU11", "design"},
			})
		}
	}
	return out
}

func TestRenderFlagsOverflowContinueOnPage2(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C04"))
	res.Flags = syntheticFlags(40)
	res.HighestSeverity = screening.SeverityEmergency
	path := writePDF(t, "flags.pdf", render(t, in, res, testOptions))
	page1 := pdfText(t, path, 1, 1, false)
	rest := pdfText(t, path, 2, 0, false)
	rest = rest[:strings.Index(rest, "ALL ANSWERS")]
	m := regexp.MustCompile(`\+ (\d+) more flags \(([^)]*)\) continue on page 2`).FindStringSubmatch(page1)
	if m == nil {
		t.Fatal(`page 1 does not say how many more flags continue on page 2`)
	}
	more, _ := strconv.Atoi(m[1])
	idRe := regexp.MustCompile(`SYN-\d\d`)
	on1 := idRe.FindAllString(page1, -1)
	later := idRe.FindAllString(rest, -1)
	if len(on1) == 0 || len(on1)+more != 40 {
		t.Errorf("page 1 shows %d flags and says %d more, want 40 in all", len(on1), more)
	}
	if len(later) != more {
		t.Errorf("later pages continue %d flags, page 1 announced %d", len(later), more)
	}
	if !strings.HasPrefix(strings.TrimSpace(rest), "FLAGS (continued)") {
		t.Error("page 2 does not start with the continued flags")
	}
	seen := map[string]int{}
	for _, id := range append(on1, later...) {
		seen[id]++
	}
	for _, f := range res.Flags {
		if seen[f.ID] != 1 {
			t.Errorf("flag %s printed %d times, want once", f.ID, seen[f.ID])
		}
	}
	if !strings.Contains(page1, "DRY NEEDLING") || !strings.Contains(page1, "higher = worse") {
		t.Error("page 1 lost the needling line or the scores to the flags")
	}
	checkLayout(t, pdfWords(t, path))
}

func TestRenderIsDeterministic(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C01"))
	a := render(t, in, res, testOptions)
	b := render(t, in, res, testOptions)
	if !bytes.Equal(a, b) {
		t.Fatal("two renders of the same intake differ")
	}
	created := in.CreatedAt.Format("20060102150405")
	if !bytes.Contains(a, []byte("/CreationDate (D:"+created)) {
		t.Errorf("creation date is not the submission time %s", created)
	}
	// The cut fonts, the one step that is not per document, are stable too.
	f1, err := buildFonts()
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := buildFonts()
	if !bytes.Equal(f1.regular, f2.regular) || !bytes.Equal(f1.bold, f2.bold) {
		t.Fatal("cutting the fonts twice gives different bytes")
	}
}

func TestRenderPaperSizes(t *testing.T) {
	testtool.Need(t, "pdfinfo", "poppler-utils")
	in, res := caseIntake(t, caseByID(t, "C02"))
	for paper, want := range map[string]string{"": "612 x 792 pts (letter)", "letter": "612 x 792 pts (letter)", "a4": "595.28 x 841.89 pts (A4)", "A4": "595.28 x 841.89 pts (A4)"} {
		opt := testOptions
		opt.Paper = paper
		path := writePDF(t, "paper.pdf", render(t, in, res, opt))
		if info := run(t, "pdfinfo", path); !strings.Contains(info, want) {
			t.Errorf("paper %q: pdfinfo says\n%s\nwant page size %s", paper, info, want)
		}
		checkLayout(t, pdfWords(t, path))
	}
	var b bytes.Buffer
	opt := testOptions
	opt.Paper = "legal"
	if err := Render(&b, in, res, opt); !errors.Is(err, ErrPaper) || b.Len() != 0 {
		t.Errorf("paper legal: err %v and %d bytes written, want ErrPaper and nothing", err, b.Len())
	}
}

func TestRenderSubmissionTimeInClinicZone(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C10"))
	path := writePDF(t, "tz.pdf", render(t, in, res, testOptions))
	want := in.CreatedAt.In(clinicZone).Format("2006-01-02 15:04 MST")
	if !strings.HasSuffix(want, "10:30 PST") && !strings.HasSuffix(want, "10:30 PDT") {
		t.Fatalf("test setup: %s is not 10:30 clinic time", want)
	}
	if text := pdfText(t, path, 1, 1, false); !strings.Contains(text, "Submitted "+want) {
		t.Errorf("page 1 lacks the submission time %s", want)
	}
}

func TestRenderFullestPage1StaysOnPage1(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C02"))
	a := maps.Clone(in.Answers)
	a["patient.given_name"] = strings.Repeat("Maximiliana ", 8) + "Ximena"
	a["patient.family_name"] = strings.Repeat("Wolfeschlegelsteinhausen", 4)
	a["patient.guardian_name"] = "Guardian Person"
	a["pain.regions"] = append([]string(nil), intake.Regions...)
	a["numbness.present"] = true
	a["numbness.regions"] = append([]string(nil), intake.Regions...)
	a["pain.worse_with"] = []string{"bending", "lifting", "sitting", "standing", "walking", "lying_down", "coughing_sneezing", "twisting"}
	a["pain.better_with"] = []string{"rest", "movement", "heat", "ice", "lying_down", "sitting", "medication"}
	a["pain.night_waking"] = "second_half"
	a["pain.night_eases_on_rising"] = false
	a["weakness.present"] = true
	a["weakness.side"] = "both"
	a["weakness.worsening"] = true
	for n := 1; n <= 3; n++ {
		a["function.activity"+strconv.Itoa(n)] = strings.Repeat("Carrying groceries upstairs ", 4)[:100]
		a["function.activity"+strconv.Itoa(n)+"_score"] = n
	}
	goals := strings.Repeat("I want to play football with my children again and walk to work without stopping. ", 48)
	a["goals.text"] = goals
	in.Answers = a
	res.Flags = syntheticFlags(40)
	opt := testOptions
	opt.ClinicName = strings.Repeat("Riverside Physical Therapy and Sports Rehabilitation ", 3)
	for _, paper := range []string{"letter", "a4"} {
		opt.Paper = paper
		path := writePDF(t, "full.pdf", render(t, in, res, opt))
		page1 := pdfText(t, path, 1, 1, false)
		for _, s := range []string{"FLAGS", "more flags", "DRY NEEDLING", "SCORES", "BODY CHART", "BACK-PAIN SYMPTOMS", "GOALS AND ACTIVITIES", "full text is under All answers"} {
			if !strings.Contains(page1, s) {
				t.Errorf("%s: page 1 lacks %q", paper, s)
			}
		}
		if !strings.Contains(answerWords(pdfWords(t, path)), stripSpace(goals)) {
			t.Errorf("%s: the answer pages lack the full goals text", paper)
		}
		checkLayout(t, pdfWords(t, path))
	}
}

func TestRenderEmptyIntake(t *testing.T) {
	testtool.Need(t, "qpdf", "qpdf")
	path := writePDF(t, "empty.pdf", render(t, intake.Intake{}, screening.Result{}, Options{}))
	run(t, "qpdf", "--check", path)
	if text := pdfText(t, path, 1, 1, false); !strings.Contains(text, "No red flags reported") || !strings.Contains(text, "not answered") {
		t.Error("an empty intake does not print as unanswered")
	}
}

func TestRenderKeepsUnknownAnswers(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C10"))
	in.Answers = maps.Clone(in.Answers)
	in.Answers["future.item"] = "kept value"
	path := writePDF(t, "other.pdf", render(t, in, res, testOptions))
	if text := pdfText(t, path, 2, 0, false); !strings.Contains(text, "future.item") || !strings.Contains(text, "kept value") {
		t.Error("an answer with an unknown linkId was dropped")
	}
}

func TestRenderConcurrent(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C04"))
	want := render(t, in, res, testOptions)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var b bytes.Buffer
			err := Render(&b, in, res, testOptions)
			if err == nil && !bytes.Equal(b.Bytes(), want) {
				err = errors.New("concurrent render differs")
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestPanicErrorHasNoPatientData(t *testing.T) {
	if err := panicError("Mateo Ruiz 1981-03-07"); strings.Contains(err.Error(), "Mateo") {
		t.Errorf("panic value leaked into %q", err)
	}
	var s []int
	func() {
		defer func() {
			if err := panicError(recover()); !strings.Contains(err.Error(), "index out of range") {
				t.Errorf("runtime error lost: %v", err)
			}
		}()
		_ = s[3]
	}()
}

func TestRenderPageCountAliasNotInPatientText(t *testing.T) {
	in, res := caseIntake(t, caseByID(t, "C10"))
	in.Answers = maps.Clone(in.Answers)
	in.Answers["notes.text"] = "literal {nb} and \uE0E0\uE0E0 here"
	path := writePDF(t, "alias.pdf", render(t, in, res, testOptions))
	text := pdfText(t, path, 0, 0, false)
	if !strings.Contains(text, "literal {nb} and "+marker+" here") {
		t.Error("patient text was changed by the page-count alias")
	}
	pages := strings.Count(text, "\f")
	if !strings.Contains(text, fmt.Sprintf("Page 1 of %d", pages)) {
		t.Errorf("footer does not say Page 1 of %d", pages)
	}
}
