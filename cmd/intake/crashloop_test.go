package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/ledger"
	"github.com/backintake/backintake/internal/testserver"
)

// loadBinary builds cmd/intake-load once per test run.
func loadBinary(t testing.TB) string {
	t.Helper()
	return testserver.Build(t, "../intake-load", filepath.Join(binDir, "intake-load"))
}

// TestCrashLoop is the crash test: the real server runs with two load
// generators (cmd/intake-load, JSON API and HTML form, each keeping a ledger
// of the intakes it saw acknowledged), is killed with SIGKILL at a random
// moment, and restarts on the same database (its start-up integrity check
// must pass), again and again. Afterwards the ledgers prove that every
// acknowledged intake is stored exactly once with the answers that were sent,
// and the database shows no partial intake: each has exactly one screening
// and one receipt and its answers validate, integrity_check and
// foreign_key_check pass.
//
// Each kill comes at a random moment up to 0.8 s after the round's first
// acknowledgement, so requests are always in flight. `go test` kills 10
// times; scripts/crashtest sets INTAKE_CRASHTEST_KILLS (and
// INTAKE_CRASHTEST_MAX_ROUND) for longer runs. INTAKE_CRASHTEST_SEED repeats
// a run's kill moments and intakes.
func TestCrashLoop(t *testing.T) {
	kills := envInt(t, "INTAKE_CRASHTEST_KILLS", 10)
	maxRound := 800 * time.Millisecond
	if s := os.Getenv("INTAKE_CRASHTEST_MAX_ROUND"); s != "" {
		var err error
		if maxRound, err = time.ParseDuration(s); err != nil {
			t.Fatalf("INTAKE_CRASHTEST_MAX_ROUND: %v", err)
		}
	}
	seed := uint64(envInt(t, "INTAKE_CRASHTEST_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("seed %d (INTAKE_CRASHTEST_SEED repeats this run), %d kills, rounds up to %v", seed, kills, maxRound)
	rng := rand.New(rand.NewPCG(seed, 1))
	loadBin := loadBinary(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "data", "intake.db")

	var ledgers []string
	totalAcked := 0
	for k := 1; k <= kills; k++ {
		srv := startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000000/min")
		var gens []*exec.Cmd
		var outs []*bytes.Buffer
		for m, mode := range []string{"api", "form"} {
			path := filepath.Join(dir, fmt.Sprintf("round%03d-%s.jsonl", k, mode))
			ledgers = append(ledgers, path)
			cmd := exec.Command(loadBin, "--url", srv.Base, "--mode", mode, "--concurrency", "6",
				"--duration", "10m", "--timeout", "10s", "--ledger", path, "--seed", strconv.FormatUint(seed*10000+uint64(k*2+m), 10)) // distinct intakes per generator
			out := &bytes.Buffer{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill() })
			gens, outs = append(gens, cmd), append(outs, out)
		}
		// Kill at a random moment once submissions are being acknowledged.
		waitFirstAck(t, ledgers[len(ledgers)-len(gens):])
		wait := time.Duration(rng.Int64N(int64(maxRound)))
		time.Sleep(wait)
		if err := srv.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-srv.Exited()
		acked := 0
		for i, g := range gens {
			_ = g.Process.Signal(syscall.SIGTERM)
			if err := g.Wait(); err != nil && !stoppedEarly(g, outs[i].String()) {
				t.Fatalf("intake-load: %v\n%s", err, outs[i])
			}
			path := ledgers[len(ledgers)-len(gens)+i]
			entries, err := ledger.Read(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue // stopped before it created its ledger: nothing acknowledged
			}
			if err != nil {
				t.Fatal(err)
			}
			acked += len(entries)
		}
		totalAcked += acked
		t.Logf("round %d: SIGKILL %v after the first acknowledgement, %d intakes acknowledged", k, wait.Round(time.Millisecond), acked)
	}

	// One more start: the start-up check must pass after the last kill; a
	// clean stop then leaves one file to inspect.
	srv := startServer(t, dbPath)
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit status %d after the crash loop\n%s", code, srv.Stderr())
	}
	if totalAcked == 0 {
		t.Fatal("no intake was acknowledged in any round: the load never reached the server")
	}
	stored := verifyCrashDB(t, dbPath, ledgers)
	t.Logf("%d kills: %d intakes acknowledged, all stored once with identical answers; %d stored in all (%d committed but not acknowledged before a kill, each complete)",
		kills, totalAcked, stored, stored-totalAcked)
}

// waitFirstAck waits until one of the ledgers holds an entry.
func waitFirstAck(t *testing.T, ledgers []string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range ledgers {
			if st, err := os.Stat(l); err == nil && st.Size() > 0 {
				return
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("no submission acknowledged within 60 s of starting the load")
}

// stoppedEarly reports a generator that SIGTERM stopped before its first
// request: before its signal handler was installed (killed by the signal) or
// before the attack began ("context canceled").
func stoppedEarly(g *exec.Cmd, out string) bool {
	ws, ok := g.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM || strings.Contains(out, "context canceled")
}

// verifyCrashDB checks the database after the crash loop and returns how many
// intakes it holds.
func verifyCrashDB(t *testing.T, dbPath string, ledgers []string) int {
	t.Helper()
	ctx := context.Background()
	d := openDB(t, dbPath)
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}

	// Every acknowledged intake: present, same answers (by hash).
	var entries []ledger.Entry
	for _, l := range ledgers {
		e, err := ledger.Read(l)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e...)
	}
	if err := ledger.Verify(ctx, d, entries); err != nil {
		t.Fatal(err)
	}
	ackedHashes := map[string]int{}
	for _, e := range entries {
		ackedHashes[e.AnswersSHA256]++
	}

	// Every stored intake is whole: its answers decode and validate to
	// themselves; count each answer set (each generated intake is distinct).
	storedHashes := map[string]int{}
	n := 0
	err := d.Each(ctx, db.Filter{IncludeVoided: true}, func(in intake.Intake, _ []db.StoredScreening) error {
		n++
		data, err := json.Marshal(in.Answers)
		if err != nil {
			return err
		}
		var raw intake.Raw
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		again, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: in.SubmissionDate, GuardianAge: 18})
		if errs != nil || !reflect.DeepEqual(again, in.Answers) {
			t.Errorf("stored intake %s does not validate to itself: %v", in.ID, errs)
		}
		h, err := ledger.AnswersSHA256(in.Answers)
		storedHashes[h]++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for h, acked := range ackedHashes {
		if storedHashes[h] != acked {
			t.Errorf("an answer set acknowledged %d times is stored %d times", acked, storedHashes[h])
		}
	}

	// No partial intake: exactly one screening and one receipt each.
	c, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var badScreenings, badReceipts int
	err = c.QueryRow(`SELECT
		(SELECT count(*) FROM intakes i WHERE (SELECT count(*) FROM screenings s WHERE s.intake_id = i.id) != 1),
		(SELECT count(*) FROM intakes i WHERE (SELECT count(*) FROM receipts r WHERE r.intake_id = i.id) != 1)`).
		Scan(&badScreenings, &badReceipts)
	if err != nil {
		t.Fatal(err)
	}
	if badScreenings != 0 || badReceipts != 0 {
		t.Errorf("%d intakes without exactly one screening, %d without exactly one receipt", badScreenings, badReceipts)
	}
	return n
}

// envInt reads a positive whole number from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a whole number ≥ 1", name, s)
	}
	return n
}
