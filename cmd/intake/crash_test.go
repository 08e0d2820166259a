package main

import (
	"bytes"
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/backintake/backintake/internal/cases"
)

// TestSIGKILLKeepsAcknowledgedIntakes: submissions run concurrently, the
// server is killed with SIGKILL right after a batch of 2xx replies, and every
// acknowledged intake is in the database afterwards, answers intact.
func TestSIGKILLKeepsAcknowledgedIntakes(t *testing.T) {
	srv, dbPath, all := startLoadServer(t)
	var (
		mu     sync.Mutex
		acked  = map[string]string{} // id → case id
		killed atomic.Bool
	)
	const target = 120
	wait := postLoad(srv.Base, all, 8, 10*time.Second, func(r loadReply) bool {
		if r.err != nil {
			return false // the server is gone
		}
		if r.id == "" {
			return !killed.Load()
		}
		mu.Lock()
		acked[r.id] = r.c.ID
		n := len(acked)
		mu.Unlock()
		if n == target {
			// Kill at once, with other requests in flight.
			_ = srv.Cmd.Process.Signal(syscall.SIGKILL)
			killed.Store(true)
		}
		return !killed.Load()
	})
	wait()
	<-srv.Exited()

	d := openDB(t, dbPath)
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
