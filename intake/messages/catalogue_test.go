package messages

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"golang.org/x/text/unicode/norm"
)

// entry is one message as written in a locale file.
type entry struct {
	File  string            // e.g. items.es.json
	Key   string            // message id
	Desc  string            // "description"
	Forms map[string]string // plural form → text; a plain string is "other"
}

// catalogue is every locale file's messages: language → key → entry, plus
// each language's keys in file order (files sorted by name).
type catalogue struct {
	byLang map[string]map[string]entry
	order  map[string][]string
}

// text returns the "other" form of key in lang, or "".
func (c catalogue) text(lang, key string) string { return c.byLang[lang][key].Forms["other"] }

// loadCatalogue reads the embedded locale files the way they ship, keeping
// descriptions and key order, which go-i18n does not expose.
func loadCatalogue(t *testing.T) catalogue {
	t.Helper()
	c := catalogue{byLang: map[string]map[string]entry{}, order: map[string][]string{}}
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no locale files (%v)", err)
	}
	for _, f := range files {
		base := path.Base(f)
		parts := strings.Split(base, ".")
		if len(parts) != 3 || parts[2] != "json" {
			t.Fatalf("%s: want <part>.<lang>.json", base)
		}
		lang := parts[1]
		if !IsSupported(lang) {
			t.Fatalf("%s: language %q is not in Supported", base, lang)
		}
		data, err := locales.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := parseLocaleFile(base, data)
		if err != nil {
			t.Fatal(err)
		}
		if c.byLang[lang] == nil {
			c.byLang[lang] = map[string]entry{}
		}
		for _, e := range entries {
			if prev, dup := c.byLang[lang][e.Key]; dup {
				t.Fatalf("%s: key %q already defined in %s", base, e.Key, prev.File)
			}
			c.byLang[lang][e.Key] = e
			c.order[lang] = append(c.order[lang], e.Key)
		}
	}
	return c
}

// parseLocaleFile reads a flat go-i18n JSON file in order: each value is a
// string or an object of description and plural forms.
func parseLocaleFile(name string, data []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: not a JSON object", name)
	}
	var out []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, key, err)
		}
		e := entry{File: name, Key: key, Forms: map[string]string{}}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			e.Forms["other"] = s
		} else {
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("%s: %s: want a string or {description, other}: %w", name, key, err)
			}
			for k, v := range m {
				switch k {
				case "description":
					e.Desc = v
				case "zero", "one", "two", "few", "many", "other":
					e.Forms[k] = v
				default:
					return nil, fmt.Errorf("%s: %s: unexpected field %q", name, key, k)
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// errorCodes returns every validation Code declared in package intake, read
// from its source so that a new code cannot be added without a message.
func errorCodes(t *testing.T) []intake.Code {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var codes []intake.Code
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for _, v := range vs.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						codes = append(codes, intake.Code(s))
					}
				}
			}
		}
	}
	if !slices.Contains(codes, intake.CodeRequired) || !slices.Contains(codes, intake.CodeIdempotencyKey) {
		t.Fatalf("reading intake's Code constants found only %v", codes)
	}
	return codes
}

// isScore0to10 reports whether it is a 0-10 scale item, which needs anchors.
func isScore0to10(it *intake.Item) bool {
	return it.Type == intake.TypeInt && it.Min == 0 && it.Max == 10
}

// requiredKeys lists every key the patient form, validation and confirmation
// page need, derived from intake.V1 and intake's error codes.
func requiredKeys(t *testing.T) []string {
	keys := []string{Yes, No, "advice.emergency", "advice.emergency.title",
		"consent.privacy_notice", "consent.treatment_notice"}
	for _, s := range intake.V1.Sections {
		keys = append(keys, SectionTitle(s.ID))
	}
	for _, it := range intake.V1.Items() {
		keys = append(keys, ItemText(it.LinkID))
		if isScore0to10(it) {
			keys = append(keys, ScaleLow(it.LinkID), ScaleHigh(it.LinkID))
		}
		for _, o := range it.Options {
			keys = append(keys, Option(it, o))
		}
	}
	for _, c := range errorCodes(t) {
		keys = append(keys, Error(c))
	}
	return keys
}

