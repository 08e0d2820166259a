package pdf

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/bidi"
)

// family is the font family name given to gofpdf; pdffonts shows it as
// "utf8dejavusans" (regular) and "utf8dejavusansB" (bold).
const family = "DejaVuSans"

// printable lists the Unicode blocks we print: Latin (with every Vietnamese
// letter), Greek, Cyrillic, Armenian, Georgian, punctuation and the symbols
// the layout uses. Everything else (CJK, emoji, runes above U+FFFF) is not in
// DejaVu Sans or needs shaping gofpdf does not do; it becomes a marker.
var printable = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x00A0, 0x058F}, // Latin-1 … Latin Extended-B, IPA, diacritics, Greek, Cyrillic, Armenian
	{0x10A0, 0x10FF}, // Georgian
	{0x1E00, 0x1FFF}, // Latin Extended Additional (Vietnamese), Greek Extended
	{0x2000, 0x22FF}, // punctuation, super/subscripts, currency, letterlike, arrows, maths
	{0x2500, 0x27BF}, // box drawing, shapes, symbols, dingbats
	{0x2C60, 0x2C7F}, // Latin Extended-C
	{0xA640, 0xA69F}, // Cyrillic Extended-B
	{0xA720, 0xA7FF}, // Latin Extended-D
	{0xFB00, 0xFB06}, // Latin ligatures
}

// fontSet is DejaVu Sans regular and bold, cut once per process to the
// printable runes both faces cover, with their coverage and advance widths.
type fontSet struct {
	regular, bold []byte      // TrueType subsets handed to gofpdf for every document
	covered       []bool      // rune → both faces draw it (len 0x10000)
	widths        [2][]uint16 // [bold] rune → advance in 1/1000 em, as gofpdf measures it
	markerW       [2]int      // advance of the marker text in 1/1000 em
}

var (
	fontsOnce sync.Once
	fontsVal  *fontSet
	fontsErr  error
)

// loadFonts parses and cuts the fonts once per process. Cutting DejaVu Sans
// (757 KB, ~6,000 glyphs) to ~3,000 glyphs makes gofpdf's per-document font
// parsing about three times faster; the PDF embeds a further subset of it.
func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() { fontsVal, fontsErr = buildFonts() })
	return fontsVal, fontsErr
}

func buildFonts() (*fontSet, error) {
	reg, err := sfnt.Parse(dejavusans.TTF)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse DejaVu Sans: %w", err)
	}
	bold, err := sfnt.Parse(dejavusansbold.TTF)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse DejaVu Sans Bold: %w", err)
	}
	var buf sfnt.Buffer
	var cut strings.Builder
	for _, rg := range printable {
		for r := rg[0]; r <= rg[1]; r++ {
			if candidate(r) && hasGlyph(reg, &buf, r) && hasGlyph(bold, &buf, r) {
				cut.WriteRune(r)
			}
		}
	}
	fs := &fontSet{
		regular: gofpdf.UTF8CutFont(dejavusans.TTF, cut.String()),
		bold:    gofpdf.UTF8CutFont(dejavusansbold.TTF, cut.String()),
		covered: make([]bool, 0x10000),
	}
	if len(fs.regular) == 0 || len(fs.bold) == 0 {
		return nil, fmt.Errorf("pdf: cutting DejaVu Sans failed")
	}
	// Coverage is checked again on the cut fonts: a rune counts only if the
	// font that will be embedded really has its glyph.
	cutReg, err := sfnt.Parse(fs.regular)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse cut DejaVu Sans: %w", err)
	}
	cutBold, err := sfnt.Parse(fs.bold)
	if err != nil {
		return nil, fmt.Errorf("pdf: parse cut DejaVu Sans Bold: %w", err)
	}
	for _, r := range cut.String() {
		fs.covered[r] = hasGlyph(cutReg, &buf, r) && hasGlyph(cutBold, &buf, r)
	}
	if err := fs.measure(); err != nil {
		return nil, err
	}
	return fs, nil
}

// candidate excludes runes we never draw even when DejaVu has a glyph:
// controls, and right-to-left letters (Hebrew, Arabic, …) that would come out
// unshaped and in reverse order.
func candidate(r rune) bool {
	if unicode.IsControl(r) {
		return false
	}
	p, _ := bidi.LookupRune(r)
	return p.Class() != bidi.R && p.Class() != bidi.AL
}

func hasGlyph(f *sfnt.Font, buf *sfnt.Buffer, r rune) bool {
	g, err := f.GlyphIndex(buf, r)
	return err == nil && g != 0
}

// measure records gofpdf's own advance widths, so that wrapping here and
// drawing there agree to the unit.
func (fs *fontSet) measure() error {
	m := gofpdf.New("P", "mm", "A4", "")
	m.AddUTF8FontFromBytes(family, "", fs.regular)
	m.AddUTF8FontFromBytes(family, "B", fs.bold)
	for i, style := range []string{"", "B"} {
		m.SetFont(family, style, 10)
		w := make([]uint16, 0x10000)
		for r, ok := range fs.covered {
			if ok {
				w[r] = uint16(m.GetStringSymbolWidth(string(rune(r))))
			}
		}
		fs.widths[i] = w
		fs.markerW[i] = m.GetStringSymbolWidth(marker)
	}
	if err := m.Error(); err != nil {
		return fmt.Errorf("pdf: measure fonts: %w", err)
	}
	return nil
}

// addTo embeds both faces in a document.
func (fs *fontSet) addTo(p *gofpdf.Fpdf) {
	p.AddUTF8FontFromBytes(family, "", fs.regular)
	p.AddUTF8FontFromBytes(family, "B", fs.bold)
}

// width returns the advance of s (already cleaned) in millimetres at size points.
func (fs *fontSet) width(s string, bold bool, size float64) float64 {
	b := 0
	if bold {
		b = 1
	}
	u := 0
	for _, r := range s {
		u += fs.runeUnits(r, b)
	}
	return float64(u) * size * ptMM / 1000
}

func (fs *fontSet) runeUnits(r rune, b int) int {
	switch {
	case r == sentinel:
		return fs.markerW[b]
	case r >= 0 && r < 0x10000:
		return int(fs.widths[b][r])
	}
	return 0
}
