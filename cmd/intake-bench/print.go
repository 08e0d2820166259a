package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// printReport writes the side-by-side table.
func printReport(w io.Writer, r *Report) {
	kind := "full run"
	if r.Quick {
		kind = "QUICK smoke run (short runs: not for BENCHMARKS.md)"
	}
	m := r.Machine
	fmt.Fprintf(w, "\nbackintake benchmark · %s · %s · took %s\n", r.Started.Format("2006-01-02 15:04 MST"), kind,
		(time.Duration(r.Seconds) * time.Second).Round(time.Second))
	fmt.Fprintf(w, "machine     %d CPUs (nproc), %s, %.1f GiB RAM, Linux %s, %s\n", m.CPUs, m.CPUModel, m.MemoryGiB, m.Kernel, m.Go)
	if m.Chromium != "" {
		fmt.Fprintf(w, "            %s\n", m.Chromium)
	}
	fmt.Fprintf(w, "filesystem  work files in %s (%s):\n", m.Work, m.FSType)
	for _, l := range strings.Split(m.DF, "\n") {
		fmt.Fprintf(w, "            %s\n", l)
	}
	fmt.Fprintf(w, "load avg    %s at the start, %s at the end\n", m.Load, r.LoadEnd)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "NOTE        %s\n", n)
	}

	var t table
	row := t.row
	flush := func() { t.print(w, "   ") }

	fmt.Fprintf(w, "\n1. Storage without HTTP: SQLite opened as the server does (WAL, synchronous=FULL: every commit waits for fsync)\n")
	row("", "rows/s", "ms/commit", "rows/commit", "p50 ms", "p99 ms", "CPU ms/row")
	st := func(name string, s *Storage) {
		row(name, f0(s.RowsPS), f2(s.MSPerCommit), f1(s.RowsPerTx), f2(s.P50MS), f2(s.P99MS), f3(s.CPUSeconds*1000/float64(s.Rows)))
	}
	if r.Fsync != nil {
		st("fdatasync of 4 KiB (the disk's flush)", r.Fsync)
	}
	if r.OneTx != nil {
		st("SQLite ceiling: one row per transaction", r.OneTx)
	}
	for i, s := range r.Writer {
		name := fmt.Sprintf("group commit, 32 submitters, MaxBatch %d, MaxWait %gms", s.MaxBatch, s.MaxWaitMS)
		if i == 0 {
			name += " (server)"
		}
		st(name, &s)
	}
	flush()
	fmt.Fprintln(w, "   (p50/p99: per row for fdatasync and one row per transaction; per SaveIntake call for group commit)")

	if len(r.Server) > 0 || len(r.Hello) > 0 {
		fmt.Fprintf(w, "\n2-3. HTTP, closed loop (each client sends its next request on the reply), %.0f s per row, intake-load on the same machine\n", r.Duration)
		fmt.Fprintln(w, "   hello: Fiber hello-world (HTTP ceiling) · server: intake serve, POST /api/v1/intakes (201 after the commit)")
		row("clients", "hello req/s", "p99 ms", "gen CPU", "│", "server intakes/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "gen CPU", "srv CPU", "│", "÷ SQLite 1/tx", "÷ hello")
		for _, s := range r.Server {
			h := findLoad(r.Hello, s.Concurrency)
			hc := []string{"-", "-", "-"}
			ratioH := "-"
			if h != nil {
				hc = []string{f0(h.AckedPS), f2(h.Latency.P99), cpu(h)}
				ratioH = f2(s.AckedPS / h.AckedPS)
			}
			ratioS := "-"
			if r.OneTx != nil {
				ratioS = f2(s.AckedPS / r.OneTx.RowsPS)
			}
			row(append(append([]string{fmt.Sprint(s.Concurrency)}, hc...), "│", f0(s.AckedPS), f2(s.Latency.P50), f2(s.Latency.P95),
				f2(s.Latency.P99), f2(s.Latency.Max), cpu(&s), srvCPU(&s), "│", ratioS, ratioH)...)
		}
		flush()
		fmt.Fprintln(w, "   gen CPU / srv CPU: CPU seconds of the load generator / the server during the row (and as % of one core)")
		for _, s := range r.Server {
			if bad := failures(s.Status, "201"); bad != "" {
				fmt.Fprintf(w, "   %d clients: not acknowledged: %s %s\n", s.Concurrency, bad, strings.Join(s.Errors, "; "))
			}
		}
		if f := r.Form; f != nil {
			fmt.Fprintf(w, "   HTML form (GET /intake then POST, 303), %d clients: %.0f intakes/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (GET alone p50 %s ms); gen CPU %s, srv CPU %s\n",
				f.Concurrency, f.AckedPS, f.Latency.P50, f.Latency.P95, f.Latency.P99, f.Latency.Max, getP50(f), cpu(f), srvCPU(f))
			if bad := failures(f.Status, "303"); bad != "" {
				fmt.Fprintf(w, "   form: not acknowledged: %s\n", bad)
			}
		}
		fmt.Fprintf(w, "   ledgers: %d acknowledged intakes, every one found in the database with the answers sent (ledger.Verify)\n", r.Checked)
	}

	if p := r.PDF; p != nil {
		fmt.Fprintf(w, "\n4. PDF of one intake (case %s); Chromium prints the %s\n", p.Case, p.HTMLSource)
		row("", "ms/document", "÷ pdf.Render", "size KB")
		ours := r.Micro.PDFMS
		if ours == 0 {
			ours = p.OursMS
		}
		row("pdf.Render (go test -bench, pdf/)", f2(ours), "1", f0(r.Micro.PDFBytes/1024))
		row("pdf.Render (same process as below)", f2(p.OursMS), f2(p.OursMS/ours), fmt.Sprint(p.OursBytes/1024))
		row(fmt.Sprintf("Chromium cold: --print-to-pdf, new process (median of %d)", p.ColdRuns), f0(p.ColdMS), f0(p.ColdMS/ours)+"×", fmt.Sprint(p.ChromeKB))
		row(fmt.Sprintf("Chromium warm: one browser, Page.printToPDF (median of %d)", p.WarmRuns), f1(p.WarmMS), f1(p.WarmMS/ours)+"×", "")
		flush()
	}

	if len(r.Export) > 0 {
		fmt.Fprintf(w, "\n5. Export (scripts/bench-export: `intake export` as its own process)\n")
		row("format", "rows", "seconds", "rows/s", "CPU s", "peak RSS MB")
		for _, e := range r.Export {
			row(e.Format, fmt.Sprint(e.Rows), f2(e.Seconds), f0(e.RowsPS), f2(e.CPU), f1(e.RSSMB))
		}
		flush()
	}

	fmt.Fprintf(w, "\n6. Per intake, one core (go test -bench)\n")
	row("validation (intake.V1.Validate), shared cases", f1(r.Micro.ValidateUS)+" µs")
	row("validation, generated answer sets", f1(r.Micro.ValidateGenUS)+" µs")
	row("screening (screening.Run)", f1(r.Micro.ScreenUS)+" µs")
	flush()

	fmt.Fprintf(w, "\nTargets (issue 8)\n")
	for _, tg := range targets(r) {
		row(tg.name, tg.value, tg.verdict)
	}
	flush()
}

