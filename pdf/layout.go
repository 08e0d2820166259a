package pdf

import (
	"strconv"
	"strings"

	"github.com/backintake/backintake/screening"
	"github.com/jung-kurt/gofpdf"
)

// Page geometry in millimetres. The footer lives in the bottom margin.
const (
	marginX      = 14.0
	marginTop    = 12.0
	marginBottom = 17.0
	lineFactor   = 1.32 // line height as a multiple of the font size
)

// Font sizes in points.
const (
	sizeBody  = 8.5
	sizeFlag  = 9.0
	sizeSmall = 7.5
	sizeHead  = 9.0
	sizeName  = 16.0
)

// Colours.
var (
	colText   = rgb{20, 20, 20}
	colMuted  = rgb{95, 95, 95}
	colHead   = rgb{25, 45, 85}
	colRule   = rgb{170, 170, 170}
	colWhite  = rgb{255, 255, 255}
	colAlert  = rgb{160, 0, 0}
	colBarBg  = rgb{228, 228, 228}
	colPain   = rgb{225, 85, 60}
	colNumb   = rgb{30, 70, 190}
	colFunc   = rgb{40, 120, 80}
	colBarInk = rgb{55, 60, 90}
)

var (
	stText  = style{color: colText}
	stBold  = style{bold: true, color: colText}
	stMuted = style{color: colMuted}
	stHead  = style{bold: true, color: colHead}
)

// pageCountAlias is replaced by the page count when the PDF is written.
// gofpdf replaces it anywhere in the page content, so it is made of
// private-use runes that clean never lets through: no patient text can
// contain it, even split across two neighbouring runes' UTF-16 bytes.
const pageCountAlias = "\uE0E0\uE0E0"

// doc is one document being laid out: gofpdf plus a cursor, the page's
// marker state and the running footer.
type doc struct {
	pdf    *gofpdf.Fpdf
	fs     *fontSet
	pageW  float64
	pageH  float64
	y      float64 // cursor: top of the next thing to draw
	marked bool    // the current page shows a marker
	footer string  // patient identification for every page's footer

	flagsEnded screening.Severity // severity of the last flag the previous flags panel showed
}

func (d *doc) left() float64   { return marginX }
func (d *doc) width() float64  { return d.pageW - 2*marginX }
func (d *doc) bottom() float64 { return d.pageH - marginBottom }

// lh is the line height in mm for size points.
func lh(size float64) float64 { return size * ptMM * lineFactor }

// newPage closes the current page (footer) and starts the next one.
func (d *doc) newPage() {
	if d.pdf.PageNo() > 0 {
		d.drawFooter()
	}
	d.pdf.AddPage()
	d.y = marginTop
	d.marked = false
}

// finish closes the last page.
func (d *doc) finish() { d.drawFooter() }

// ensure starts a new page unless h mm fit below the cursor; it reports
// whether it did.
func (d *doc) ensure(h float64) bool {
	if d.y+h <= d.bottom() {
		return false
	}
	d.newPage()
	return true
}

func (d *doc) drawFooter() {
	y := d.pageH - marginBottom + 4
	d.setDraw(colRule, 0.2)
	d.pdf.Line(marginX, y, d.pageW-marginX, y)
	page := "Page " + strconv.Itoa(d.pdf.PageNo()) + " of "
	// The page count alias sits in its own text run so gofpdf can replace it.
	pw := d.fs.width(page+"99", false, sizeSmall)
	// A very long name is shortened here, visibly; page 1 prints it whole.
	avail := d.width() - pw - 4
	ls := d.fs.wrap([]span{{d.footer, stMuted}}, sizeSmall, avail-d.fs.width("…", false, sizeSmall))
	if len(ls) > 1 {
		ls[0].add("…", stMuted, d.fs.width("…", false, sizeSmall))
	}
	if len(ls) > 0 {
		d.drawLine(marginX, y+0.8, ls[0], sizeSmall)
	}
	x := d.pageW - marginX - pw
	d.drawLine(x, y+0.8, line{pieces: []piece{{text: page, st: stMuted}}}, sizeSmall)
	d.setFont(false, sizeSmall, colMuted)
	d.pdf.Text(x+d.fs.width(page, false, sizeSmall), y+0.8+baseline(sizeSmall), pageCountAlias)
	if d.marked {
		note := d.fs.wrap([]span{{noteUnprintable, style{bold: true, color: colAlert}}}, sizeSmall, d.width())
		for i, l := range note {
			d.drawLine(marginX, y+0.8+float64(i+1)*lh(sizeSmall), l, sizeSmall)
		}
	}
}

// baseline is the distance from a line's top to its baseline.
func baseline(size float64) float64 { return size * ptMM * 1.0 }

func (d *doc) setFont(bold bool, size float64, c rgb) {
	s := ""
	if bold {
		s = "B"
	}
	d.pdf.SetFont(family, s, size)
	d.pdf.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) setDraw(c rgb, w float64) {
	d.pdf.SetDrawColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(w)
}

func (d *doc) setFill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

// drawLine draws one wrapped line whose top is at y.
func (d *doc) drawLine(x, y float64, l line, size float64) {
	for _, p := range l.pieces {
		if strings.TrimSpace(p.text) == "" {
			continue
		}
		text := p.text
		if strings.ContainsRune(text, sentinel) {
			text = strings.ReplaceAll(text, string(sentinel), marker)
			d.marked = true
		}
		d.setFont(p.st.bold, size, p.st.color)
		d.pdf.Text(x+p.x, y+baseline(size), text)
	}
}

// drawLines draws lines from y downward without page breaks and returns
// their height.
func (d *doc) drawLines(x, y float64, ls []line, size float64) float64 {
	for i, l := range ls {
		d.drawLine(x, y+float64(i)*lh(size), l, size)
	}
	return float64(len(ls)) * lh(size)
}

// flow draws spans wrapped to w at the cursor, breaking pages between lines;
// on a new page it first prints cont (a "continued" label) when not empty.
func (d *doc) flow(x, w float64, spans []span, size float64, cont string) {
	for _, l := range d.fs.wrap(spans, size, w) {
		if d.ensure(lh(size)) && cont != "" {
			d.drawLine(d.left(), d.y, d.fs.wrap([]span{{cont, stMuted}}, sizeSmall, d.width())[0], sizeSmall)
			d.y += lh(sizeSmall)
		}
		d.drawLine(x, d.y, l, size)
		d.y += lh(size)
	}
}

// rule draws a thin horizontal line across the text width at y.
func (d *doc) rule(y float64) {
	d.setDraw(colRule, 0.2)
	d.pdf.Line(d.left(), y, d.left()+d.width(), y)
}
