package messages

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// coreTerms are the glossary terms whose translation must be used wherever the
// English text uses the term: the words a mistranslation would make unsafe.
var coreTerms = []string{
	"numbness", "tingling", "pins and needles", "saddle area", "bladder", "bowel",
	"weakness", "stiffness", "dry needling", "blood thinners", "emergency department",
}

// readGlossary parses the term tables of docs/glossary.md (header row
// "| English | Español | Tiếng Việt | ..."): English term → {es, vi}.
func readGlossary(t *testing.T) map[string][2]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(docsDir, "glossary.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	inTable := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case cells[0] == "English":
			inTable = true
		case !inTable || strings.HasPrefix(cells[0], "---"):
		case len(cells) < 3:
			t.Fatalf("glossary row %q has fewer than 3 cells", line)
		default:
			en := strings.ToLower(cells[0])
			if _, dup := out[en]; dup {
				t.Fatalf("glossary: %q is listed twice", cells[0])
			}
			out[en] = [2]string{cells[1], cells[2]}
		}
	}
	return out
}

func TestGlossaryTermsUsedConsistently(t *testing.T) {
	c := loadCatalogue(t)
	g := readGlossary(t)
	for _, term := range coreTerms {
		tr, ok := g[term]
		if !ok {
			t.Errorf("glossary has no row for %q", term)
			continue
		}
		// Word start, so "bowel" matches "bowels" but not "embowel".
		re := regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(term))
		uses := 0
		for _, k := range c.order["en"] {
			if !re.MatchString(c.text("en", k)) {
				continue
			}
			uses++
			for i, lang := range []string{"es", "vi"} {
				if !strings.Contains(strings.ToLower(c.text(lang, k)), strings.ToLower(tr[i])) {
					t.Errorf("%s: %s says %q in English but not the glossary's %q: %q", lang, k, term, tr[i], c.text(lang, k))
				}
			}
		}
		if uses == 0 {
			t.Errorf("no English text uses %q: the check would prove nothing", term)
		}
	}
}
