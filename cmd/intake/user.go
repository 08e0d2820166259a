package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/passwords"
)

// runUser manages staff accounts (v1 has no web user pages):
//
//	intake user add --email E --role admin|therapist|frontdesk --password-stdin
//	intake user list
//	intake user disable E
//	intake user enable E
//	intake user passwd E --password-stdin
//	intake user unlock [--email E] [--ip IP]
//
// Changes write a "user_change" audit row with actor cli:<os user>; disabling
// a disabled user or enabling an active one changes nothing and says so.
// Passwords are read from standard input only, never from flags or the
// environment.
func runUser(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("user needs add, list, disable, enable, passwd or unlock")
	}
	verb := args[0]
	var dbPath string
	fs := dbFlags(env, "user "+verb, &dbPath)
	var email, role, ip string
	var fromStdin bool
	switch verb {
	case "add":
		fs.StringVar(&email, "email", "", "the user's email")
		fs.StringVar(&role, "role", "", "admin, therapist or frontdesk")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	case "passwd":
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	case "unlock":
		fs.StringVar(&email, "email", "", "end the sign-in locks of this email, from every IP")
		fs.StringVar(&ip, "ip", "", "end the sign-in locks from this IP, for every email")
	case "list", "disable", "enable":
	default:
		return usagef("unknown user command %q", verb)
	}
	pos, err := fs.parse(args[1:])
	if err != nil {
		return err
	}

	switch verb {
	case "add":
		if email == "" || role == "" || !fromStdin || len(pos) != 0 {
			return usagef("user add needs --email, --role and --password-stdin")
		}
		addr, err := checkEmail(email)
		if err != nil {
			return err
		}
		r := db.Role(role)
		if !r.Valid() {
			return usagef("role must be admin, therapist or frontdesk")
		}
		hash, err := readNewPassword(env.stdin)
		if err != nil {
			return err
		}
		return withDB(ctx, dbPath, func(d *db.DB) error {
			var id int64
			err := d.Update(ctx, func(tx *sql.Tx) error {
				var err error
				if id, err = db.AddUser(tx, addr, r, hash, time.Now()); err != nil {
					return err
				}
				return auditUserChange(tx, env, fmt.Sprintf("ok: added user %d (%s)", id, r))
			})
			if errors.Is(err, db.ErrExists) {
				return fmt.Errorf("a user with email %s already exists", addr)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "User %d (%s, %s) added.\n", id, addr, r)
			return nil
		})
	case "list":
		if len(pos) != 0 {
			return usagef("unexpected argument %q", pos[0])
		}
		return withDB(ctx, dbPath, func(d *db.DB) error {
			users, err := d.Users(ctx)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tEMAIL\tROLE\tSTATUS\tCREATED")
			for _, u := range users {
				status := "active"
				if !u.DisabledAt.IsZero() {
					status = "disabled " + u.DisabledAt.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Role, status, u.CreatedAt.Format(time.RFC3339))
			}
			return tw.Flush()
		})
	case "disable":
		if len(pos) != 1 {
			return usagef("user disable needs the user's email")
		}
		return changeUser(ctx, env, dbPath, pos[0], func(tx *sql.Tx, u db.User) (string, bool, error) {
			if !u.DisabledAt.IsZero() {
				return "already disabled", false, nil
			}
			return "disabled", true, db.DisableUser(tx, u.Email, time.Now())
		})
	case "enable":
		if len(pos) != 1 {
			return usagef("user enable needs the user's email")
		}
		return changeUser(ctx, env, dbPath, pos[0], func(tx *sql.Tx, u db.User) (string, bool, error) {
			if u.DisabledAt.IsZero() {
				return "already enabled", false, nil
			}
			return "enabled", true, db.EnableUser(tx, u.Email)
		})
	case "unlock":
		if len(pos) != 0 || (email == "" && ip == "") {
			return usagef("user unlock needs --email E or --ip IP")
		}
		return unlockSignIn(ctx, env, dbPath, email, ip)
	case "passwd":
		if len(pos) != 1 || !fromStdin {
			return usagef("user passwd needs the user's email and --password-stdin")
		}
		hash, err := readNewPassword(env.stdin)
		if err != nil {
			return err
		}
		return changeUser(ctx, env, dbPath, pos[0], func(tx *sql.Tx, u db.User) (string, bool, error) {
			return "password changed", true, db.SetPassword(tx, u.Email, hash)
		})
	}
	return nil
}

