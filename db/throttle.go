package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoginLimits are the login throttling rules (issue 4): PairMax failures for
// one (account, IP) pair within Window lock that pair for Lock; IPMax failures
// from one IP within Window lock the IP for Lock. An account alone is never
// locked, so other people's failures cannot lock anyone out.
type LoginLimits struct {
	PairMax int           // default 5
	IPMax   int           // default 20
	Window  time.Duration // default 15 min
	Lock    time.Duration // default 15 min
}

// DefaultLoginLimits are issue 4's numbers.
var DefaultLoginLimits = LoginLimits{PairMax: 5, IPMax: 20, Window: 15 * time.Minute, Lock: 15 * time.Minute}

// RecordLoginFailure stores one failed login of account (an opaque key, not
// an email) from ip at at, forgets failures older than the window, and locks
// the pair or the IP when this failure reaches its limit. It returns the end of
// the lock this failure started, or the zero time. With Lock no longer than
// Window, the failures behind a lock have left the window when it ends.
func RecordLoginFailure(tx *sql.Tx, lim LoginLimits, ip, account string, at time.Time) (time.Time, error) {
	if ip == "" || at.IsZero() {
		return time.Time{}, fmt.Errorf("%w: login failure needs an ip and a time", ErrInvalid)
	}
	since := ts(at.Add(-lim.Window))
	if _, err := tx.Exec(`DELETE FROM login_failures WHERE at <= ?`, since); err != nil {
		return time.Time{}, fmt.Errorf("db: prune login failures: %w", err)
	}
	if _, err := tx.Exec(`DELETE FROM login_locks WHERE until <= ?`, ts(at)); err != nil {
		return time.Time{}, fmt.Errorf("db: prune login locks: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO login_failures (ip, account, at) VALUES (?,?,?)`, ip, account, ts(at)); err != nil {
		return time.Time{}, fmt.Errorf("db: record login failure: %w", err)
	}
	var pair, all int
	if err := tx.QueryRow(`SELECT count(*) FILTER (WHERE account = ?), count(*) FROM login_failures
		WHERE ip = ? AND at > ?`, account, ip, since).Scan(&pair, &all); err != nil {
		return time.Time{}, fmt.Errorf("db: count login failures: %w", err)
	}
	var until time.Time
	lock := func(acc string) error {
		until = at.Add(lim.Lock)
		_, err := tx.Exec(`INSERT INTO login_locks (ip, account, until) VALUES (?,?,?)
			ON CONFLICT (ip, account) DO UPDATE SET until = max(until, excluded.until)`, ip, acc, ts(until))
		if err != nil {
			return fmt.Errorf("db: lock login: %w", err)
		}
		return nil
	}
	if pair >= lim.PairMax {
		if err := lock(account); err != nil {
			return time.Time{}, err
		}
	}
	if all >= lim.IPMax {
		if err := lock(""); err != nil {
			return time.Time{}, err
		}
	}
	return until, nil
}

// ClearLoginFailures forgets the failures of one (account, IP) pair after a
// successful login. The IP's other failures still count towards its limit.
func ClearLoginFailures(tx *sql.Tx, ip, account string) error {
	if _, err := tx.Exec(`DELETE FROM login_failures WHERE ip = ? AND account = ?`, ip, account); err != nil {
		return fmt.Errorf("db: clear login failures: %w", err)
	}
	return nil
}

// LoginLockedUntil returns when the lock on the (account, ip) pair or on ip
// ends, whichever is later, or the zero time if neither is locked at now.
func (d *DB) LoginLockedUntil(ctx context.Context, ip, account string, now time.Time) (time.Time, error) {
	var until sql.NullString
	err := d.read.QueryRowContext(ctx, `SELECT max(until) FROM login_locks
		WHERE ip = ? AND account IN ('', ?) AND until > ?`, ip, account, ts(now)).Scan(&until)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("db: read login locks: %w", classify(err))
	}
	return parseNullTS(until)
}
