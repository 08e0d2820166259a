package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/backintake/backintake/db"
)

// runToken manages API tokens: add prints a new token once (only its hash
// is stored), list shows names and dates, revoke disables one by name.
func runToken(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("token needs add, list or revoke")
	}
	verb := args[0]
	if verb != "add" && verb != "list" && verb != "revoke" {
		return usagef("unknown token command %q", verb)
	}
	var dbPath string
	fs := dbFlags(env, "token "+verb, &dbPath)
	name := new(string)
	if verb == "add" {
		fs.StringVar(name, "name", "", "token name")
	}
	pos, err := fs.parse(args[1:])
	if err != nil {
		return err
	}
	if verb == "revoke" && len(pos) != 1 {
		return usagef("token revoke needs the token's name")
	}
	if verb != "revoke" && len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	if verb == "add" && *name == "" {
		return usagef("token add needs --name")
	}
	d, err := openExisting(ctx, dbPath)
	if err != nil {
		return err
	}
	defer d.Close()
	now := time.Now().UTC()
	switch verb {
	case "add":
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		token := "bit_" + base64.RawURLEncoding.EncodeToString(b[:])
		if err := d.Update(ctx, func(tx *sql.Tx) error {
			if err := db.AddToken(tx, *name, token, now); err != nil {
				return err
			}
			return auditTokenChange(tx, env, now, fmt.Sprintf("ok: token %q added", *name))
		}); errors.Is(err, db.ErrExists) {
			return fmt.Errorf("an API token named %q already exists (a revoked token keeps its name): choose another name", *name)
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%s\n", token)
		fmt.Fprintf(env.stderr, "API token %q created. It is shown only once: store it now.\n", *name)
	case "list":
		toks, err := d.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tREVOKED")
		for _, t := range toks {
			revoked := "-"
			if !t.RevokedAt.IsZero() {
				revoked = t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.CreatedAt.Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		if err := d.Update(ctx, func(tx *sql.Tx) error {
			if err := db.RevokeToken(tx, pos[0], now); err != nil {
				return err
			}
			return auditTokenChange(tx, env, now, fmt.Sprintf("ok: token %q revoked", pos[0]))
		}); errors.Is(err, db.ErrNotFound) {
			return fmt.Errorf("no API token is named %q (intake token list shows them)", pos[0])
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "API token %q revoked.\n", pos[0])
	}
	return nil
}

// auditTokenChange appends a "token_change" row (actor cli:<os user>) in the
// change's transaction; token names are not secret, the token never appears.
func auditTokenChange(tx *sql.Tx, env *cliEnv, at time.Time, outcome string) error {
	_, err := db.AppendAudit(tx, db.AuditEntry{At: at, Actor: cliActor(env), Action: db.ActionTokenChange, Outcome: outcome})
	return err
}
