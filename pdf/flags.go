package pdf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/backintake/backintake/screening"
)

// severityLook is how a severity group is marked: a symbol and a word, so
// that it reads without colour (printed in grey, or by a colour-blind reader).
type severityLook struct {
	label string // symbol and word, e.g. "!! EMERGENCY"
	gist  string // what the severity asks for
	fill  rgb
	ink   rgb
}

var severityLooks = map[screening.Severity]severityLook{
	screening.SeverityEmergency: {"!! EMERGENCY", "same-day emergency assessment", rgb{175, 20, 20}, colWhite},
	screening.SeverityUrgent:    {"! URGENT", "review before any treatment", rgb{245, 150, 30}, colText},
	screening.SeverityCaution:   {"▲ CAUTION", "precaution, contraindication or weak red flag", rgb{255, 224, 120}, colText},
	screening.SeverityInfo:      {"• INFO", "pattern worth knowing", rgb{210, 225, 245}, colText},
}

func lookOf(s screening.Severity) severityLook {
	if l, ok := severityLooks[s]; ok {
		return l
	}
	return severityLook{strings.ToUpper(string(s)), "", rgb{225, 225, 225}, colText}
}

// Flags panel geometry (mm).
const (
	panelPad  = 2.5
	rowGap    = 0.9
	bandExtra = 1.2 // band height beyond its line
)

// flagBlock is one laid-out part of the panel: a severity band or a flag row.
type flagBlock struct {
	band  bool
	sev   screening.Severity
	count int    // band: flags of the group in this panel
	cont  bool   // band: the group began in the previous panel
	id    []line // row: the id column
	msg   []line // row: message and sources
	h     float64
}

// flagLayout is a panel's blocks and the width of its id column.
type flagLayout struct {
	blocks []flagBlock
	idW    float64
}

// sortedFlags orders flags by severity rank, keeping the given order within a
// severity (screening.Run already sorts by rank then id).
func sortedFlags(flags []screening.Flag) []screening.Flag {
	out := append([]screening.Flag(nil), flags...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Severity.Rank() < out[j].Severity.Rank() })
	return out
}

// layoutFlags lays out sorted flags as bands and rows for a panel of width w;
// contSev is the severity the previous panel ended with ("" for none).
func (d *doc) layoutFlags(flags []screening.Flag, w float64, contSev screening.Severity) flagLayout {
	var fl flagLayout
	for _, f := range flags {
		fl.idW = max(fl.idW, d.fs.width(d.fs.clean(oneLine(f.ID)), true, sizeFlag))
	}
	fl.idW = min(fl.idW+2.5, 32)
	msgW := w - 2*panelPad - fl.idW
	for i, f := range flags {
		if i == 0 || f.Severity != flags[i-1].Severity {
			n := 0
			for _, g := range flags[i:] {
				if g.Severity == f.Severity {
					n++
				}
			}
			fl.blocks = append(fl.blocks, flagBlock{band: true, sev: f.Severity, count: n, cont: i == 0 && f.Severity == contSev,
				h: lh(sizeFlag) + bandExtra + rowGap})
		}
		b := flagBlock{sev: f.Severity}
		b.id = d.fs.wrap([]span{{oneLine(f.ID), stBold}}, sizeFlag, fl.idW-1.5)
		spans := []span{{oneLine(f.Message), stText}}
		if len(f.Source) > 0 {
			spans = append(spans, span{"  [" + strings.Join(f.Source, ", ") + "]", stMuted})
		}
		b.msg = d.fs.wrap(spans, sizeFlag, msgW)
		b.h = float64(max(len(b.id), len(b.msg), 1))*lh(sizeFlag) + rowGap
		fl.blocks = append(fl.blocks, b)
	}
	return fl
}

// flagsHeight is the height page 1's panel needs to show every flag.
func (d *doc) flagsHeight(flags []screening.Flag, rules string) float64 {
	w := d.width()
	h := 2*panelPad + float64(len(d.panelTitle(flags, len(flags), rules, true, w)))*lh(sizeHead) + panelPad
	for _, b := range d.layoutFlags(flags, w, "").blocks {
		h += b.h
	}
	return h
}

