package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/testserver"
)

// inProcess is a server started by serve() inside the test process.
type inProcess struct {
	addr   string
	db     *db.DB
	writer *db.Writer
	log    *testserver.Buffer
	done   chan error // serve's return value
}

// startInProcess runs serve with hooks until ctx ends. The server is the
// same code as `intake serve`; only the hooks differ.
func startInProcess(t *testing.T, ctx context.Context, dbPath string, hooks serveHooks, args ...string) *inProcess {
	t.Helper()
	p := &inProcess{log: &testserver.Buffer{}, done: make(chan error, 1)}
	ready := make(chan struct{})
	hooks.ready = func(addr string, d *db.DB, w *db.Writer) {
		p.addr, p.db, p.writer = addr, d, w
		close(ready)
	}
	env := &cliEnv{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: p.log, stderr: p.log}
	args = append([]string{"--addr", "127.0.0.1:0", "--db", dbPath, "--patient-rate", "100000/min"}, args...)
	go func() { p.done <- serve(ctx, env, args, hooks) }()
	select {
	case <-ready:
	case err := <-p.done:
		t.Fatalf("serve returned before listening: %v\n%s", err, p.log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", p.log.String())
	}
	return p
}

// TestShutdownFinishesHeldRequests: 20 API requests are fully received and
// held in one writer batch (a test-only pause before COMMIT), SIGTERM
// arrives, new connections are refused at once, the batch is released, and
// all 20 get 201 and are stored; serve then returns nil (exit status 0).
//
// It runs in-process so that the pause can be injected through
// WriterConfig.BeforeCommit without any test code in the binary; the signal
// is a real SIGTERM to this process, caught by signal.NotifyContext exactly
// as main does. TestSIGTERMUnderLoad covers the real binary's exit status.
func TestShutdownFinishesHeldRequests(t *testing.T) {
	const n = 20
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	hooks := serveHooks{writer: db.WriterConfig{
		// The batch fills with all n jobs before BeforeCommit runs (or
		// MaxWait passes, which the batch size check below would catch).
		MaxBatch: n, MaxWait: 20 * time.Second,
		BeforeCommit: func() { once.Do(func() { close(held); <-release }) },
	}}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := startInProcess(t, ctx, dbPath, hooks)
	releaseAll := sync.OnceFunc(func() { close(release) })
	defer releaseAll() // never leave the writer blocked if the test fails early

	type reply struct {
		id     string
		status int
		err    error
		at     time.Time
	}
	replies := make(chan reply, n)
	for i := range n {
		go func() {
			// One connection per request, as 20 patients' phones would.
			client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			id, status, err := postCase(client, "http://"+srv.addr, all[i%len(all)])
			replies <- reply{id, status, err, time.Now()}
		}()
	}
	select {
	case <-held:
	case r := <-replies:
		t.Fatalf("a request finished before the batch was held: %+v", r)
	case <-time.After(30 * time.Second):
		t.Fatal("the writer never held a batch")
	}

	sigterm := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refusedAfter := waitRefused(t, srv.addr, sigterm)
	select {
	case r := <-replies:
		t.Fatalf("a held request was answered before the release: %+v", r)
	default:
	}

	released := time.Now()
	releaseAll()
	var ids []string
	for range n {
		r := <-replies
		if r.err != nil || r.status != http.StatusCreated {
			t.Fatalf("held request after SIGTERM: status %d, %v", r.status, r.err)
		}
		if r.at.Before(released) {
			t.Fatal("a reply came before the release")
		}
		ids = append(ids, r.id)
	}
	select {
	case err := <-srv.done:
		if err != nil {
			t.Fatalf("serve returned %v after SIGTERM, want nil (exit status 0)\n%s", err, srv.log.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve still running 30 s after the release:\n%s", srv.log.String())
	}
	exited := time.Since(released)
	st := srv.writer.Stats()
	if st.MaxBatchSize != n || st.Batches != 1 {
		t.Errorf("writer stats %+v: want all %d requests in the one held batch", st, n)
	}
	if !strings.Contains(srv.log.String(), "stopped") {
		t.Errorf("no 'stopped' log line:\n%s", srv.log.String())
	}
	checkStored(t, dbPath, ids)
	t.Logf("SIGTERM → new connections refused in %v; release → all %d replies and serve returned in %v",
		refusedAfter.Round(time.Microsecond), n, exited.Round(time.Millisecond))
}

// waitRefused dials addr until the connection is refused and returns how long
// after since that took. A dial that still connects (the listener not closed
// yet) is closed at once by the client.
func waitRefused(t *testing.T, addr string, since time.Time) time.Duration {
	t.Helper()
	for time.Since(since) < 10*time.Second {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			time.Sleep(2 * time.Millisecond)
			continue
		}
		// A dial racing the listener's close can complete the handshake in the
		// kernel's backlog and then be reset: refused all the same, never served.
		if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("dial after SIGTERM: %v, want connection refused", err)
		}
		return time.Since(since)
	}
	t.Fatal("connections still accepted 10 s after SIGTERM")
	return 0
}

// TestSIGTERMUnderLoad: the real binary gets SIGTERM while 8 clients submit
// without pause. It exits with status 0, every intake acknowledged with 201
// is stored, requests after the shutdown began are refused (never answered
// with a 5xx), and the database passes integrity_check.
func TestSIGTERMUnderLoad(t *testing.T) {
	srv, dbPath, all := startLoadServer(t)
	var (
		mu      sync.Mutex
		acked   []string
		bad     []int
		started = make(chan struct{}, 8)
	)
	wait := postLoad(srv.Base, all, 8, 40*time.Second, func(r loadReply) bool {
		if r.err != nil {
			return false // refused or closed: the server is shutting down
		}
		mu.Lock()
		if r.id != "" {
			acked = append(acked, r.id)
		} else {
			bad = append(bad, r.status)
		}
		mu.Unlock()
		if r.seq == 5 {
			started <- struct{}{}
		}
		return true
	})
	for range 8 {
		<-started
	}
	sigterm := time.Now()
	code := srv.Stop(t)
	took := time.Since(sigterm)
	wait()
	if code != 0 {
		t.Fatalf("exit status %d after SIGTERM\n%s", code, srv.Stderr())
	}
	if !strings.Contains(srv.Stderr(), "stopped") {
		t.Errorf("no 'stopped' log line:\n%s", srv.Stderr())
	}
	if len(bad) > 0 {
		t.Errorf("replies other than 201 during shutdown: %v", bad)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.Base, "http://"), time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after exit: %v, want connection refused", err)
	}
	checkStored(t, dbPath, acked)
	t.Logf("SIGTERM under load: exit 0 after %v; %d acknowledged intakes all stored", took.Round(time.Millisecond), len(acked))
}
