package pdf

import (
	"strconv"

	"github.com/backintake/backintake/screening"
)

// Score bar geometry (mm).
const (
	scoreLabelW = 41.0
	scoreValueW = 13.0
	scoreBarH   = 2.8
	scoreRowH   = 4.5
)

// scoreRow is one 0–10 bar; value is nil when the score was not computable.
type scoreRow struct {
	label   string
	value   *float64
	text    string // value as printed, e.g. "4" or "5.7"
	missing string // printed instead of a bar when value is nil; "" means "not answered"
}

func intRow(label string, v *int) scoreRow {
	if v == nil {
		return scoreRow{label: label}
	}
	f := float64(*v)
	return scoreRow{label: label, value: &f, text: strconv.Itoa(*v)}
}

// legRow is the leg NPRS; the question is only asked when leg pain is reported.
func legRow(v *int, asked bool) scoreRow {
	r := intRow("NPRS leg avg (week)", v)
	if v == nil && !asked {
		r.missing = "not asked: no leg pain reported"
	}
	return r
}

func floatRow(label string, v *float64) scoreRow {
	if v == nil {
		return scoreRow{label: label}
	}
	return scoreRow{label: label, value: v, text: strconv.FormatFloat(*v, 'f', 1, 64)}
}

// scores draws (or, with draw false, only measures) the scores block at x, y
// in width w and returns its height: NPRS and PEG bars (higher = worse), the
// PSFS bar (higher = better function), chronicity and QTF class.
func (d *doc) scores(x, y, w float64, sc screening.Scores, legAsked, draw bool) float64 {
	top := y
	y += d.sectionTitle(x, y, w, "SCORES", draw)
	y += d.scoreGroup(x, y, w, "Pain and interference, 0–10:", "higher = worse", colBarInk, []scoreRow{
		intRow("NPRS back now", sc.NPRSBackNow),
		intRow("NPRS back avg (week)", sc.NPRSBackAvg),
		intRow("NPRS back worst (week)", sc.NPRSBackWorst),
		legRow(sc.NPRSLegAvg, legAsked),
		floatRow("PEG (3 items)", sc.PEG),
	}, draw)
	y += 1.2
	y += d.scoreGroup(x, y, w, "Function, 0–10:", "higher = better function", colFunc, []scoreRow{
		floatRow("PSFS (mean of activities)", sc.PSFS),
	}, draw)
	y += 1.2
	chron := "not computed"
	if sc.Chronicity != "" {
		chron = word(chronicityWords, sc.Chronicity)
	}
	qtf := "not computed"
	if sc.QTF != nil {
		qtf = strconv.Itoa(*sc.QTF)
		if w, ok := qtfWords[*sc.QTF]; ok {
			qtf += " — " + w
		}
	}
	y += d.keyValue(x, y, w, 22, "Chronicity", chron, draw)
	y += d.keyValue(x, y, w, 22, "QTF class", qtf, draw)
	return y - top
}

func (d *doc) scoreGroup(x, y, w float64, title, scale string, ink rgb, rows []scoreRow, draw bool) float64 {
	top := y
	head := d.fs.wrap([]span{{title + " ", stBold}, {scale, style{bold: true, color: ink}}}, sizeSmall+0.5, w)
	if draw {
		d.drawLines(x, y, head, sizeSmall+0.5)
	}
	y += float64(len(head))*lh(sizeSmall+0.5) + 0.6
	barX := x + scoreLabelW
	barW := w - scoreLabelW - scoreValueW
	for _, r := range rows {
		label := d.fs.wrap([]span{{r.label, stText}}, sizeSmall, scoreLabelW-1.5)
		h := max(float64(len(label))*lh(sizeSmall), scoreRowH)
		if draw {
			d.drawLines(x, y+(scoreRowH-lh(sizeSmall))/2, label, sizeSmall)
			if r.value == nil {
				ls := d.fs.wrap([]span{{orDefault(r.missing, "not answered"), stMuted}}, sizeSmall, barW+scoreValueW)
				d.drawLines(barX, y+(scoreRowH-lh(sizeSmall))/2, ls, sizeSmall)
			} else {
				d.bar(barX, y+(scoreRowH-scoreBarH)/2, barW, *r.value, ink)
				v := d.fs.wrap([]span{{r.text, stBold}, {"/10", stMuted}}, sizeBody, scoreValueW)
				d.drawLines(barX+barW+1.5, y+(scoreRowH-lh(sizeBody))/2, v, sizeBody)
			}
		}
		y += h
	}
	return y - top
}

// bar draws a 0–10 bar in ten segments, filled up to v.
func (d *doc) bar(x, y, w, v float64, ink rgb) {
	v = min(max(v, 0), 10)
	d.setFill(colBarBg)
	d.pdf.Rect(x, y, w, scoreBarH, "F")
	if v > 0 {
		d.setFill(ink)
		d.pdf.Rect(x, y, w*v/10, scoreBarH, "F")
	}
	d.setDraw(colWhite, 0.35)
	for i := 1; i < 10; i++ {
		sx := x + w*float64(i)/10
		d.pdf.Line(sx, y, sx, y+scoreBarH)
	}
	d.setDraw(colRule, 0.15)
	d.pdf.Rect(x, y, w, scoreBarH, "D")
}
