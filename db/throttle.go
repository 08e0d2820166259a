package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
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

// LoginAccountKey is the account key of RecordLoginFailure for a typed email:
// a hash of its trimmed lower-case form (32 hex digits), so the throttling
// tables never hold an email. It must equal web's key for the same email, or
// `intake user unlock --email` misses the locks the sign-in page set.
func LoginAccountKey(email string) string {
	sum := sha256.Sum256([]byte("login|" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:16])
}

// Unlocked counts what an unlock removed: the locks still in force at its
// time, and the recorded failures (those in the window counted towards a
// lock; older ones had not been pruned yet).
type Unlocked struct {
	Locks    int64
	Failures int64
}

// UnlockLoginAccount removes the failures and (account, IP) locks of account
// (a LoginAccountKey) from every IP, so that it may sign in again at once.
// A lock on a whole IP stays: see UnlockLoginIP.
func UnlockLoginAccount(tx *sql.Tx, account string, now time.Time) (Unlocked, error) {
	if account == "" || now.IsZero() {
		return Unlocked{}, fmt.Errorf("%w: unlock needs an account key and a time", ErrInvalid)
	}
	return unlockLogin(tx, `account = ?`, []any{account}, now)
}

// UnlockLoginIP removes every failure and lock recorded for any of ips (one
// address as typed and as the server writes it): the lock on the IP itself
// and those on (account, IP) pairs.
func UnlockLoginIP(tx *sql.Tx, now time.Time, ips ...string) (Unlocked, error) {
	if len(ips) == 0 || now.IsZero() {
		return Unlocked{}, fmt.Errorf("%w: unlock needs an ip and a time", ErrInvalid)
	}
	args := make([]any, len(ips))
	for i, ip := range ips {
		args[i] = ip
	}
	return unlockLogin(tx, `ip IN (?`+strings.Repeat(",?", len(ips)-1)+`)`, args, now)
}

// unlockLogin deletes the failures and locks matching where (a condition on
// ip and account) and counts them.
func unlockLogin(tx *sql.Tx, where string, args []any, now time.Time) (Unlocked, error) {
	var out Unlocked
	if err := tx.QueryRow(`SELECT count(*) FROM login_locks WHERE until > ? AND `+where,
		append([]any{ts(now)}, args...)...).Scan(&out.Locks); err != nil {
		return Unlocked{}, fmt.Errorf("db: count login locks: %w", err)
	}
	if _, err := tx.Exec(`DELETE FROM login_locks WHERE `+where, args...); err != nil {
		return Unlocked{}, fmt.Errorf("db: unlock login: %w", err)
	}
	res, err := tx.Exec(`DELETE FROM login_failures WHERE `+where, args...)
	if err != nil {
		return Unlocked{}, fmt.Errorf("db: unlock login: %w", err)
	}
	if out.Failures, err = res.RowsAffected(); err != nil {
		return Unlocked{}, fmt.Errorf("db: unlock login: %w", err)
	}
	return out, nil
}

// LockedIPs returns the IPs locked for every account at now, each with the end
// of its lock, by IP.
func (d *DB) LockedIPs(ctx context.Context, now time.Time) ([]IPLock, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT ip, until FROM login_locks
		WHERE account = '' AND until > ? ORDER BY ip`, ts(now))
	if err != nil {
		return nil, fmt.Errorf("db: read login locks: %w", classify(err))
	}
	defer rows.Close()
	var out []IPLock
	for rows.Next() {
		var l IPLock
		var until string
		if err := rows.Scan(&l.IP, &until); err != nil {
			return nil, fmt.Errorf("db: read login locks: %w", err)
		}
		if l.Until, err = parseTS(until); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: read login locks: %w", classify(err))
	}
	return out, nil
}

// IPLock is a lock on every sign-in from one IP (LoginLimits.IPMax).
type IPLock struct {
	IP    string
	Until time.Time // UTC
}
