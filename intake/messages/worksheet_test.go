package messages

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
)

// update rewrites the generated docs (translations.csv, the figures in
// readability.md) instead of failing when they are stale.
var update = flag.Bool("update", false, "rewrite docs/translations.csv and the generated part of docs/readability.md")

var docsDir = filepath.Join("..", "..", "docs")

// checkGenerated compares a generated doc with the file on disk, or writes it under -update.
func checkGenerated(t *testing.T, name string, want []byte) {
	t.Helper()
	file := filepath.Join(docsDir, name)
	if *update {
		if err := os.WriteFile(file, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./intake/messages -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("docs/%s is stale: run go test ./intake/messages -run %s -update and commit it", name, t.Name())
	}
}

// TestTranslationsWorksheet keeps docs/translations.csv, the reviewers'
// worksheet (key, en, es, vi, context), equal to the catalogues. It starts
// with a UTF-8 byte order mark so that Excel shows accents and Vietnamese.
func TestTranslationsWorksheet(t *testing.T) {
	c := loadCatalogue(t)
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	rows := [][]string{{"key", "en", "es", "vi", "context"}}
	for _, k := range c.order["en"] {
		row := []string{k, c.text("en", k), c.text("es", k), c.text("vi", k), worksheetContext(c, k)}
		for _, cell := range row[1:] {
			// Spreadsheet formula injection: no cell may start like a formula.
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("%s: a cell starts with %q, which a spreadsheet runs as a formula", k, cell[:1])
			}
		}
		rows = append(rows, row)
	}
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	checkGenerated(t, "translations.csv", b.Bytes())
}

// worksheetContext says where a text appears, the English note for
// translators and the review state of each translation.
func worksheetContext(c catalogue, k string) string {
	var parts []string
	if where := keyPlace(k); where != "" {
		parts = append(parts, where)
	}
	if d := c.byLang["en"][k].Desc; d != "" {
		parts = append(parts, d)
	}
	var unrev []string
	for _, lang := range Supported[1:] {
		if strings.HasPrefix(c.byLang[lang][k].Desc, "UNREVIEWED:") {
			unrev = append(unrev, lang)
		}
	}
	if len(unrev) > 0 {
		parts = append(parts, "UNREVIEWED: "+strings.Join(unrev, ", "))
	}
	return strings.Join(parts, " | ")
}

// keyPlace describes an item key's question: linkId, type, section.
func keyPlace(k string) string {
	if !strings.HasPrefix(k, "item.") {
		return ""
	}
	f := strings.Split(k, ".")
	for i := len(f) - 1; i > 1; i-- {
		if it := intake.V1.Item(strings.Join(f[1:i], ".")); it != nil {
			typ := string(it.Type)
			if it.Type == intake.TypeInt {
				typ = fmt.Sprintf("int %d-%d", it.Min, it.Max)
			}
			return fmt.Sprintf("%s (%s, section %s): %s", it.LinkID, typ, it.Section, strings.Join(f[i:], " "))
		}
	}
	return ""
}