func TestEveryRequiredKeyInEveryLanguage(t *testing.T) {
	c := loadCatalogue(t)
	keys := requiredKeys(t)
	if len(keys) < 250 {
		t.Fatalf("only %d required keys derived from intake.V1: the derivation is broken", len(keys))
	}
	for _, lang := range Supported {
		p := For(lang)
		for _, k := range keys {
			if strings.TrimSpace(c.text(lang, k)) == "" {
				t.Errorf("%s: %s missing or empty", lang, k)
				continue
			}
			if !p.Has(k) {
				t.Errorf("%s: %s is in the file but go-i18n does not serve it in %s", lang, k, lang)
			}
		}
	}
}

func TestSameKeysInEveryLanguage(t *testing.T) {
	c := loadCatalogue(t)
	for _, lang := range Supported[1:] {
		for _, k := range c.order["en"] {
			if strings.TrimSpace(c.text(lang, k)) == "" {
				t.Errorf("%s: %s (from %s) missing or empty", lang, k, c.byLang["en"][k].File)
			}
		}
		for _, k := range c.order[lang] {
			if _, ok := c.byLang["en"][k]; !ok {
				t.Errorf("%s: %s is not in English, the source language", lang, k)
			}
		}
	}
	for _, k := range c.order["en"] {
		if strings.TrimSpace(c.text("en", k)) == "" {
			t.Errorf("en: %s is empty", k)
		}
	}
}

func TestTextsAreNFCAndTrimmed(t *testing.T) {
	c := loadCatalogue(t)
	for _, lang := range Supported {
		for _, k := range c.order[lang] {
			e := c.byLang[lang][k]
			for form, s := range e.Forms {
				if !norm.NFC.IsNormalString(s) {
					t.Errorf("%s: %s (%s) is not NFC", lang, k, form)
				}
				if s != strings.TrimSpace(s) {
					t.Errorf("%s: %s (%s) has leading or trailing space", lang, k, form)
				}
			}
			if !norm.NFC.IsNormalString(e.Desc) {
				t.Errorf("%s: %s description is not NFC", lang, k)
			}
		}
	}
}

// reviewed matches a sign-off that replaces "UNREVIEWED:" once a qualified
// medical translator has checked a message (see docs/glossary.md).
var reviewed = regexp.MustCompile(`^REVIEWED \d{4}-\d{2}-\d{2} by [^:]+:`)

func TestTranslationsAreMarkedUntilReviewed(t *testing.T) {
	c := loadCatalogue(t)
	for _, lang := range Supported[1:] {
		for _, k := range c.order[lang] {
			d := c.byLang[lang][k].Desc
			if !strings.HasPrefix(d, "UNREVIEWED:") && !reviewed.MatchString(d) {
				t.Errorf("%s: %s: description %q must start with UNREVIEWED: (or a REVIEWED <date> by <name>: sign-off)", lang, k, d)
			}
		}
	}
}

