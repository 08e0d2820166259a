package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
)

// listen serves the app on a random loopback port until the test ends.
func (ts *testServer) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ts.app.Listener(ln) }()
	t.Cleanup(func() { _ = ts.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// TestConcurrentSubmitters: 32 clients at once through a real listener. No
// "database is locked" reaches a client, every acknowledged intake is stored
// exactly once, and the writer committed batches of more than one row.
func TestConcurrentSubmitters(t *testing.T) {
	ts := newTestServer(t, at("2026-11-02"))
	base := ts.listen(t)
	body := caseBody(t, func(map[string]any) {})
	const clients, each = 32, 8
	var (
		mu   sync.Mutex
		ids  = map[string]int{}
		wg   sync.WaitGroup
		errs = make(chan string, clients*each)
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				resp, err := client.Post(base+"/api/v1/intakes", "application/json", bytes.NewReader(body))
				if err != nil {
					errs <- err.Error()
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					errs <- resp.Status + " " + string(b)
					continue
				}
				var out apiCreated
				_ = json.Unmarshal(b, &out)
				mu.Lock()
				ids[out.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("client saw: %s", e)
	}
	if len(ids) != clients*each {
		t.Fatalf("%d distinct acknowledged ids, want %d", len(ids), clients*each)
	}
	stored := 0
	err := ts.db.Each(context.Background(), db.Filter{IncludeVoided: true}, func(in intake.Intake, _ []db.StoredScreening) error {
		stored++
		if ids[in.ID] != 1 {
			t.Errorf("stored intake %s was acknowledged %d times", in.ID, ids[in.ID])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if stored != clients*each {
		t.Fatalf("%d rows stored, want %d", stored, clients*each)
	}
	st := ts.writer.Stats()
	t.Logf("writer: %d batches for %d jobs, largest %d, %d batches of more than one", st.Batches, st.Jobs, st.MaxBatchSize, st.BatchesOverOne)
	if st.BatchesOverOne == 0 {
		t.Fatal("no batch committed more than one row: group commit is not working")
	}
}

// TestEveryConnectionIsDurable: WAL and synchronous=FULL on every connection the server opens.
func TestEveryConnectionIsDurable(t *testing.T) {
	ts := newTestServer(t)
	report, err := ts.db.PragmaReport(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(report) < 2 {
		t.Fatalf("report covers %d connections", len(report))
	}
	for _, p := range report {
		if p.JournalMode != "wal" || p.Synchronous != 2 {
			t.Fatalf("connection %+v: want journal_mode=wal synchronous=2", p)
		}
	}
}
