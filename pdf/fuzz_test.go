package pdf

import (
	"bytes"
	"maps"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
)

// fuzzTextItems are the free-text answers a patient types; the fuzzer writes
// its third string into each of them (its first 100 runes into the one-line
// function.activity1).
var fuzzTextItems = []string{"goals.text", "notes.text", "history.medications", "history.conditions"}

// FuzzRender renders an intake whose names and free-text answers are
// arbitrary strings. Properties: Render never panics and never reaches its
// last-resort recover (gofpdf panicking: "pdf: render failed"); when the
// strings pass validation, as every stored intake does, Render returns nil
// and a PDF. Seeds: scripts and characters that troubled gofpdf or layout
// (pitfalls.md 6), plus testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	seeds := [][3]string{
		{"Ana", "García", "Walking the dog"},
		{"Thị Hồng", "Nguyễn", "Đi bộ 30 phút mỗi ngày"},
		{"Zoë", "O'Brien-Łukasiewicz", strings.Repeat("lifting boxes at work ", 180)},
		{"😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "emoji 🧍‍♀️ and astral 𐍈 runes"},
		{"王", "李", "中文 العربية עברית"},
		{"", "", ""},
		{"a\u0301", "e\u0300\u0323", "combining marks\r\nand CRLF\ttabs"},
		{"{nb}", "\uE0E0", "literal {nb} and private use \uE0E0"},
		{"\x00", "\xff\xfe", "\x1b[31m control \u202e bidi"},
		{strings.Repeat("W", 100), strings.Repeat("M", 100), strings.Repeat("W", 4000)},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	base, res := caseIntake(f, caseByID(f, "C01")) // many flags: the fullest page 1
	raw := caseByID(f, "C01").Raw()
	f.Fuzz(func(t *testing.T, given, family, text string) {
		in := base
		in.Answers = maps.Clone(base.Answers)
		in.Answers["patient.given_name"], in.Answers["patient.family_name"] = given, family
		r := maps.Clone(raw)
		r["patient.given_name"], r["patient.family_name"] = given, family
		for _, id := range fuzzTextItems {
			in.Answers[id] = text
			r[id] = text
		}
		line := []rune(text)
		line = line[:min(len(line), 100)]
		in.Answers["function.activity1"], r["function.activity1"] = string(line), string(line)
		valid, errs := intake.V1.Validate(r, intake.Context{SubmissionDate: base.SubmissionDate, GuardianAge: 18})
		var b bytes.Buffer
		err := Render(&b, in, res, testOptions)
		if err != nil && strings.Contains(err.Error(), "render failed") {
			t.Fatalf("gofpdf panicked on arbitrary text: %v", err)
		}
		if errs != nil {
			return
		}
		// Validated answers, as stored, always render. When validation did
		// not change the strings, the render above was already of them.
		if !maps.EqualFunc(valid, in.Answers, func(x, y any) bool { a, ok := x.(string); b, ok2 := y.(string); return !ok || !ok2 || a == b }) {
			in.Answers = valid
			b.Reset()
			err = Render(&b, in, res, testOptions)
		}
		if err != nil {
			t.Fatalf("valid answers do not render: %v", err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
			t.Fatal("Render returned nil without a PDF")
		}
	})
}