// flagsPanel draws the boxed flags panel at the cursor within maxH mm and
// returns the flags that did not fit. Nothing is cut: when flags remain, the
// panel's last line says how many and on which page they continue. total is
// the number of flags in the result; first marks page 1's panel.
func (d *doc) flagsPanel(flags []screening.Flag, total int, rules string, maxH float64, first bool) []screening.Flag {
	x, w := d.left(), d.width()
	top := d.y
	title := d.panelTitle(flags, total, rules, first, w)
	head := float64(len(title))*lh(sizeHead) + panelPad
	if len(flags) == 0 {
		none := d.fs.wrap([]span{{"No red flags reported", stBold}}, sizeFlag+1, w-2*panelPad)
		h := panelPad + head + float64(len(none))*lh(sizeFlag+1) + panelPad
		d.drawLines(x+panelPad, top+panelPad, title, sizeHead)
		d.drawLines(x+panelPad, top+panelPad+head, none, sizeFlag+1)
		d.panelBox(x, top, w, h)
		d.y = top + h
		return nil
	}
	contSev := screening.Severity("")
	if !first {
		contSev = d.flagsEnded
	}
	fl := d.layoutFlags(flags, w, contSev)
	moreH := lh(sizeFlag) + rowGap
	used := panelPad + head
	n, shown := 0, 0 // blocks and flag rows that fit
	for i, b := range fl.blocks {
		need := b.h
		left := len(flags) - shown
		if !b.band {
			left--
		}
		if left > 0 {
			need += moreH // the "more" line must still fit
		}
		if b.band && i+1 < len(fl.blocks) {
			need += fl.blocks[i+1].h // never a band alone at the bottom
		}
		if used+need+panelPad > maxH {
			break
		}
		used += b.h
		n++
		if !b.band {
			shown++
		}
	}
	y := top + panelPad
	y += d.drawLines(x+panelPad, y, title, sizeHead) + panelPad
	for _, b := range fl.blocks[:n] {
		if b.band {
			d.drawBand(x+panelPad, y, w-2*panelPad, b)
		} else {
			d.drawLines(x+panelPad, y, b.id, sizeFlag)
			d.drawLines(x+panelPad+fl.idW, y, b.msg, sizeFlag)
		}
		y += b.h
	}
	rest := flags[shown:]
	if shown > 0 {
		d.flagsEnded = flags[shown-1].Severity
	}
	if len(rest) > 0 {
		more := fmt.Sprintf("+ %d more %s (%s) continue on page %d", len(rest), plural(len(rest), "flag", "flags"),
			severityCounts(rest), d.pdf.PageNo()+1)
		ls := d.fs.wrap([]span{{more, style{bold: true, color: colAlert}}}, sizeFlag, w-2*panelPad)
		y += d.drawLines(x+panelPad, y, ls, sizeFlag) + rowGap
	}
	h := y - top + panelPad - rowGap
	d.panelBox(x, top, w, h)
	d.y = top + h
	return rest
}

func (d *doc) panelTitle(flags []screening.Flag, total int, rules string, first bool, w float64) []line {
	t := "FLAGS"
	sub := ""
	switch {
	case total == 0:
		sub = "none fired"
	case first:
		sub = fmt.Sprintf("%d %s: %s", total, plural(total, "flag", "flags"), severityCounts(flags))
	default:
		t = "FLAGS (continued)"
		sub = fmt.Sprintf("%d more of %d", len(flags), total)
	}
	if rules != "" {
		sub += " · rules " + rules
	}
	return d.fs.wrap([]span{{t + "  ", stHead}, {sub, stMuted}}, sizeHead, w-2*panelPad)
}

func (d *doc) drawBand(x, y, w float64, b flagBlock) {
	look := lookOf(b.sev)
	h := lh(sizeFlag) + bandExtra
	d.setFill(look.fill)
	d.pdf.Rect(x, y, w, h, "F")
	spans := []span{{look.label, style{bold: true, color: look.ink}}}
	count := strconv.Itoa(b.count) + " " + plural(b.count, "flag", "flags")
	if b.cont {
		count = "continued, " + strconv.Itoa(b.count) + " more"
	}
	if look.gist != "" {
		count = look.gist + " · " + count
	}
	spans = append(spans, span{"  " + count, style{color: look.ink}})
	ls := d.fs.wrap(spans, sizeFlag, w-3)
	d.drawLines(x+1.5, y+bandExtra/2, ls[:1], sizeFlag)
}

func (d *doc) panelBox(x, y, w, h float64) {
	d.setDraw(rgb{60, 60, 60}, 0.45)
	d.pdf.Rect(x, y, w, h, "D")
}

// severityCounts describes flags by severity: "3 emergency, 2 info".
func severityCounts(flags []screening.Flag) string {
	var parts []string
	for i, f := range flags {
		if i > 0 && f.Severity == flags[i-1].Severity {
			continue
		}
		n := 0
		for _, g := range flags[i:] {
			if g.Severity == f.Severity {
				n++
			}
		}
		parts = append(parts, strconv.Itoa(n)+" "+string(f.Severity))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
