// Command intake-bench-pdf compares pdf.Render with headless Chromium printing
// an HTML page of the same intake (case C04 of testdata/cases, the intake
// pdf.BenchmarkRender uses):
//
//   - ours: pdf.Render in this process, per document;
//   - cold: `chromium --headless --print-to-pdf` per document, process start
//     included (the profile folder is reused and one run is discarded first,
//     so the disk cache is warm: the most favourable cold case for Chromium);
//   - warm: one browser kept running, per document a navigation to the page
//     and Page.printToPDF through chromedp.
//
// The HTML is --html FILE (scripts/bench saves the staff detail page there
// when the staff pages exist) or, without it, a plain HTML rendering of the
// same intake's summary and answers written by this command.
//
//	intake-bench-pdf --work .cache/bench/pdf --cold 10 --warm 30 --json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/pdf"
	"github.com/backintake/backintake/screening"
)

// Result is what one run prints (as JSON with --json); times are milliseconds
// per document, the median of the runs unless named otherwise.
type Result struct {
	Case       string  `json:"case"`
	HTML       string  `json:"html"`        // the printed HTML file
	HTMLSource string  `json:"html_source"` // "staff page" or "plain rendering"
	OursMS     float64 `json:"ours_ms"`
	OursBytes  int     `json:"ours_bytes"`
	OursRuns   int     `json:"ours_runs"`
	ColdMS     float64 `json:"cold_ms"`
	ColdMinMS  float64 `json:"cold_min_ms"`
	ColdRuns   int     `json:"cold_runs"`
	WarmMS     float64 `json:"warm_ms"`
	WarmMinMS  float64 `json:"warm_min_ms"`
	WarmRuns   int     `json:"warm_runs"`
	ChromeKB   int     `json:"chromium_pdf_kb"`
	Chromium   string  `json:"chromium"` // version line
}

