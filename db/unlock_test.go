package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"
)

// An admin's unlock of an account ends its locks from every IP and leaves the
// lock of a whole IP; an unlock of an IP ends every lock from it.
func TestUnlockLogin(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	lim := DefaultLoginLimits
	update := func(fn func(*sql.Tx) error) {
		t.Helper()
		if err := d.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	fail := func(ip, acc string, n int) {
		t.Helper()
		update(func(tx *sql.Tx) error {
			for i := range n {
				if _, err := RecordLoginFailure(tx, lim, ip, acc, t0.Add(time.Duration(i)*time.Second)); err != nil {
					return err
				}
			}
			return nil
		})
	}
	locked := func(ip, acc string) bool {
		t.Helper()
		u, err := d.LoginLockedUntil(ctx, ip, acc, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		return !u.IsZero()
	}
	boss, other := LoginAccountKey("boss@clinic.example"), LoginAccountKey("pt@clinic.example")
	// boss locked from two IPs; the office IP locked for everyone.
	fail("192.0.2.1", boss, lim.PairMax)
	fail("192.0.2.2", boss, lim.PairMax)
	fail("198.51.100.7", other, lim.IPMax)

	ips, err := d.LockedIPs(ctx, t0.Add(time.Minute))
	if err != nil || len(ips) != 1 || ips[0].IP != "198.51.100.7" || !ips[0].Until.After(t0) {
		t.Fatalf("LockedIPs = %+v, %v", ips, err)
	}

	var got Unlocked
	update(func(tx *sql.Tx) (err error) {
		got, err = UnlockLoginAccount(tx, LoginAccountKey(" Boss@Clinic.example "), t0.Add(time.Minute))
		return err
	})
	if got != (Unlocked{Locks: 2, Failures: 2 * int64(lim.PairMax)}) {
		t.Errorf("UnlockLoginAccount = %+v", got)
	}
	if locked("192.0.2.1", boss) || locked("192.0.2.2", boss) {
		t.Error("boss still locked after the account unlock")
	}
	if !locked("198.51.100.7", boss) || !locked("198.51.100.7", other) {
		t.Error("the account unlock ended the lock of a whole IP")
	}

	// The IP as the server writes it and as typed ("::ffff:" form) both match.
	update(func(tx *sql.Tx) (err error) {
		got, err = UnlockLoginIP(tx, t0.Add(time.Minute), "::ffff:198.51.100.7", "198.51.100.7")
		return err
	})
	// The IP lock and the pair lock of other (IPMax ≥ PairMax failures).
	if got != (Unlocked{Locks: 2, Failures: int64(lim.IPMax)}) {
		t.Errorf("UnlockLoginIP = %+v", got)
	}
	if locked("198.51.100.7", boss) || locked("198.51.100.7", other) {
		t.Error("the IP is still locked")
	}
	if ips, _ := d.LockedIPs(ctx, t0.Add(time.Minute)); len(ips) != 0 {
		t.Errorf("LockedIPs after unlock = %+v", ips)
	}
	if n := countRows(t, d, "login_failures") + countRows(t, d, "login_locks"); n != 0 {
		t.Errorf("%d throttling rows left", n)
	}

	update(func(tx *sql.Tx) error {
		_, e1 := UnlockLoginAccount(tx, "", t0)
		_, e2 := UnlockLoginIP(tx, t0)
		if !errors.Is(e1, ErrInvalid) || !errors.Is(e2, ErrInvalid) {
			t.Errorf("empty key or no ip: %v, %v", e1, e2)
		}
		return nil
	})
}

func TestLoginAccountKeyHoldsNoEmail(t *testing.T) {
	k := LoginAccountKey("Boss@Clinic.example")
	if len(k) != 32 || strings.Contains(k, "boss") || k != LoginAccountKey("boss@clinic.example") || k == LoginAccountKey("pt@clinic.example") {
		t.Errorf("LoginAccountKey = %q", k)
	}
}
