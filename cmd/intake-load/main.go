// Command intake-load drives a backintake server with realistic random valid
// intakes and reports throughput, latency percentiles, status counts and its
// own CPU time. Pacing and the HTTP attack are vegeta's
// (github.com/tsenart/vegeta/v12), percentiles HdrHistogram's; this command
// only generates the intakes (internal/gen) and keeps a ledger of the
// acknowledged ones (internal/ledger documents the format).
//
//	intake-load --url http://127.0.0.1:8080 --mode api --concurrency 32 --duration 20s --ledger acks.jsonl
//	intake-load --url http://127.0.0.1:8080 --mode form --count 500
//	intake-load verify --db data/intake.db acks.jsonl   # every acknowledged intake stored as sent?
//
// Modes:
//   - api: POST /api/v1/intakes with {"lang","answers"}; 201 is an
//     acknowledgement (ledger entry by intake id).
//   - form: GET /intake for the CSRF cookie and the hidden _csrf and
//     _submission tokens, then POST /intake form-encoded; 303 to
//     /intake/done/<receipt> is an acknowledgement (ledger entry by receipt).
//     The latency of a form request covers the GET and the POST; the GET
//     alone is reported beside it.
//
// --concurrency N is the number of requests in flight at once (N vegeta
// workers, N connections). --rate R paces requests at R per second; 0 sends
// the next request as soon as a worker is free. Run either for --duration or
// for --count requests. The answers are validated locally with the server's
// default settings (--tz, --guardian-age) to compute the hashes the ledger
// records; give the server's values if it runs with others.
//
// Generating one intake costs the generator about as much CPU as the HTTP
// request itself (validation, hashing, JSON). On a small machine, where the
// generator shares the cores with the server, --pool N generates N distinct
// intakes before the run and sends them in turn (each stored as a new intake
// with a new id), so the measured run spends no CPU on generation. The CPU
// time reported is the generator's from the first request to the last reply.
//
// The patient rate limit (INTAKE_PATIENT_RATE, default 30/min per IP) turns
// most requests into 429 unless it is raised or --token is given.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "intake-load:", err)
		}
		os.Exit(2)
	}
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return verifyMain(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	sum, err := run(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	sum.print(stdout)
	return nil
}

// config is the parsed command line.
type config struct {
	URL         string // server base URL, e.g. http://127.0.0.1:8080
	Mode        string // "api" or "form"
	Concurrency int
	Duration    time.Duration // 0 with Count > 0
	Count       int           // 0 with Duration > 0
	Rate        int           // requests per second; 0 = as fast as Concurrency allows
	Token       string        // API bearer token; "" for anonymous
	Ledger      string        // ledger file; "" for none
	Seed        uint64
	Pool        int    // > 0: send this many distinct intakes in turn instead of a new one per request
	Lang        string // en, es, vi or mix
	Location    *time.Location
	GuardianAge int
	Timeout     time.Duration
	JSON        bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var tz string
	fs := flag.NewFlagSet("intake-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&cfg.Mode, "mode", "api", "api (POST /api/v1/intakes) or form (GET then POST /intake)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 8, "requests in flight at once")
	fs.DurationVar(&cfg.Duration, "duration", 0, "how long to run (default 10s unless --count is given)")
	fs.IntVar(&cfg.Count, "count", 0, "how many requests to send (instead of --duration)")
	fs.IntVar(&cfg.Rate, "rate", 0, "requests per second; 0 = as fast as the clients can")
	fs.StringVar(&cfg.Token, "token", "", "API bearer token (api mode; exempt from the patient rate limit)")
	fs.StringVar(&cfg.Ledger, "ledger", "", "write acknowledged intakes to this JSON Lines file")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed of the generated intakes")
	fs.IntVar(&cfg.Pool, "pool", 0, "generate this many intakes before the run and send them in turn (0 = a new intake per request)")
	fs.StringVar(&cfg.Lang, "lang", "mix", "patient language: en, es, vi or mix")
	fs.StringVar(&tz, "tz", "America/Los_Angeles", "the server's INTAKE_TZ (for validation dates)")
	fs.IntVar(&cfg.GuardianAge, "guardian-age", 18, "the server's INTAKE_GUARDIAN_AGE")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "per-request timeout")
	fs.BoolVar(&cfg.JSON, "json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return cfg, fmt.Errorf("--tz: %w", err)
	}
	cfg.Location = loc
	if cfg.Duration == 0 && cfg.Count == 0 {
		cfg.Duration = 10 * time.Second
	}
	return cfg, cfg.check()
}

func (c config) check() error {
	switch {
	case c.Mode != "api" && c.Mode != "form":
		return fmt.Errorf("--mode must be api or form")
	case c.Concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1")
	case c.Duration < 0 || c.Count < 0 || c.Rate < 0 || c.Pool < 0:
		return fmt.Errorf("--duration, --count, --rate and --pool must not be negative")
	case c.Duration > 0 && c.Count > 0:
		return fmt.Errorf("give --duration or --count, not both")
	case c.Lang != "mix" && c.Lang != "en" && c.Lang != "es" && c.Lang != "vi":
		return fmt.Errorf("--lang must be en, es, vi or mix")
	case c.Token != "" && c.Mode != "api":
		return fmt.Errorf("--token is for api mode")
	}
	return nil
}