func main() {
	work := flag.String("work", ".cache/bench/pdf", "folder for the HTML, PDFs and the browser profile")
	htmlFile := flag.String("html", "", "HTML page to print (default: a plain rendering of the intake, written to --work)")
	source := flag.String("html-source", "staff page", "what --html is, for the report")
	chromium := flag.String("chromium", "/usr/bin/chromium", "Chromium binary")
	ours := flag.Int("ours", 200, "pdf.Render runs")
	cold := flag.Int("cold", 10, "cold Chromium runs")
	warm := flag.Int("warm", 30, "warm Chromium runs")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	res, err := run(*work, *htmlFile, *source, *chromium, *ours, *cold, *warm)
	if err != nil {
		fmt.Fprintln(os.Stderr, "intake-bench-pdf:", err)
		os.Exit(1)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	fmt.Printf("%s (%s): pdf.Render %.2f ms (%d KB); Chromium cold %.0f ms (min %.0f), warm %.1f ms (min %.1f); cold ÷ ours %.0f×, warm ÷ ours %.1f×\n",
		res.Case, res.HTMLSource, res.OursMS, res.OursBytes/1024, res.ColdMS, res.ColdMinMS, res.WarmMS, res.WarmMinMS,
		res.ColdMS/res.OursMS, res.WarmMS/res.OursMS)
}

func run(work, htmlFile, source, chromium string, nOurs, nCold, nWarm int) (Result, error) {
	if err := os.MkdirAll(work, 0o700); err != nil {
		return Result{}, err
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return Result{}, err
	}
	c, err := caseC04()
	if err != nil {
		return Result{}, err
	}
	in, scr := caseIntake(c)
	res := Result{Case: c.ID, OursRuns: nOurs, ColdRuns: nCold, WarmRuns: nWarm}

	// Ours. The first render pays the once-per-process font cut; it is not counted.
	var buf bytes.Buffer
	opt := pdf.Options{ClinicName: "Physical Therapy Clinic", Location: clinicZone}
	if err := pdf.Render(&buf, in, scr, opt); err != nil {
		return Result{}, err
	}
	start := time.Now()
	for range nOurs {
		buf.Reset()
		if err := pdf.Render(&buf, in, scr, opt); err != nil {
			return Result{}, err
		}
	}
	res.OursMS = ms(time.Since(start)) / float64(nOurs)
	res.OursBytes = buf.Len()

	if htmlFile == "" {
		htmlFile, source = filepath.Join(work, "intake.html"), "plain rendering"
		page, err := plainHTML(in, scr)
		if err != nil {
			return Result{}, err
		}
		if err := os.WriteFile(htmlFile, page, 0o600); err != nil {
			return Result{}, err
		}
	}
	if htmlFile, err = filepath.Abs(htmlFile); err != nil {
		return Result{}, err
	}
	res.HTML, res.HTMLSource = htmlFile, source
	if v, err := exec.Command(chromium, "--version").Output(); err == nil {
		res.Chromium = strings.TrimSpace(string(v))
	}
	profile := filepath.Join(work, "chromium-profile")
	if res.ColdMS, res.ColdMinMS, res.ChromeKB, err = coldRuns(chromium, profile, work, htmlFile, nCold); err != nil {
		return Result{}, err
	}
	if res.WarmMS, res.WarmMinMS, err = warmRuns(chromium, profile+"-warm", htmlFile, nWarm); err != nil {
		return Result{}, err
	}
	return res, nil
}

// chromiumFlags are the flags of both measurements: no sandbox as root (it
// needs user namespaces), no GPU, no background network or updates.
func chromiumFlags(profile string) []string {
	f := []string{"--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--no-first-run", "--user-data-dir=" + profile}
	if os.Geteuid() == 0 {
		f = append(f, "--no-sandbox")
	}
	return f
}

func coldRuns(chromium, profile, work, htmlFile string, n int) (median, least float64, kb int, err error) {
	out := filepath.Join(work, "chromium-cold.pdf")
	var times []float64
	for i := -1; i < n; i++ { // run -1 warms the disk cache and creates the profile
		os.Remove(out)
		args := append(chromiumFlags(profile), "--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+htmlFile)
		cmd := exec.Command(chromium, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		err := cmd.Run()
		el := time.Since(start)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("chromium --print-to-pdf: %v: %s", err, lastLine(stderr.String()))
		}
		st, err := os.Stat(out)
		if err != nil || st.Size() == 0 {
			return 0, 0, 0, errors.New("chromium --print-to-pdf wrote no PDF")
		}
		kb = int(st.Size() / 1024)
		if i >= 0 {
			times = append(times, ms(el))
		}
	}
	return medianOf(times), slices.Min(times), kb, nil
}

func warmRuns(chromium, profile, htmlFile string, n int) (median, least float64, err error) {
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chromium), chromedp.NoFirstRun, chromedp.Headless,
		chromedp.DisableGPU, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true)}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelT()
	url := "file://" + htmlFile
	var times []float64
	for i := -3; i < n; i++ { // three unmeasured runs start the browser and warm it up
		start := time.Now()
		if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
			return 0, 0, fmt.Errorf("chromedp navigate: %w", err)
		}
		out, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperLetter)))
		if err != nil {
			return 0, 0, fmt.Errorf("chromedp printToPDF: %w", err)
		}
		el := time.Since(start)
		if len(out) == 0 {
			return 0, 0, errors.New("printToPDF returned no PDF")
		}
		if i >= 0 {
			times = append(times, ms(el))
		}
	}
	return medianOf(times), slices.Min(times), nil
}

var clinicZone = mustZone("America/Los_Angeles")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func caseC04() (cases.Case, error) {
	all, err := cases.Screening()
	if err != nil {
		return cases.Case{}, err
	}
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C04") {
			return c, nil
		}
	}
	return cases.Case{}, errors.New("case C04 not found in testdata/cases")
}

// caseIntake builds the intake as pdf's BenchmarkRender does.
func caseIntake(c cases.Case) (intake.Intake, screening.Result) {
	a, d := c.Valid(), c.Date()
	in := intake.Intake{ID: "id-" + c.ID[:3], CreatedAt: time.Date(d.Year, d.Month, d.Day, 10, 30, 0, 0, clinicZone).UTC(),
		SubmissionDate: d, QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: a}
	return in, screening.Run(a, d, screening.Settings{GuardianAge: 18})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