// userChange changes user u in tx and returns what it did ("disabled"), or
// changed false and what it found ("already disabled") when there was
// nothing to do.
type userChange func(tx *sql.Tx, u db.User) (what string, changed bool, err error)

// changeUser applies change to the user with that email, read in the same
// write transaction, and audits it if it changed anything. A running server
// sees the change on the user's next request: a disabled user's sessions, and
// sessions from before a password change, end then.
func changeUser(ctx context.Context, env *cliEnv, dbPath, email string, change userChange) error {
	return withDB(ctx, dbPath, func(d *db.DB) error {
		var u db.User
		var what string
		err := d.Update(ctx, func(tx *sql.Tx) error {
			var err error
			if u, err = db.UserByEmailTx(tx, email); err != nil {
				return err
			}
			var changed bool
			if what, changed, err = change(tx, u); err != nil || !changed {
				return err
			}
			return auditUserChange(tx, env, fmt.Sprintf("ok: user %d %s", u.ID, what))
		})
		if errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("no user with email %s", email)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "User %d (%s) %s.\n", u.ID, u.Email, what)
		return nil
	})
}

func withDB(ctx context.Context, path string, fn func(*db.DB) error) error {
	d, err := openExisting(ctx, path)
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(d)
}

// checkEmail accepts a bare address (no display name), at most 254 bytes.
func checkEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return "", usagef("%q is not an email address", s)
	}
	return s, nil
}

// readNewPassword reads the first line of r, applies the password policy and
// returns the argon2id hash. The password is never echoed or logged.
func readNewPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReaderSize(r, passwords.MaxLength+2).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input (pipe it in: printf '%s\\n' \"$PW\" | intake user ...)")
	}
	if err := passwords.Check(pw); err != nil {
		return "", passwordProblem(err)
	}
	return passwords.Hash(pw)
}

// passwordProblem says why the password policy refused a password, as a
// sentence for the admin typing it.
func passwordProblem(err error) error {
	switch {
	case errors.Is(err, passwords.ErrTooShort):
		return fmt.Errorf("the password is too short: it needs at least %d characters", passwords.MinLength)
	case errors.Is(err, passwords.ErrTooLong):
		return fmt.Errorf("the password is too long: it may have at most %d bytes", passwords.MaxLength)
	case errors.Is(err, passwords.ErrCommon):
		return errors.New("the password is one of the 10,000 most common: choose another")
	case errors.Is(err, passwords.ErrGuessable):
		return errors.New("the password is easy to guess (repeated or sequential characters, or a common password with digits added): choose another")
	}
	return err
}

// auditUserChange appends a "user_change" row in the change's transaction.
func auditUserChange(tx *sql.Tx, env *cliEnv, outcome string) error {
	_, err := db.AppendAudit(tx, db.AuditEntry{At: time.Now(), Actor: cliActor(env), Action: db.ActionUserChange, Outcome: outcome})
	return err
}

// printAdminHint tells, on stdout at every `intake serve` start, how to create
// the first admin while no active admin exists. It prints no secret: the
// password is typed into the command later.
func printAdminHint(ctx context.Context, d *db.DB, out io.Writer) error {
	ok, err := d.AdminExists(ctx)
	if err != nil || ok {
		return err
	}
	_, err = fmt.Fprintf(out, "No staff admin account exists yet. Create one; the command reads the password from standard input:\n"+
		"  intake user add --db %s --email you@clinic.example --role admin --password-stdin\n", d.Path())
	return err
}
