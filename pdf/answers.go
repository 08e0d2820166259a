package pdf

import (
	"fmt"
	"sort"
	"strings"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
)

// Answer pages geometry (mm).
const (
	questionShare = 0.55 // the question column's share of the width in a two-column row
	answerIndent  = 5.0  // indent of an answer printed under its question
	answerRowGap  = 0.7
)

// answers prints every answered (hence enabled) item section by section with
// its English question text, continuing across pages. An answer that fits on
// one line sits beside its question; a longer one, and every free-text
// answer, goes under it at full width so it reads as one block.
func (d *doc) answers(in intake.Intake) {
	p := messages.English()
	x, w := d.left(), d.width()
	title := d.fs.wrap([]span{{"ALL ANSWERS  ", stHead}, {"English question text; answers as the patient gave them (" + orNA(in.QuestionnaireVersion) + ")", stMuted}}, sizeHead, w)
	d.ensure(float64(len(title))*lh(sizeHead) + 12)
	d.y += d.drawLines(x, d.y, title, sizeHead) + gap
	qW := w*questionShare - 2
	aX := x + w*questionShare
	aW := w - w*questionShare
	for _, sec := range intake.V1.Sections {
		var items []*intake.Item
		for _, it := range sec.Items {
			if in.Answers.Answered(it.LinkID) {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			continue
		}
		head := d.fs.wrap([]span{{orDefault(p.T(messages.SectionTitle(sec.ID)), sec.ID), stBold}}, sizeHead, w-3)
		headH := float64(len(head))*lh(sizeHead) + 1.4
		// Keep a section's heading with its first row.
		d.ensure(headH + 2*lh(sizeBody))
		d.setFill(rgb{232, 236, 243})
		d.pdf.Rect(x, d.y, w, headH, "F")
		d.drawLines(x+1.5, d.y+0.7, head, sizeHead)
		d.y += headH + 1
		for _, it := range items {
			q := orDefault(p.T(messages.ItemText(it.LinkID)), it.LinkID)
			ans := answerText(p, it, in.Answers[it.LinkID])
			if it.Type != intake.TypeText {
				ans = oneLine(ans)
			}
			qLines := d.fs.wrap([]span{{oneLine(q), stMuted}}, sizeBody, qW)
			aLines := d.fs.wrap([]span{{ans, stText}}, sizeBody, aW)
			if it.Type != intake.TypeText && len(aLines) <= 1 {
				d.row(x, aX, qLines, aLines)
			} else {
				d.stacked(x, w, q, ans)
			}
			d.y += answerRowGap
		}
		d.y += gap - answerRowGap
	}
	d.otherAnswers(in.Answers, x, w)
}

// otherAnswers prints answers whose linkId the questionnaire does not know
// (never stored by this version, but nothing given to Render is dropped).
func (d *doc) otherAnswers(a intake.Answers, x, w float64) {
	var ids []string
	for id := range a {
		if intake.V1.Item(id) == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return
	}
	sort.Strings(ids)
	d.ensure(lh(sizeHead) + 1.4 + 2*lh(sizeBody))
	d.setFill(rgb{232, 236, 243})
	d.pdf.Rect(x, d.y, w, lh(sizeHead)+1.4, "F")
	d.drawLines(x+1.5, d.y+0.7, d.fs.wrap([]span{{"Other answers", stBold}}, sizeHead, w-3), sizeHead)
	d.y += lh(sizeHead) + 2.4
	for _, id := range ids {
		d.stacked(x, w, id, fmt.Sprint(a[id]))
		d.y += answerRowGap
	}
}

// row prints a question beside its one-line answer, breaking pages between lines.
func (d *doc) row(qX, aX float64, q, a []line) {
	n := max(len(q), len(a))
	d.ensure(float64(n) * lh(sizeBody))
	for i := 0; i < n; i++ {
		d.ensure(lh(sizeBody))
		if i < len(q) {
			d.drawLine(qX, d.y, q[i], sizeBody)
		}
		if i < len(a) {
			d.drawLine(aX, d.y, a[i], sizeBody)
		}
		d.y += lh(sizeBody)
	}
}

// stacked prints a question with its answer underneath at full width; the
// answer continues across pages, each new page starting with a label.
func (d *doc) stacked(x, w float64, q, ans string) {
	full := d.fs.wrap([]span{{oneLine(q), stMuted}}, sizeBody, w)
	d.ensure(float64(len(full)+1) * lh(sizeBody))
	d.y += d.drawLines(x, d.y, full, sizeBody)
	d.flow(x+answerIndent, w-answerIndent, []span{{ans, stText}}, sizeBody, "(continued) "+oneLine(q))
}

// answerText renders a stored answer with the catalogue's English labels
// (messages.Printer.AnswerText); a label the catalogue lacks falls back to
// the option code, so nothing prints blank.
func answerText(p *messages.Printer, it *intake.Item, v any) string {
	switch x := v.(type) {
	case bool:
		if s := p.AnswerText(it, x); s != "" {
			return s
		}
		if x {
			return "Yes"
		}
		return "No"
	case string:
		if it.Type == intake.TypeChoice {
			return orDefault(p.T(messages.Option(it, x)), x)
		}
	case []string:
		labels := make([]string, len(x))
		for i, c := range x {
			labels[i] = orDefault(p.T(messages.Option(it, c)), c)
		}
		return strings.Join(labels, "; ")
	}
	return p.AnswerText(it, v)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
