package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/backintake/backintake/internal/ledger"
)

// run generates and sends the intakes cfg asks for and returns the summary.
// It returns an error only when the run itself fails (bad URL, ledger write,
// generator bug); failed requests are counted in the summary.
func run(ctx context.Context, cfg config) (*Summary, error) {
	base := strings.TrimSuffix(cfg.URL, "/")
	if u, err := url.Parse(base); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("--url %q must be an http(s) URL", cfg.URL)
	}
	var lw *ledger.Writer
	if cfg.Ledger != "" {
		var err error
		if lw, err = ledger.Create(cfg.Ledger); err != nil {
			return nil, err
		}
		defer lw.Close()
	}
	sum := newSummary(cfg)

	// Generate ahead of the attack, so the first requests do not wait for it.
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	items := make(chan item, 1024)
	ready := make(chan struct{})
	genErr := make(chan error, 1)
	go newSource(cfg).produce(genCtx, cfg.Count, cfg.Pool, items, ready, genErr)
	select {
	case <-ready:
	case err := <-genErr:
		return nil, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	path := "/api/v1/intakes"
	if cfg.Mode == "form" {
		path = "/intake"
	}
	t := &targeter{cfg: cfg, base: base, path: path, items: items, pending: map[uint64]string{}, sum: sum}
	if cfg.Mode == "form" {
		t.client = &http.Client{
			Timeout:   cfg.Timeout,
			Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency, MaxConnsPerHost: cfg.Concurrency},
		}
	}
	attacker := vegeta.NewAttacker(
		vegeta.Workers(uint64(cfg.Concurrency)),
		vegeta.MaxWorkers(uint64(cfg.Concurrency)),
		vegeta.Connections(cfg.Concurrency),
		vegeta.MaxConnections(cfg.Concurrency),
		vegeta.Timeout(cfg.Timeout),
		vegeta.Redirects(vegeta.NoFollow), // the form's 303 is the acknowledgement
		vegeta.KeepAlive(true),
	)
	var pacer vegeta.Pacer = vegeta.ConstantPacer{Freq: cfg.Rate, Per: time.Second}
	if cfg.Count > 0 {
		pacer = countPacer{Pacer: pacer, n: uint64(cfg.Count)}
	}

	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			attacker.Stop()
		case <-stopped:
		}
	}()

	start, cpu0 := time.Now(), cpuTime()
	var runErr error
	for res := range attacker.Attack(t.target, pacer, cfg.Duration, "intake-load") {
		hash, ok := t.take(res.URL)
		if !ok {
			continue // not one of ours: the targeter failed before building a request
		}
		e, acked := sum.record(cfg.Mode, res)
		if acked && lw != nil && runErr == nil {
			e.AnswersSHA256 = hash
			if err := lw.Append(e); err != nil {
				runErr = err
				attacker.Stop()
			}
		}
	}
	sum.finish(time.Since(start), cpuTime()-cpu0)
	select {
	case err := <-genErr:
		return nil, err
	default:
	}
	if runErr != nil {
		return nil, runErr
	}
	if lw != nil {
		sum.Ledger = cfg.Ledger
		if err := lw.Close(); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// countPacer stops a pacer's attack after n hits.
type countPacer struct {
	vegeta.Pacer
	n uint64
}

func (p countPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= p.n {
		return 0, true
	}
	return p.Pacer.Pace(elapsed, hits)
}

// targeter hands vegeta one generated intake per request. Each target's URL
// carries a fragment "#<seq>", which HTTP clients never send, so a result can
// be matched to the answers it carried.
type targeter struct {
	cfg    config
	base   string
	path   string
	items  <-chan item
	client *http.Client // form mode: for GET /intake
	sum    *Summary
	seq    atomic.Uint64

	mu      sync.Mutex
	pending map[uint64]string // seq → answers hash
}

func (t *targeter) target(tgt *vegeta.Target) error {
	it, ok := <-t.items
	if !ok {
		return vegeta.ErrNoTargets
	}
	seq := t.seq.Add(1)
	t.mu.Lock()
	t.pending[seq] = it.hash
	t.mu.Unlock()

	hdr := http.Header{}
	body := it.body
	if t.cfg.Mode == "form" {
		hdr.Set("Content-Type", "application/x-www-form-urlencoded")
		began := time.Now()
		cookie, tokens, err := formTokens(t.client, t.base)
		t.sum.recordGet(time.Since(began), err)
		if err == nil {
			// Without tokens the POST is refused (403) and counted as such.
			hdr.Set("Cookie", cookie.Name+"="+cookie.Value)
			body = append(append(body[:len(body):len(body)], '&'), tokens.Encode()...)
		}
	} else {
		hdr.Set("Content-Type", "application/json")
		if t.cfg.Token != "" {
			hdr.Set("Authorization", "Bearer "+t.cfg.Token)
		}
	}
	*tgt = vegeta.Target{Method: http.MethodPost, URL: t.base + t.path + "#" + strconv.FormatUint(seq, 10), Body: body, Header: hdr}
	return nil
}

// take returns and forgets the answers hash of the request behind a result's URL.
func (t *targeter) take(u string) (string, bool) {
	_, frag, ok := strings.Cut(u, "#")
	if !ok {
		return "", false
	}
	seq, err := strconv.ParseUint(frag, 10, 64)
	if err != nil {
		return "", false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := t.pending[seq]
	delete(t.pending, seq)
	return h, ok
}

// ack reads the acknowledgement out of a successful result: the intake id of
// a 201 JSON reply, or the receipt of a 303 to /intake/done/<receipt>.
func ack(mode string, res *vegeta.Result) (ledger.Entry, error) {
	at := res.Timestamp.Add(res.Latency).UTC()
	if mode == "form" {
		loc := http.Header(res.Headers).Get("Location")
		receipt, ok := strings.CutPrefix(loc, "/intake/done/")
		if !ok || receipt == "" || strings.Contains(receipt, "/") {
			return ledger.Entry{}, errors.New("303 without a receipt Location")
		}
		return ledger.Entry{Receipt: receipt, At: at}, nil
	}
	var body struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || body.ID == "" {
		return ledger.Entry{}, errors.New("201 without an id")
	}
	return ledger.Entry{ID: body.ID, At: at}, nil
}
