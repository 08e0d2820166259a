package messages

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// Spanish readability with the Fernández-Huerta index (Fernández Huerta J.,
// "Medidas sencillas de lecturabilidad", Consigna 214, 1959), in the form
// corrected by Gwillim Law (LINGUIST List 22.2332, 2011):
//
//	L = 206.84 − 0.60·P − 1.02·F
//
// with P = syllables per 100 words and F = words per sentence. Bands: 90–100
// very easy, 80–90 easy, 70–80 fairly easy (about 6th grade, age 11–12),
// 60–70 normal, below 60 difficult.

// minFernandezHuerta is the target for the Spanish question texts: "fairly easy".
const minFernandezHuerta = 70.0

// readStats are the counts the index needs.
type readStats struct{ texts, words, sentences, syllables int }

func (s *readStats) add(o readStats) {
	s.texts += o.texts
	s.words += o.words
	s.sentences += o.sentences
	s.syllables += o.syllables
}

// index returns the Fernández-Huerta index of the counted text.
func (s readStats) index() float64 {
	if s.words == 0 || s.sentences == 0 {
		return 0
	}
	p := 100 * float64(s.syllables) / float64(s.words)
	f := float64(s.words) / float64(s.sentences)
	return 206.84 - 0.60*p - 1.02*f
}

func band(l float64) string {
	switch {
	case l >= 90:
		return "very easy"
	case l >= 80:
		return "easy"
	case l >= 70:
		return "fairly easy"
	case l >= 60:
		return "normal"
	case l >= 50:
		return "fairly difficult"
	case l >= 30:
		return "difficult"
	}
	return "very difficult"
}

// spanishStats counts one text: words are runs of letters (numbers are not
// words), sentences end at . ? or ! (a text without one is one sentence).
func spanishStats(text string) readStats {
	s := readStats{texts: 1}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		s.words++
		s.syllables += spanishSyllables(w)
	}
	ended := false
	for _, r := range text {
		end := r == '.' || r == '?' || r == '!'
		if end && !ended {
			s.sentences++
		}
		ended = end
	}
	if s.sentences == 0 && s.words > 0 {
		s.sentences = 1
	}
	return s
}

func isStrong(r rune) bool { return strings.ContainsRune("aeoáéó", r) }

func isVowel(r rune) bool { return strings.ContainsRune("aeiouáéíóúü", r) }

// spanishSyllables counts the syllables of one Spanish word by its vowel
// nuclei: a run of vowels is one syllable (diphthongs, triphthongs) except
// that two strong vowels (a, e, o) or a strong vowel beside an accented í or ú
// are split (hiatus). The u of que/qui/gue/gui is silent; y is a vowel when no
// vowel follows it (muy, y, hoy).
func spanishSyllables(word string) int {
	w := []rune(strings.ToLower(word))
	vowelAt := func(i int) bool {
		r := w[i]
		if r == 'y' {
			return i+1 >= len(w) || !isVowel(w[i+1])
		}
		if r == 'u' && i > 0 && (w[i-1] == 'q' || w[i-1] == 'g') && i+1 < len(w) && strings.ContainsRune("eiéí", w[i+1]) {
			return false // silent u
		}
		return isVowel(r)
	}
	n := 0
	prev := rune(0) // previous vowel in the current run, 0 after a consonant
	for i, r := range w {
		if !vowelAt(i) {
			prev = 0
			continue
		}
		if r == 'y' {
			r = 'i'
		}
		switch {
		case prev == 0:
			n++
		case isStrong(prev) && isStrong(r):
			n++
		case (isStrong(prev) && (r == 'í' || r == 'ú')) || (isStrong(r) && (prev == 'í' || prev == 'ú')):
			n++
		}
		prev = r
	}
	if n == 0 {
		n = 1 // a word of consonants only, e.g. an abbreviation
	}
	return n
}

func TestSpanishSyllables(t *testing.T) {
	// Syllabifications from the RAE's rules for diphthong, hiatus and silent u.
	for word, want := range map[string]int{
		"y": 1, "hoy": 1, "muy": 1, "rey": 1, "buey": 1, "sí": 1,
		"país": 2, "día": 2, "río": 2, "leer": 2, "ciudad": 2, "guerra": 2, "queso": 2, "baúl": 2,
		"ayuda": 3, "pingüino": 3, "cuidado": 3, "piernas": 2, "aceite": 3,
		"murciélago": 4, "aéreo": 4, "hormigueo": 4, "pinchazos": 3,
		"entumecimiento": 6, "anticoagulantes": 7, "incluso": 3, "Órgano": 3,
	} {
		if got := spanishSyllables(word); got != want {
			t.Errorf("syllables(%q) = %d, want %d", word, got, want)
		}
	}
}