type target struct{ name, value, verdict string }

func targets(r *Report) []target {
	var out []target
	add := func(name, value string, ok, known bool) {
		v := "met"
		switch {
		case !known:
			v, value = "not measured", "-"
		case !ok:
			v = "MISSED"
		}
		out = append(out, target{name, value, v})
	}
	s32 := findLoad(r.Server, 32)
	add("server ÷ SQLite one-row-per-transaction ceiling at 32 clients ≥ 1.0",
		ratio(s32, r.OneTx), s32 != nil && r.OneTx != nil && s32.AckedPS >= r.OneTx.RowsPS, s32 != nil && r.OneTx != nil)
	p99 := 0.0
	if s32 != nil {
		p99 = s32.Latency.P99
	}
	add("p99 at 32 clients < 50 ms", f2(p99)+" ms", p99 < 50, s32 != nil)
	add("PDF < 25 ms", f2(r.Micro.PDFMS)+" ms", r.Micro.PDFMS < 25, r.Micro.PDFMS > 0)
	if p := r.PDF; p != nil && r.Micro.PDFMS > 0 {
		add("Chromium cold ÷ PDF ≥ 30", f0(p.ColdMS/r.Micro.PDFMS)+"×", p.ColdMS/r.Micro.PDFMS >= 30, true)
	} else {
		add("Chromium cold ÷ PDF ≥ 30", "", false, false)
	}
	add("screening < 20 µs", f1(r.Micro.ScreenUS)+" µs", r.Micro.ScreenUS < 20, r.Micro.ScreenUS > 0)
	add("validation < 50 µs", f1(max(r.Micro.ValidateUS, r.Micro.ValidateGenUS))+" µs (slower set)", max(r.Micro.ValidateUS, r.Micro.ValidateGenUS) < 50, r.Micro.ValidateUS > 0)
	var csv *ExportRow
	for i := range r.Export {
		if r.Export[i].Format == "csv" {
			csv = &r.Export[i]
		}
	}
	if csv != nil {
		add(fmt.Sprintf("CSV export of %d intakes > 20,000 rows/s", csv.Rows), f0(csv.RowsPS)+" rows/s", csv.RowsPS > 20000, true)
	} else {
		add("CSV export > 20,000 rows/s", "", false, false)
	}
	if len(r.Export) > 0 {
		peak := 0.0
		for _, e := range r.Export {
			peak = max(peak, e.RSSMB)
		}
		add("export peak RSS < 64 MB (CSV and FHIR)", f1(peak)+" MB", peak < 64, true)
	} else {
		add("export peak RSS < 64 MB", "", false, false)
	}
	return out
}

func ratio(s *Load, c *Storage) string {
	if s == nil || c == nil {
		return ""
	}
	return f2(s.AckedPS / c.RowsPS)
}

func findLoad(ls []Load, c int) *Load {
	for i := range ls {
		if ls[i].Concurrency == c {
			return &ls[i]
		}
	}
	return nil
}

// failures lists the status counts other than ok ("429×3 error×1"), or "".
func failures(status map[string]int, ok string) string {
	var out []string
	for k, v := range status {
		if k != ok {
			out = append(out, fmt.Sprintf("%s×%d", k, v))
		}
	}
	return strings.Join(out, " ")
}

func cpu(l *Load) string    { return pct(l.CPUSeconds, l.Seconds) }
func srvCPU(l *Load) string { return pct(l.ServerCPU, l.Seconds) }

func pct(cpu, wall float64) string {
	if wall <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fs/%.0f%%", cpu, 100*cpu/wall)
}

func getP50(l *Load) string {
	if l.FormGet == nil {
		return "-"
	}
	return f2(l.FormGet.P50)
}

func f0(v float64) string { return fmt.Sprintf("%.0f", v) }
func f1(v float64) string { return fmt.Sprintf("%.1f", v) }
func f2(v float64) string { return fmt.Sprintf("%.2f", v) }
func f3(v float64) string { return fmt.Sprintf("%.3f", v) }
