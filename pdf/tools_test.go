package pdf

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/testtool"
)

// writePDF stores a PDF in the test's temporary folder and returns its path.
func writePDF(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs a tool and returns its standard output, failing the test on error.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// pdfText is pdftotext's text of pages first..last (0: from the first, to the last page).
func pdfText(t testing.TB, path string, first, last int, layout bool) string {
	t.Helper()
	testtool.Need(t, "pdftotext", "poppler-utils")
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first))
	}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	if layout {
		args = append(args, "-layout")
	}
	return run(t, "pdftotext", append(args, path, "-")...)
}

// bboxWord is one word as pdftotext -bbox reports it, in points from the page's top left.
type bboxWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// bboxPage is one page of pdftotext -bbox output.
type bboxPage struct {
	w, h  float64
	words []bboxWord
}

var (
	pageRe = regexp.MustCompile(`<page width="([0-9.]+)" height="([0-9.]+)">`)
	wordRe = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">(.*?)</word>`)
)

// pdfWords returns every word of every page with its box.
func pdfWords(t testing.TB, path string) []bboxPage {
	t.Helper()
	testtool.Need(t, "pdftotext", "poppler-utils")
	out := run(t, "pdftotext", "-enc", "UTF-8", "-bbox", path, "-")
	var pages []bboxPage
	for _, ln := range strings.Split(out, "\n") {
		if m := pageRe.FindStringSubmatch(ln); m != nil {
			pages = append(pages, bboxPage{w: atof(m[1]), h: atof(m[2])})
			continue
		}
		if m := wordRe.FindStringSubmatch(ln); m != nil && len(pages) > 0 {
			p := &pages[len(pages)-1]
			p.words = append(p.words, bboxWord{html.UnescapeString(m[5]), atof(m[1]), atof(m[2]), atof(m[3]), atof(m[4])})
		}
	}
	return pages
}

func atof(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }

const mmPt = 72 / 25.4

// checkLayout fails when two words on a page overlap, a word leaves the
// printable width or body text runs into the footer: nothing overlaps,
// nothing runs off the page.
func checkLayout(t testing.TB, pages []bboxPage) {
	t.Helper()
	const tol = 0.3
	for pi, p := range pages {
		for i, a := range p.words {
			footerTop := p.h - marginBottom*mmPt
			if a.yMin < footerTop && a.yMax > footerTop+tol {
				t.Errorf("page %d: word %q at y %.1f–%.1f runs into the footer", pi+1, short(a.text), a.yMin, a.yMax)
			}
			if a.xMin < marginX*mmPt-tol || a.xMax > p.w-marginX*mmPt+tol || a.yMin < 0 || a.yMax > p.h {
				t.Errorf("page %d: word %q at x %.1f–%.1f y %.1f–%.1f leaves the printable area", pi+1, short(a.text), a.xMin, a.xMax, a.yMin, a.yMax)
			}
			for _, b := range p.words[i+1:] {
				if a.xMin < b.xMax-tol && b.xMin < a.xMax-tol && a.yMin < b.yMax-tol && b.yMin < a.yMax-tol {
					t.Errorf("page %d: %q (%.1f,%.1f) overlaps %q (%.1f,%.1f)", pi+1, short(a.text), a.xMin, a.yMin, short(b.text), b.xMin, b.yMin)
				}
			}
		}
	}
}

func short(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// stripSpace removes all white space.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\f' || r == '\r' {
			return -1
		}
		return r
	}, s)
}
