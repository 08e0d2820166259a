package pdf

import (
	"slices"

	"github.com/jung-kurt/gofpdf"
)

// The body chart: simple front and back outlines built from segments, in
// "head units" (the figure is 8 units tall, x = 0 on its centre line, y down).
// A segment on the viewer's left is the patient's right on the front view and
// the patient's left on the back view, so regions follow the patient's own
// left and right (spec/questionnaire.md body-chart codes).

// segment is one outline piece; region names its body-chart code without the
// side ("" for pieces that are not a region), side tells how it is chosen.
type segment struct {
	pts    []gofpdf.PointType
	region string
	side   int // 0 central, -1 viewer's left, +1 viewer's right
}

const figUnits = 8.0 // figure height in head units

func pts(xy ...float64) []gofpdf.PointType {
	p := make([]gofpdf.PointType, 0, len(xy)/2)
	for i := 0; i+1 < len(xy); i += 2 {
		p = append(p, gofpdf.PointType{X: xy[i], Y: xy[i+1]})
	}
	return p
}

// mirror returns the segment's points on the viewer's right.
func mirror(p []gofpdf.PointType) []gofpdf.PointType {
	out := make([]gofpdf.PointType, len(p))
	for i, q := range p {
		out[i] = gofpdf.PointType{X: -q.X, Y: q.Y}
	}
	return out
}

// figure returns the segments of one view, viewer's left pieces given once
// and mirrored. back selects the back view's regions.
func figure(back bool) []segment {
	pick := func(front, backRegion string) string {
		if back {
			return backRegion
		}
		return front
	}
	sided := []segment{
		{pts: pts(-0.86, 1.28, -1.12, 1.36, -1.3, 2.95, -1.02, 2.95, -0.9, 1.9), region: ""},          // upper arm
		{pts: pts(-1.3, 2.95, -1.02, 2.95, -1.08, 4.2, -1.38, 4.2), region: ""},                       // forearm
		{pts: pts(-1.38, 4.2, -1.08, 4.2, -1.05, 4.55, -1.22, 4.7, -1.42, 4.5), region: ""},           // hand
		{pts: pts(0, 2.55, -0.8, 2.55, -0.76, 3.65, 0, 3.65), region: pick("", "lumbar")},             // lower trunk
		{pts: pts(0, 3.65, -0.76, 3.65, -0.84, 4.5, -0.08, 4.5, 0, 4.3), region: pick("", "buttock")}, // pelvis
		{pts: pts(-0.84, 4.5, -0.08, 4.5, -0.14, 5.95, -0.68, 5.95), region: pick("thigh_front", "thigh_back")},
		{pts: pts(-0.68, 5.95, -0.14, 5.95, -0.15, 6.45, -0.64, 6.45), region: "knee"},
		{pts: pts(-0.64, 6.45, -0.15, 6.45, -0.24, 7.55, -0.52, 7.55), region: "lower_leg"},
		{pts: pts(-0.52, 7.55, -0.24, 7.55, -0.18, 7.95, -0.62, 7.95), region: "foot"},
	}
	var out []segment
	out = append(out,
		segment{pts: pts(-0.16, 0.92, 0.16, 0.92, 0.18, 1.28, -0.18, 1.28), region: "neck"},
		segment{pts: pts(-0.86, 1.28, 0.86, 1.28, 0.9, 1.9, 0.8, 2.55, -0.8, 2.55, -0.9, 1.9), region: pick("", "upper_back")},
	)
	for _, s := range sided {
		l := s
		l.side = -1
		r := segment{pts: mirror(s.pts), region: s.region, side: +1}
		out = append(out, l, r)
	}
	// The saddle area sits over the crotch on both views.
	out = append(out, segment{pts: pts(0, 4.18, 0.2, 4.42, 0, 4.78, -0.2, 4.42), region: "saddle"})
	return out
}

// code returns the body-chart code a segment stands for on a view, or "".
func (s segment) code(back bool) string {
	if s.region == "" || s.side == 0 {
		return s.region
	}
	// Front view: viewer's left is the patient's right. Back view: the same side.
	left := s.side < 0
	if !back {
		left = !left
	}
	if left {
		return s.region + "_l"
	}
	return s.region + "_r"
}

// Body chart geometry (mm).
const (
	chartFigH    = 58.0
	chartCaption = 4.0
)

