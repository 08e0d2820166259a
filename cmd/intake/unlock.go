package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/backintake/backintake/db"
)

// unlockSignIn ends the sign-in throttling (db/throttle.go) of an email, from
// every IP, and/or of an IP, for every email, so that an admin can let a
// locked-out colleague in before the lock runs out. Each target gets one
// "user_change" audit row naming the user id (never the email) or the IP.
// After an email-only unlock it names the IPs still locked for everyone,
// since those keep the user out too.
func unlockSignIn(ctx context.Context, env *cliEnv, dbPath, email, ip string) error {
	var ips []string
	if ip != "" {
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			return usagef("%q is not an IP address", ip)
		}
		// As typed, and as the server writes a client's address.
		ips = []string{ip}
		if canon := addr.Unmap().String(); canon != ip {
			ips = append(ips, canon)
		}
	}
	if email != "" {
		if _, err := checkEmail(email); err != nil {
			return err
		}
	}
	return withDB(ctx, dbPath, func(d *db.DB) error {
		now := time.Now().UTC()
		var said []string
		err := d.Update(ctx, func(tx *sql.Tx) error {
			if email != "" {
				who, whom := "an email that is no account", email+" (no account has this email)"
				u, err := db.UserByEmailTx(tx, email)
				switch {
				case err == nil:
					who, whom = fmt.Sprintf("user %d", u.ID), fmt.Sprintf("%s (user %d)", u.Email, u.ID)
				case !errors.Is(err, db.ErrNotFound):
					return err
				}
				n, err := db.UnlockLoginAccount(tx, db.LoginAccountKey(email), now)
				if err != nil {
					return err
				}
				if err := auditUserChange(tx, env, fmt.Sprintf("ok: sign-in unlocked for %s from every IP (%s)", who, unlockedCounts(n))); err != nil {
					return err
				}
				said = append(said, fmt.Sprintf("Sign-in unlocked for %s from every IP: %s.", whom, unlockedCounts(n)))
			}
			if len(ips) > 0 {
				n, err := db.UnlockLoginIP(tx, now, ips...)
				if err != nil {
					return err
				}
				if err := auditUserChange(tx, env, fmt.Sprintf("ok: sign-in unlocked from IP %s for every account (%s)", ip, unlockedCounts(n))); err != nil {
					return err
				}
				said = append(said, fmt.Sprintf("Sign-in unlocked from %s for every account: %s.", ip, unlockedCounts(n)))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, s := range said {
			fmt.Fprintln(env.stdout, s)
		}
		if ip != "" {
			return nil
		}
		locked, err := d.LockedIPs(ctx, now)
		if err != nil {
			return err
		}
		for _, l := range locked {
			fmt.Fprintf(env.stdout, "Sign-in from %s stays locked for every account until %s (too many failed sign-ins from there); `intake user unlock --ip %s` ends that.\n",
				l.IP, l.Until.Format(time.RFC3339), l.IP)
		}
		return nil
	})
}

// unlockedCounts says what an unlock removed.
func unlockedCounts(n db.Unlocked) string {
	return fmt.Sprintf("%d %s ended, %d failed %s forgotten",
		n.Locks, plural(n.Locks, "lock", "locks"), n.Failures, plural(n.Failures, "sign-in", "sign-ins"))
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
