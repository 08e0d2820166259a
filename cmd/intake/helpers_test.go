package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/internal/testserver"
)

// Helpers shared by the tests that run the real server under load (backup,
// restore, crash, shutdown) and then look into its database.

// startLoadServer starts the real server over a fresh database with the
// patient rate limit lifted, so that submissions without pause are never
// refused with 429. It returns the server, the database path and the
// screening cases to submit.
func startLoadServer(t *testing.T) (*testserver.Server, string, []cases.Case) {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	return startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000/min"), dbPath, all
}

// postCase posts one case to the API and returns the new id, or "" and the
// status when the reply is not a 201.
func postCase(client *http.Client, base string, c cases.Case) (id string, status int, err error) {
	resp, err := client.Post(base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
	if err != nil {
		return "", 0, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", resp.StatusCode, nil
	}
	var out struct{ ID string }
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
		return "", resp.StatusCode, err
	}
	return out.ID, resp.StatusCode, nil
}

// loadReply is what one of postLoad's submissions got back, as postCase
// returns it.
type loadReply struct {
	seq    int        // the worker's how-many-th submission, from 0
	c      cases.Case // the case submitted
	id     string     // the new intake's id; "" unless the reply was 201
	status int
	err    error // no reply: refused, reset or timed out
}

// postLoad submits the cases to base from workers goroutines without pause,
// worker w starting at case w, each until next returns false for one of its
// replies; next is called from all workers at once. Each request may take up
// to timeout. The returned function waits until every worker has stopped.
func postLoad(base string, all []cases.Case, workers int, timeout time.Duration, next func(loadReply) bool) (wait func()) {
	client := &http.Client{Timeout: timeout}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				c := all[(w+i)%len(all)]
				id, status, err := postCase(client, base, c)
				if !next(loadReply{seq: i, c: c, id: id, status: status, err: err}) {
					return
				}
			}
		}()
	}
	return wg.Wait
}

// openDB opens the database at path for a test's own checks and closes it
// when the test ends.
func openDB(t testing.TB, path string) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// newDBPath returns the path of a new, migrated, empty database in a temp
// folder, as `intake serve` leaves it on first start (CLI commands refuse a
// missing one).
func newDBPath(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "intake.db")
	d, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	return path
}

// checkStored opens the database after the server closed it and checks that
// every acknowledged intake is there and the file passes integrity_check.
func checkStored(t *testing.T, dbPath string, ids []string) {
	t.Helper()
	ctx := context.Background()
	d := openDB(t, dbPath)
	for _, id := range ids {
		if _, err := d.Intake(ctx, id); err != nil {
			t.Errorf("acknowledged intake %s not stored: %v", id, err)
		}
	}
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