// bodyChart draws (or measures) the chart at x, y in width w: front and back
// figures with pain regions filled and numbness regions hatched, each figure
// labelled L and R on the patient's own sides, and a legend. It returns the height.
func (d *doc) bodyChart(x, y, w float64, pain, numb []string, draw bool) float64 {
	top := y
	y += d.sectionTitle(x, y, w, "BODY CHART", draw)
	unit := chartFigH / figUnits
	legendH := lh(sizeSmall) + 1
	h := y - top + chartFigH + chartCaption + legendH
	if !draw {
		return h
	}
	colW := w / 2
	for i, back := range []bool{false, true} {
		cx := x + colW*float64(i) + colW/2
		d.drawFigure(cx, y, unit, back, pain, numb)
		caption, leftLabel, rightLabel := "FRONT", "R", "L"
		if back {
			caption, leftLabel, rightLabel = "BACK", "L", "R"
		}
		d.centerText(cx, y+chartFigH+0.6, caption, stHead, sizeSmall)
		// Side letters beside the shoulders, outside the arms.
		ly := y + 1.9*unit
		d.centerText(cx-1.75*unit, ly, leftLabel, stBold, sizeBody+1)
		d.centerText(cx+1.75*unit, ly, rightLabel, stBold, sizeBody+1)
	}
	d.legend(x, y+chartFigH+chartCaption, w)
	return h
}

func (d *doc) drawFigure(cx, top, unit float64, back bool, pain, numb []string) {
	place := func(p []gofpdf.PointType) []gofpdf.PointType {
		out := make([]gofpdf.PointType, len(p))
		for i, q := range p {
			out[i] = gofpdf.PointType{X: cx + q.X*unit, Y: top + q.Y*unit}
		}
		return out
	}
	d.setDraw(rgb{110, 110, 110}, 0.25)
	d.setFill(colWhite)
	d.pdf.Ellipse(cx, top+0.48*unit, 0.36*unit, 0.46*unit, 0, "FD") // head
	for _, s := range figure(back) {
		p := place(s.pts)
		code := s.code(back)
		hurts := code != "" && slices.Contains(pain, code)
		numbHere := code != "" && slices.Contains(numb, code)
		d.setFill(colWhite)
		if hurts {
			d.setFill(colPain)
		}
		d.setDraw(rgb{110, 110, 110}, 0.25)
		d.pdf.Polygon(p, "FD")
		if numbHere {
			d.hatch(p)
		}
	}
}

// hatch fills a polygon with diagonal lines (numbness), clipped to its outline.
func (d *doc) hatch(p []gofpdf.PointType) {
	minX, minY, maxX, maxY := p[0].X, p[0].Y, p[0].X, p[0].Y
	for _, q := range p {
		minX, minY = min(minX, q.X), min(minY, q.Y)
		maxX, maxY = max(maxX, q.X), max(maxY, q.Y)
	}
	d.pdf.ClipPolygon(p, false)
	d.setDraw(colNumb, 0.25)
	span := maxY - minY
	for sx := minX - span; sx < maxX; sx += 1.1 {
		d.pdf.Line(sx, maxY, sx+span, minY)
	}
	d.pdf.ClipEnd()
	d.setDraw(colNumb, 0.35)
	d.pdf.Polygon(p, "D")
}

// legend explains the fill, the hatching and the saddle diamond on one line.
func (d *doc) legend(x, y, w float64) {
	sw := 3.0
	sy := y + (lh(sizeSmall)-sw)/2
	step := w / 3
	d.setFill(colPain)
	d.setDraw(rgb{110, 110, 110}, 0.25)
	d.pdf.Rect(x, sy, sw, sw, "FD")
	d.hatch(pts(x+step, sy, x+step+sw, sy, x+step+sw, sy+sw, x+step, sy+sw))
	d.setFill(colWhite)
	d.setDraw(rgb{110, 110, 110}, 0.25)
	cx := x + 2*step + sw/2
	d.pdf.Polygon(pts(cx, sy, cx+sw/2, sy+sw/2, cx, sy+sw, cx-sw/2, sy+sw/2), "FD")
	for i, label := range []string{"pain", "numbness", "saddle area"} {
		ls := d.fs.wrap([]span{{label, stText}}, sizeSmall, step-sw-1.5)
		d.drawLines(x+float64(i)*step+sw+1, y, ls, sizeSmall)
	}
}

// centerText draws a short label centred on cx with its top at y.
func (d *doc) centerText(cx, y float64, s string, st style, size float64) {
	ls := d.fs.wrap([]span{{s, st}}, size, 1000)
	if len(ls) == 0 {
		return
	}
	d.drawLine(cx-ls[0].w/2, y, ls[0], size)
}