func TestSpanishStats(t *testing.T) {
	got := spanishStats("¿Tiene dolor? Sí, mucho.")
	want := readStats{texts: 1, words: 4, sentences: 2, syllables: 2 + 2 + 1 + 2}
	if got != want {
		t.Fatalf("stats = %+v, want %+v", got, want)
	}
	if got := spanishStats("Nombre"); got.sentences != 1 || got.words != 1 {
		t.Fatalf("a label is one sentence of one word, got %+v", got)
	}
	// Law's check: shorter sentences must score higher, not lower.
	long := spanishStats("Tiene dolor de espalda y de pierna y de cuello")
	short := spanishStats("Tiene dolor. De espalda. Y de pierna. Y de cuello.")
	if short.index() <= long.index() {
		t.Fatalf("short sentences scored %.1f, long %.1f", short.index(), long.index())
	}
}

// readabilitySet is one group of Spanish texts selected by key.
type readabilitySet struct {
	name string
	keep func(key, text string) bool
}

var readabilitySets = []readabilitySet{
	{"question texts (item.*.text): the target", func(k, _ string) bool { return isItemPart(k, "text") }},
	{"questions only (texts ending in ?)", func(k, s string) bool { return isItemPart(k, "text") && strings.HasSuffix(s, "?") }},
	{"help lines (item.*.help)", func(k, _ string) bool { return isItemPart(k, "help") }},
	{"answer labels (options, anchors)", func(k, _ string) bool {
		return strings.HasPrefix(k, "option.") || strings.Contains(k, ".option.") || isItemPart(k, "low") || isItemPart(k, "high")
	}},
	{"error messages", func(k, _ string) bool { return strings.HasPrefix(k, "error.") || strings.Contains(k, ".error.") }},
	{"emergency advice, consent and privacy text", func(k, _ string) bool {
		return strings.HasPrefix(k, "advice.") || strings.HasPrefix(k, "consent.")
	}},
	{"every message in the item catalogue", func(string, string) bool { return true }},
}

func isItemPart(k, part string) bool {
	return strings.HasPrefix(k, "item.") && strings.HasSuffix(k, "."+part)
}

// TestSpanishReadability computes the Fernández-Huerta index of the Spanish
// item catalogue, fails below the target, and keeps the figures in
// docs/readability.md current.
func TestSpanishReadability(t *testing.T) {
	c := loadCatalogue(t)
	var keys []string
	for _, k := range c.order["es"] {
		if c.byLang["es"][k].File == "items.es.json" {
			keys = append(keys, k)
		}
	}
	var b bytes.Buffer
	b.WriteString("| Spanish texts | texts | words | sentences | syllables | syllables/word | words/sentence | index | band |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
	var target readStats
	for i, set := range readabilitySets {
		var s readStats
		for _, k := range keys {
			if txt := c.text("es", k); set.keep(k, txt) {
				s.add(spanishStats(txt))
			}
		}
		if i == 0 {
			target = s
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %.2f | %.1f | **%.1f** | %s |\n", set.name, s.texts, s.words, s.sentences,
			s.syllables, float64(s.syllables)/float64(s.words), float64(s.words)/float64(s.sentences), s.index(), band(s.index()))
	}

	// The hardest questions, for whoever edits the wording next.
	type scored struct {
		key  string
		l    float64
		text string
	}
	var qs []scored
	for _, k := range keys {
		// A text of a few words is too small a sample for the index.
		if s := spanishStats(c.text("es", k)); isItemPart(k, "text") && s.words >= 6 {
			qs = append(qs, scored{k, s.index(), c.text("es", k)})
		}
	}
	sort.SliceStable(qs, func(i, j int) bool { return qs[i].l < qs[j].l })
	b.WriteString("\nHardest ten question texts of six words or more, by the same index:\n\n")
	b.WriteString("| key | index | Spanish |\n| --- | ---: | --- |\n")
	for _, q := range qs[:10] {
		fmt.Fprintf(&b, "| `%s` | %.1f | %s |\n", q.key, q.l, q.text)
	}

	t.Logf("Fernández-Huerta index of the Spanish question texts: %.1f (%s)", target.index(), band(target.index()))
	if target.index() < minFernandezHuerta {
		t.Errorf("Fernández-Huerta index of the Spanish question texts is %.1f, below %.0f", target.index(), minFernandezHuerta)
	}
	checkGeneratedBlock(t, "readability.md", b.String())
}

const (
	beginGenerated = "<!-- BEGIN generated by TestSpanishReadability; edit with -update -->\n"
	endGenerated   = "<!-- END generated -->\n"
)

// checkGeneratedBlock compares the text between the markers of docs/name with
// block, or rewrites it under -update; the rest of the file is hand-written.
func checkGeneratedBlock(t *testing.T, name, block string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(docsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, beginGenerated), strings.Index(doc, endGenerated)
	if i < 0 || j < i {
		t.Fatalf("docs/%s has no generated block (markers %q … %q)", name, beginGenerated, endGenerated)
	}
	checkGenerated(t, name, []byte(doc[:i+len(beginGenerated)]+block+doc[j:]))
}
