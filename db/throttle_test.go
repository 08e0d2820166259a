package db

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
)

var zeroDate intake.Date

func mustDate(t testing.TB, s string) intake.Date {
	t.Helper()
	d, err := intake.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLoginThrottle(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	lim := DefaultLoginLimits
	fail := func(ip, acc string, at time.Time) time.Time {
		t.Helper()
		var until time.Time
		err := d.Update(ctx, func(tx *sql.Tx) (err error) {
			until, err = RecordLoginFailure(tx, lim, ip, acc, at)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return until
	}
	locked := func(ip, acc string, at time.Time) time.Time {
		t.Helper()
		u, err := d.LoginLockedUntil(ctx, ip, acc, at)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}

	// Four failures a minute apart: no lock; the fifth locks the pair for Lock.
	for i := range lim.PairMax - 1 {
		if u := fail("192.0.2.1", "acc-a", t0.Add(time.Duration(i)*time.Minute)); !u.IsZero() {
			t.Fatalf("failure %d locked until %v", i+1, u)
		}
	}
	fifth := t0.Add(time.Duration(lim.PairMax-1) * time.Minute)
	if u := fail("192.0.2.1", "acc-a", fifth); !u.Equal(fifth.Add(lim.Lock)) {
		t.Fatalf("fifth failure: lock until %v, want %v", u, fifth.Add(lim.Lock))
	}
	if u := locked("192.0.2.1", "acc-a", fifth.Add(time.Minute)); !u.Equal(fifth.Add(lim.Lock)) {
		t.Errorf("pair lock: %v", u)
	}
	// The same account from another IP, and another account from this IP, are free.
	if u := locked("198.51.100.7", "acc-a", fifth.Add(time.Minute)); !u.IsZero() {
		t.Errorf("other IP locked until %v", u)
	}
	if u := locked("192.0.2.1", "acc-b", fifth.Add(time.Minute)); !u.IsZero() {
		t.Errorf("other account locked until %v", u)
	}
	// The lock ends after Lock, and its failures have left the window by then.
	end := fifth.Add(lim.Lock)
	if u := locked("192.0.2.1", "acc-a", end); !u.IsZero() {
		t.Errorf("lock still on at its end: %v", u)
	}
	if u := fail("192.0.2.1", "acc-a", end.Add(time.Second)); !u.IsZero() {
		t.Errorf("first failure after the lock locked again until %v", u)
	}

	// Twenty failures from one IP over many accounts lock the IP for every account.
	ip := "203.0.113.9"
	var until time.Time
	for i := range lim.IPMax {
		until = fail(ip, "acc-"+string(rune('a'+i)), t0.Add(time.Duration(i)*10*time.Second))
	}
	last := t0.Add(time.Duration(lim.IPMax-1) * 10 * time.Second)
	if !until.Equal(last.Add(lim.Lock)) {
		t.Fatalf("IP lock until %v, want %v", until, last.Add(lim.Lock))
	}
	if u := locked(ip, "never-failed", last.Add(time.Second)); !u.Equal(last.Add(lim.Lock)) {
		t.Errorf("IP lock does not cover a new account: %v", u)
	}

	// A success clears the pair's failures only.
	for i := range 3 {
		fail("192.0.2.50", "acc-c", t0.Add(time.Duration(i)*time.Second))
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return ClearLoginFailures(tx, "192.0.2.50", "acc-c") }); err != nil {
		t.Fatal(err)
	}
	for i := range lim.PairMax - 1 {
		if u := fail("192.0.2.50", "acc-c", t0.Add(time.Minute+time.Duration(i)*time.Second)); !u.IsZero() {
			t.Fatalf("failure %d after a success locked: earlier failures were not cleared", i+1)
		}
	}
}

func TestExportRange(t *testing.T) {
	from, to := mustDate(t, "2026-01-01"), mustDate(t, "2026-01-31")
	for _, tc := range []struct {
		got, want string
	}{
		{ExportRange("csv", from, to), "csv 2026-01-01..2026-01-31"},
		{ExportRange("fhir", from, zeroDate), "fhir 2026-01-01.."},
		{ExportRange("csv", zeroDate, to), "csv ..2026-01-31"},
		{ExportRange("csv", zeroDate, zeroDate), "csv .."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
