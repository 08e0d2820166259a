package main

import "time"

// Report is everything one run measured; it is printed as the table and
// saved as results.json.
type Report struct {
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Quick    bool      `json:"quick"`
	Machine  Machine   `json:"machine"`
	LoadEnd  string    `json:"load_after"` // /proc/loadavg at the end
	Notes    []string  `json:"notes"`      // anything that makes a figure less than it should be
	Duration float64   `json:"seconds_per_load_run"`

	Fsync   *Storage  `json:"fsync,omitempty"`
	OneTx   *Storage  `json:"sqlite_one_tx,omitempty"`
	Writer  []Storage `json:"group_commit,omitempty"`
	Hello   []Load    `json:"http_ceiling,omitempty"`
	Server  []Load    `json:"server,omitempty"`
	Form    *Load     `json:"server_form,omitempty"`
	Checked int       `json:"ledger_verified"` // acknowledged intakes found intact in the database

	Micro  Micro       `json:"micro"`
	PDF    *PDF        `json:"pdf,omitempty"`
	Export []ExportRow `json:"export,omitempty"`
	ExpOut string      `json:"export_output,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPUs      int     `json:"nproc"`
	CPUModel  string  `json:"cpu_model"`
	MemoryGiB float64 `json:"memory_gib"`
	Kernel    string  `json:"kernel"`
	Go        string  `json:"go"`
	Chromium  string  `json:"chromium"`
	Work      string  `json:"work"`
	DF        string  `json:"df_t"` // `df -T <work>`
	FSType    string  `json:"fs_type"`
	Load      string  `json:"load_before"` // /proc/loadavg at the start
}

// Storage is one intake-bench-sqlite result (its JSON).
type Storage struct {
	Mode        string  `json:"mode"`
	Rows        int     `json:"rows"`
	Clients     int     `json:"clients,omitempty"`
	MaxBatch    int     `json:"max_batch,omitempty"`
	MaxWaitMS   float64 `json:"max_wait_ms"`
	Seconds     float64 `json:"seconds"`
	RowsPS      float64 `json:"rows_per_s"`
	Commits     int64   `json:"commits"`
	MSPerCommit float64 `json:"ms_per_commit"`
	RowsPerTx   float64 `json:"rows_per_commit"`
	P50MS       float64 `json:"p50_ms"`
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
	CPUSeconds  float64 `json:"cpu_s"`
}

// Load is one intake-load summary (the fields used here of its --json output)
// plus the CPU time the server process used meanwhile.
type Load struct {
	Mode        string         `json:"mode"`
	Concurrency int            `json:"concurrency"`
	Seconds     float64        `json:"seconds"`
	Requests    int            `json:"requests"`
	Acked       int            `json:"acked"`
	AckedPS     float64        `json:"acked_per_s"`
	Latency     Latency        `json:"latency_ms"`
	FormGet     *Latency       `json:"form_get_ms,omitempty"`
	Status      map[string]int `json:"status"`
	Errors      []string       `json:"errors,omitempty"`
	CPUSeconds  float64        `json:"cpu_s"`
	ServerCPU   float64        `json:"server_cpu_s"`
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Micro holds the go test -bench figures.
type Micro struct {
	ValidateUS    float64 `json:"validate_us"`           // BenchmarkValidate, shared cases
	ValidateGenUS float64 `json:"validate_generated_us"` // BenchmarkValidateGenerated
	ScreenUS      float64 `json:"screen_us"`             // screening BenchmarkRun
	PDFMS         float64 `json:"pdf_ms"`                // pdf BenchmarkRender ms/pdf
	PDFBytes      float64 `json:"pdf_bytes"`
}

// PDF is intake-bench-pdf's JSON.
type PDF struct {
	Case       string  `json:"case"`
	HTML       string  `json:"html"`
	HTMLSource string  `json:"html_source"`
	OursMS     float64 `json:"ours_ms"`
	OursBytes  int     `json:"ours_bytes"`
	ColdMS     float64 `json:"cold_ms"`
	ColdMinMS  float64 `json:"cold_min_ms"`
	ColdRuns   int     `json:"cold_runs"`
	WarmMS     float64 `json:"warm_ms"`
	WarmMinMS  float64 `json:"warm_min_ms"`
	WarmRuns   int     `json:"warm_runs"`
	ChromeKB   int     `json:"chromium_pdf_kb"`
	Chromium   string  `json:"chromium"`
}

// ExportRow is one format's line of scripts/bench-export's table.
type ExportRow struct {
	Format  string  `json:"format"`
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	RowsPS  float64 `json:"rows_per_s"`
	CPU     float64 `json:"cpu_s"`
	RSSMB   float64 `json:"peak_rss_mb"`
}
