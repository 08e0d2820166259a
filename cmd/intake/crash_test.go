package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/cases"
)

// TestSIGKILLKeepsAcknowledgedIntakes: submissions run concurrently, the
// server is killed with SIGKILL right after a batch of 2xx replies, and every
// acknowledged intake is in the database afterwards, answers intact.
func TestSIGKILLKeepsAcknowledgedIntakes(t *testing.T) {
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000/min")

	var (
		mu    sync.Mutex
		acked = map[string]string{} // id → case id
		wg    sync.WaitGroup
		stop  = make(chan struct{})
	)
	const target = 120
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				c := all[(w+i)%len(all)]
				resp, err := client.Post(srv.Base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
				if err != nil {
					return // the server is gone
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					continue
				}
				var out struct{ ID string }
				_ = json.Unmarshal(b, &out)
				mu.Lock()
				acked[out.ID] = c.ID
				n := len(acked)
				mu.Unlock()
				if n == target {
					// Kill at once, with other requests in flight.
					_ = srv.Cmd.Process.Signal(syscall.SIGKILL)
					close(stop)
				}
			}
		}(w)
	}
	wg.Wait()
	<-srv.Exited()

	d, err := db.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	byID := map[string]cases.Case{}
	for _, c := range all {
		byID[c.ID] = c
	}
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < target {
		t.Fatalf("only %d acknowledged before the kill", len(acked))
	}
	for id, caseID := range acked {
		in, err := d.Intake(context.Background(), id)
		if err != nil {
			t.Fatalf("acknowledged intake %s (%s) lost after SIGKILL: %v", id, caseID, err)
		}
		want := byID[caseID].Valid()
		got, _ := json.Marshal(in.Answers)
		exp, _ := json.Marshal(want)
		if !bytes.Equal(got, exp) {
			t.Fatalf("intake %s answers differ after SIGKILL", id)
		}
	}
	if err := d.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d acknowledged intakes all present after SIGKILL", len(acked))
}
