package pdf

import (
	"bytes"
	"io"
	"testing"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/jung-kurt/gofpdf"
)

// BenchmarkRender renders case C04 (six flags, three answer pages) and
// reports milliseconds and bytes per PDF. Targets: under 25 ms and 150 KB.
func BenchmarkRender(b *testing.B) {
	in, res := caseIntake(b, caseByID(b, "C04"))
	if _, err := loadFonts(); err != nil { // the once-per-process cut is BenchmarkFontCut
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, in, res, testOptions); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pdf")
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// BenchmarkFontLoad is the per-document share of font handling: gofpdf
// parsing both embedded faces (AddUTF8FontFromBytes) and subsetting them into
// an otherwise empty one-page document. Compare with BenchmarkRender.
func BenchmarkFontLoad(b *testing.B) {
	fs, err := loadFonts()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := gofpdf.New("P", "mm", "Letter", "")
		fs.addTo(p)
		p.AddPage()
		p.SetFont(family, "", 10)
		p.Text(10, 10, "Nguyễn Thị Ánh")
		p.SetFont(family, "B", 10)
		p.Text(10, 20, "Nguyễn Thị Ánh")
		if err := p.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/doc")
}

// BenchmarkFontCut is the once-per-process cost: parsing DejaVu Sans regular
// and bold with sfnt, cutting them to the printable runes and measuring widths.
func BenchmarkFontCut(b *testing.B) {
	for b.Loop() {
		if _, err := buildFonts(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderUncut is BenchmarkRender with the whole DejaVu fonts handed
// to gofpdf, to show what cutting them once per process saves.
func BenchmarkRenderUncut(b *testing.B) {
	in, res := caseIntake(b, caseByID(b, "C04"))
	fs, err := loadFonts()
	if err != nil {
		b.Fatal(err)
	}
	saved := *fs
	defer func() { *fs = saved }()
	fs.regular, fs.bold = dejavusans.TTF, dejavusansbold.TTF
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, in, res, testOptions); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pdf")
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
