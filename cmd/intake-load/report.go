package main

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/backintake/backintake/internal/ledger"
)

// Summary is the outcome of one run; --json prints it as is. Times are in
// milliseconds unless the name says otherwise.
type Summary struct {
	Mode        string  `json:"mode"`
	URL         string  `json:"url"`
	Concurrency int     `json:"concurrency"`
	Rate        int     `json:"rate"` // requested per second; 0 = unpaced
	Seed        uint64  `json:"seed"`
	Seconds     float64 `json:"seconds"` // wall time of the attack
	Requests    int     `json:"requests"`
	Acked       int     `json:"acked"` // 201 (api) or 303 to a receipt (form)
	RequestsPS  float64 `json:"requests_per_s"`
	AckedPS     float64 `json:"acked_per_s"`
	Latency     Latency `json:"latency_ms"` // every request; form: GET + POST
	// Status counts replies by HTTP status; "error" is a transport error
	// (refused, reset, timeout) and "bad_ack" a 201/303 that carried no id or receipt.
	Status    map[string]int `json:"status"`
	Errors    []string       `json:"errors,omitempty"` // first distinct transport errors
	FormGet   *Latency       `json:"form_get_ms,omitempty"`
	GetErrors int            `json:"form_get_errors,omitempty"`
	// CPU time (user + system) of this process from the first request to the
	// last reply, with any generation done meanwhile.
	CPUSeconds float64 `json:"cpu_s"`
	CPUPerReq  float64 `json:"cpu_ms_per_request"`
	Ledger     string  `json:"ledger,omitempty"`

	mu      sync.Mutex // guards get and the form-GET fields
	lat     *hdrhistogram.Histogram
	get     *hdrhistogram.Histogram
	errSeen map[string]bool
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// newHist records microseconds from 1 µs to 5 minutes at 3 significant digits.
func newHist() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(5*time.Minute/time.Microsecond), 3)
}

func newSummary(cfg config) *Summary {
	s := &Summary{Mode: cfg.Mode, URL: cfg.URL, Concurrency: cfg.Concurrency, Rate: cfg.Rate, Seed: cfg.Seed,
		Status: map[string]int{}, lat: newHist(), errSeen: map[string]bool{}}
	if cfg.Mode == "form" {
		s.get = newHist()
	}
	return s
}

func recordHist(h *hdrhistogram.Histogram, d time.Duration) {
	us := max(d.Microseconds(), 1)
	_ = h.RecordValue(min(us, h.HighestTrackableValue())) // in range by construction
}

// record counts one result (from the single results loop) and returns the
// ledger entry (without hash) when it is an acknowledgement.
func (s *Summary) record(mode string, res *vegeta.Result) (ledger.Entry, bool) {
	s.Requests++
	recordHist(s.lat, res.Latency)
	if res.Code == 0 {
		s.Status["error"]++
		if msg := res.Error; !s.errSeen[msg] && len(s.errSeen) < 5 {
			s.errSeen[msg] = true
			s.Errors = append(s.Errors, msg)
		}
		return ledger.Entry{}, false
	}
	want := http.StatusCreated
	if mode == "form" {
		want = http.StatusSeeOther
	}
	if int(res.Code) != want {
		s.Status[strconv.Itoa(int(res.Code))]++
		return ledger.Entry{}, false
	}
	e, err := ack(mode, res)
	if err != nil {
		s.Status["bad_ack"]++
		return ledger.Entry{}, false
	}
	s.Status[strconv.Itoa(int(res.Code))]++
	s.Acked++
	return e, true
}

// recordGet counts one form GET (called from vegeta's workers).
func (s *Summary) recordGet(d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recordHist(s.get, d)
	if err != nil {
		s.GetErrors++
	}
}

func (s *Summary) finish(elapsed, cpu time.Duration) {
	s.Seconds = elapsed.Seconds()
	if s.Seconds > 0 {
		s.RequestsPS = float64(s.Requests) / s.Seconds
		s.AckedPS = float64(s.Acked) / s.Seconds
	}
	s.Latency = percentiles(s.lat)
	if s.get != nil {
		s.mu.Lock()
		l := percentiles(s.get)
		s.FormGet = &l
		s.mu.Unlock()
	}
	s.CPUSeconds = cpu.Seconds()
	if s.Requests > 0 {
		s.CPUPerReq = s.CPUSeconds * 1000 / float64(s.Requests)
	}
}

func percentiles(h *hdrhistogram.Histogram) Latency {
	ms := func(us int64) float64 { return float64(us) / 1000 }
	return Latency{P50: ms(h.ValueAtQuantile(50)), P95: ms(h.ValueAtQuantile(95)),
		P99: ms(h.ValueAtQuantile(99)), Max: ms(h.Max()), Mean: h.Mean() / 1000}
}

// cpuTime is this process's user + system CPU time so far (getrusage).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (s *Summary) print(w io.Writer) {
	rate := "unpaced"
	if s.Rate > 0 {
		rate = fmt.Sprintf("%d/s", s.Rate)
	}
	fmt.Fprintf(w, "intake-load: %s %s, %d clients, %s, seed %d\n", s.Mode, s.URL, s.Concurrency, rate, s.Seed)
	fmt.Fprintf(w, "requests   %d in %.2f s = %.1f/s; acknowledged %d = %.1f/s\n", s.Requests, s.Seconds, s.RequestsPS, s.Acked, s.AckedPS)
	l := s.Latency
	fmt.Fprintf(w, "latency    p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  mean %.2f ms\n", l.P50, l.P95, l.P99, l.Max, l.Mean)
	if g := s.FormGet; g != nil {
		fmt.Fprintf(w, "form GET   p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (included above; %d failed)\n", g.P50, g.P95, g.P99, g.Max, s.GetErrors)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.Status)) {
		parts = append(parts, fmt.Sprintf("%s×%d", k, s.Status[k]))
	}
	fmt.Fprintf(w, "status     %s\n", strings.Join(parts, "  "))
	for _, e := range s.Errors {
		fmt.Fprintf(w, "error      %s\n", e)
	}
	core := 0.0
	if s.Seconds > 0 {
		core = 100 * s.CPUSeconds / s.Seconds
	}
	fmt.Fprintf(w, "loadgen    CPU %.2f s = %.3f ms per request (%.0f%% of one core)\n", s.CPUSeconds, s.CPUPerReq, core)
	if s.Ledger != "" {
		fmt.Fprintf(w, "ledger     %d entries in %s\n", s.Acked, s.Ledger)
	}
}
