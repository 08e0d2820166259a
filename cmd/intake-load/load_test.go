package main

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/ledger"
	"github.com/backintake/backintake/web"
)

// startServer runs the real web app on a real SQLite file in t.TempDir(),
// with the patient rate limit raised, and returns its base URL and database.
func startServer(t *testing.T) (string, *db.DB) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "data", "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := d.Secret(ctx, "patient-form")
	if err != nil {
		t.Fatal(err)
	}
	w := db.NewWriter(d, db.WriterConfig{})
	loc, _ := time.LoadLocation("America/Los_Angeles")
	app, err := web.New(web.Config{Location: loc, PatientRate: 1 << 30, Secret: secret}, web.Deps{DB: d, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() {
		app.Shutdown()
		w.Close()
		d.Close()
	})
	return "http://" + ln.Addr().String(), d
}

// TestLoadLedgerMatchesDatabase runs the load generator briefly in both
// modes and checks that every acknowledged intake is in the ledger and stored
// with the answers the ledger's hash names.
func TestLoadLedgerMatchesDatabase(t *testing.T) {
	base, d := startServer(t)
	for _, mode := range []string{"api", "form"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), mode+".jsonl")
			var out, errOut bytes.Buffer
			args := []string{"--url", base, "--mode", mode, "--concurrency", "4", "--count", "60", "--ledger", path, "--seed", "7"}
			if err := mainErr(context.Background(), args, &out, &errOut); err != nil {
				t.Fatalf("intake-load %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
			}
			want := map[string]string{"api": "201×60", "form": "303×60"}[mode]
			if !strings.Contains(out.String(), "status     "+want+"\n") {
				t.Errorf("summary does not report %s:\n%s", want, out.String())
			}
			entries, err := ledger.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 60 {
				t.Fatalf("ledger has %d entries, want 60", len(entries))
			}
			seen := map[string]bool{}
			for _, e := range entries {
				if mode == "api" && e.ID == "" || mode == "form" && e.Receipt == "" {
					t.Fatalf("%s entry without its key: %+v", mode, e)
				}
				seen[e.AnswersSHA256] = true
			}
			if len(seen) < 55 {
				t.Errorf("only %d distinct answer sets in 60 intakes: the generator repeats itself", len(seen))
			}
			if err := ledger.Verify(context.Background(), d, entries); err != nil {
				t.Fatal(err)
			}
			n, err := d.Count(context.Background(), db.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if mode == "form" && n != 120 {
				t.Errorf("database holds %d intakes after both runs, want 120", n)
			}
		})
	}
}

// TestLoadCountsRefusals: against the default rate limit most requests are
// 429s; they are counted and none reaches the ledger.
func TestLoadCountsRefusals(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "data", "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	secret, err := d.Secret(ctx, "patient-form")
	if err != nil {
		t.Fatal(err)
	}
	w := db.NewWriter(d, db.WriterConfig{})
	defer w.Close()
	app, err := web.New(web.Config{PatientRate: 5, Secret: secret}, web.Deps{DB: d, Writer: w})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()

	path := filepath.Join(t.TempDir(), "l.jsonl")
	sum, err := run(ctx, config{URL: "http://" + ln.Addr().String(), Mode: "api", Concurrency: 2, Count: 20,
		Ledger: path, Seed: 3, Lang: "mix", Location: time.UTC, GuardianAge: 18, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Requests != 20 || sum.Acked != 5 || sum.Status["201"] != 5 || sum.Status["429"] != 15 {
		t.Errorf("requests %d, acked %d, status %v; want 20, 5, 201×5 and 429×15", sum.Requests, sum.Acked, sum.Status)
	}
	entries, err := ledger.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Errorf("ledger has %d entries, want the 5 acknowledged", len(entries))
	}
	if err := ledger.Verify(ctx, d, entries); err != nil {
		t.Error(err)
	}
}

// BenchmarkNext is the generator's own cost per intake: answers, local
// validation, hash and request body.
func BenchmarkNext(b *testing.B) {
	for _, mode := range []string{"api", "form"} {
		b.Run(mode, func(b *testing.B) {
			s := newSource(config{Mode: mode, Lang: "mix", Location: time.UTC, GuardianAge: 18, Seed: 1})
			now := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.next(now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
