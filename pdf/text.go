package pdf

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ptMM converts points to millimetres.
const ptMM = 25.4 / 72

// sentinel stands, inside cleaned text, for one run of runes the fonts cannot
// draw; it is drawn as marker and makes the page carry the note.
const sentinel = '\uE000'

// marker is the visible stand-in for text that cannot be printed.
const marker = "[?]"

// noteUnprintable is printed on every page that shows a marker.
const noteUnprintable = "Some characters could not be printed; the original text is in the electronic record."

// clean returns s in NFC with tabs as spaces, carriage returns and other
// controls dropped, and each run of runes the fonts do not cover replaced by
// one sentinel. Invisible format characters (joiners, variation selectors)
// and combining marks join a neighbouring run, so an emoji sequence gives one
// marker. Line feeds are kept for wrap.
func (fs *fontSet) clean(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	inRun := false // the last rune written is a sentinel
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
			inRun = false
		case r == '\t':
			b.WriteByte(' ')
			inRun = false
		case unicode.IsControl(r):
			// dropped: not printable content
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r):
			// invisible (joiners, direction marks, variation selectors): part of a run, else dropped
		case r < 0x10000 && fs.covered[r]:
			b.WriteRune(r)
			inRun = false
		case inRun && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r)):
			// a combining mark on an unprintable rune belongs to its run
		default:
			if !inRun {
				b.WriteRune(sentinel)
				inRun = true
			}
		}
	}
	return b.String()
}

// rgb is a colour.
type rgb struct{ r, g, b int }

// style is how a span is drawn.
type style struct {
	bold  bool
	color rgb
}

// span is a piece of text in one style; text is cleaned when wrapped.
type span struct {
	text string
	st   style
}

// piece is a drawn part of a line: cleaned text at offset x (mm) from the line start.
type piece struct {
	text string
	st   style
	x, w float64
}

// line is one wrapped line; w is its width in mm.
type line struct {
	pieces []piece
	w      float64
}

func (l *line) add(text string, st style, w float64) {
	if n := len(l.pieces); n > 0 && l.pieces[n-1].st == st {
		l.pieces[n-1].text += text
		l.pieces[n-1].w += w
	} else {
		l.pieces = append(l.pieces, piece{text: text, st: st, x: l.w, w: w})
	}
	l.w += w
}

// wrap breaks spans into lines no wider than maxW mm at size points. Spaces
// are break points, line feeds are hard breaks, and a word wider than maxW is
// broken between runes, so no text is ever cut. Spaces at a break are dropped.
func (fs *fontSet) wrap(spans []span, size, maxW float64) []line {
	w := &wrapper{fs: fs, size: size, maxW: maxW}
	for _, sp := range spans {
		w.span(fs.clean(sp.text), sp.st)
	}
	w.flush()
	// Blank lines at the end carry nothing.
	for len(w.lines) > 0 && len(w.lines[len(w.lines)-1].pieces) == 0 {
		w.lines = w.lines[:len(w.lines)-1]
	}
	return w.lines
}

type wrapper struct {
	fs      *fontSet
	size    float64
	maxW    float64
	lines   []line
	cur     line
	space   string // spaces waiting to be written before the next word
	spaceSt style
}

func (w *wrapper) span(text string, st style) {
	for len(text) > 0 {
		switch i := strings.IndexAny(text, " \n"); {
		case i < 0:
			w.word(text, st)
			text = ""
		case i > 0:
			w.word(text[:i], st)
			text = text[i:]
		case text[0] == '\n':
			w.flush()
			text = text[1:]
		default:
			j := 0
			for j < len(text) && text[j] == ' ' {
				j++
			}
			if len(w.cur.pieces) > 0 {
				w.space += text[:j]
				w.spaceSt = st
			}
			text = text[j:]
		}
	}
}

func (w *wrapper) flush() {
	w.lines = append(w.lines, w.cur)
	w.cur = line{}
	w.space = ""
}

func (w *wrapper) word(word string, st style) {
	ww := w.fs.width(word, st.bold, w.size)
	sw := w.fs.width(w.space, w.spaceSt.bold, w.size)
	if len(w.cur.pieces) > 0 && w.cur.w+sw+ww > w.maxW {
		w.flush()
		sw = 0
	}
	if w.space != "" {
		w.cur.add(w.space, w.spaceSt, sw)
		w.space = ""
	}
	if w.cur.w+ww <= w.maxW {
		w.cur.add(word, st, ww)
		return
	}
	// A word longer than the line: break it by width, at least one rune a line.
	b := 0
	if st.bold {
		b = 1
	}
	scale := w.size * ptMM / 1000
	start, acc := 0, w.cur.w
	for i, r := range word {
		rw := float64(w.fs.runeUnits(r, b)) * scale
		if acc+rw > w.maxW && i > start {
			w.cur.add(word[start:i], st, acc-w.cur.w)
			w.flush()
			start, acc = i, 0
		}
		acc += rw
	}
	w.cur.add(word[start:], st, acc-w.cur.w)
}

// oneLine cleans s and folds line feeds into spaces, for single-line fields.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