// TestNoStrayKeys catches typos: every item, option, section and error key
// must name something that exists in intake.V1 or in intake's error codes.
func TestNoStrayKeys(t *testing.T) {
	c := loadCatalogue(t)
	codes := errorCodes(t)
	sections := map[string]bool{}
	for _, s := range intake.V1.Sections {
		sections[s.ID] = true
	}
	sets := map[string]*intake.Item{}
	for _, it := range intake.V1.Items() {
		if it.OptionSet != "" {
			sets[it.OptionSet] = it
		}
	}
	for _, k := range c.order["en"] {
		if err := checkKey(k, sections, sets, codes); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func checkKey(k string, sections map[string]bool, sets map[string]*intake.Item, codes []intake.Code) error {
	f := strings.Split(k, ".")
	switch f[0] {
	case "section":
		if len(f) != 3 || !sections[f[1]] || (f[2] != "title" && f[2] != "intro") {
			return fmt.Errorf("want section.<id>.title|intro with a section of intake.V1")
		}
	case "error":
		if !slices.Contains(codes, intake.Code(strings.TrimPrefix(k, "error."))) {
			return fmt.Errorf("no such error code in intake")
		}
	case "option":
		it := sets[f[1]]
		if len(f) != 3 || it == nil || !it.HasOption(f[2]) {
			return fmt.Errorf("no option set or code of that name")
		}
	case "item":
		var it *intake.Item
		var rest []string
		for i := len(f) - 1; i > 1 && it == nil; i-- {
			it, rest = intake.V1.Item(strings.Join(f[1:i], ".")), f[i:]
		}
		if it == nil {
			return fmt.Errorf("no item of intake.V1 matches")
		}
		switch {
		case len(rest) == 1 && (rest[0] == "text" || rest[0] == "help"):
		case len(rest) == 1 && (rest[0] == "low" || rest[0] == "high"):
			if !isScore0to10(it) {
				return fmt.Errorf("anchors only belong to 0-10 scales")
			}
		case len(rest) == 2 && rest[0] == "option":
			if it.OptionSet != "" || !it.HasOption(rest[1]) {
				return fmt.Errorf("not an option of the item (or the item uses option.%s)", it.OptionSet)
			}
		case len(rest) == 2 && rest[0] == "error":
			if !slices.Contains(codes, intake.Code(rest[1])) {
				return fmt.Errorf("no such error code in intake")
			}
		default:
			return fmt.Errorf("want item.<linkId>.text|help|low|high|option.<code>|error.<code>")
		}
	}
	return nil
}

var templateField = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func templateFields(s string) []string {
	var out []string
	for _, m := range templateField.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestTemplatesMatchAndRender checks that a translation uses the same template
// fields as English and that every message renders when given those fields.
func TestTemplatesMatchAndRender(t *testing.T) {
	c := loadCatalogue(t)
	for _, k := range c.order["en"] {
		want := templateFields(c.text("en", k))
		data := map[string]any{}
		for _, f := range want {
			data[f] = 7
		}
		for _, lang := range Supported {
			if got := templateFields(c.text(lang, k)); !slices.Equal(got, want) {
				t.Errorf("%s: %s uses fields %v, English uses %v", lang, k, got, want)
			}
			s := For(lang).T(k, data)
			if strings.Contains(s, "{{") || strings.Contains(s, "<no value>") {
				t.Errorf("%s: %s renders as %q", lang, k, s)
			}
		}
	}
	bounds := map[string]any{"Min": 0, "Max": 10}
	if got := For("es").T(Error(intake.CodeRange), bounds); !strings.Contains(got, "0") || !strings.Contains(got, "10") {
		t.Errorf("es range error %q does not show the bounds", got)
	}
}

// TestQuotedLabelsMatchOptions checks that error messages naming an option
// quote the option's label in the same language.
func TestQuotedLabelsMatchOptions(t *testing.T) {
	for _, lang := range Supported {
		p := For(lang)
		for _, id := range []string{"pain.worse_with", "pain.better_with"} {
			it := intake.V1.Item(id)
			label := p.T(Option(it, it.Exclusive))
			msg := p.T("item." + id + ".error.required")
			if !strings.Contains(msg, "“"+label+"”") {
				t.Errorf("%s: %s required message %q does not quote the label %q", lang, id, msg, label)
			}
		}
		yes := p.T(Yes)
		for _, k := range []string{"error.must_be_yes", "item.consent.treatment.error.must_be_yes", "item.consent.privacy.error.must_be_yes"} {
			if msg := p.T(k); !strings.Contains(msg, "“"+yes+"”") {
				t.Errorf("%s: %s %q does not quote the yes label %q", lang, k, msg, yes)
			}
		}
	}
}

// validationMessage is the lookup the web does: the item's own message for
// the code first, then the generic one, filled with the item's limits.
func validationMessage(p *Printer, fe intake.FieldError) string {
	it := intake.V1.Item(fe.LinkID)
	data := map[string]any{}
	if it != nil {
		if s := p.T("item." + it.LinkID + ".error." + string(fe.Code)); s != "" {
			return s
		}
		data["Min"], data["Max"], data["MaxLen"] = it.Min, it.Max, it.MaxLen
		if it.Exclusive != "" {
			data["Exclusive"] = p.T(Option(it, it.Exclusive))
		}
	}
	return p.T(Error(fe.Code), data)
}

func TestValidationCasesHaveMessagesInEveryLanguage(t *testing.T) {
	all, err := cases.Validation()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, cs := range all {
		_, errs := intake.V1.Validate(cs.Raw(), intake.Context{SubmissionDate: cs.Date(), GuardianAge: 18})
		for _, fe := range errs {
			seen++
			en := validationMessage(English(), fe)
			for _, lang := range Supported {
				msg := validationMessage(For(lang), fe)
				if msg == "" || strings.Contains(msg, "<no value>") {
					t.Errorf("%s: %s %s: message %q", cs.ID, lang, fe.LinkID, msg)
				}
				if lang != "en" && msg == en {
					t.Errorf("%s: %s %s: message is the English text %q", cs.ID, lang, fe.LinkID, msg)
				}
			}
		}
	}
	if seen == 0 {
		t.Fatal("no validation case produced an error")
	}
}
