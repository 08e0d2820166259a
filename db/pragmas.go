package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// ConnPragmas are the durability settings of one open connection.
type ConnPragmas struct {
	Role        string // "write" or "read"
	JournalMode string // "wal"
	Synchronous int    // 2 = FULL
	ForeignKeys int    // 1 = ON
	BusyTimeout int    // milliseconds
}

// readPragmas reads the pragmas through q, which returns a pragma's single value as text.
func readPragmas(q func(string) (string, error)) (ConnPragmas, error) {
	var p ConnPragmas
	var err error
	get := func(name string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = q("PRAGMA " + name)
		if err != nil {
			err = fmt.Errorf("db: read pragma %s: %w", name, err)
		}
		return v
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	p.JournalMode = get("journal_mode")
	p.Synchronous = atoi(get("synchronous"))
	p.ForeignKeys = atoi(get("foreign_keys"))
	p.BusyTimeout = atoi(get("busy_timeout"))
	return p, err
}

// PragmaReport reads the pragmas of the write connection and of every
// connection of the read pool (it holds all ReadConns read connections at once,
// so each is a distinct connection). It waits for a running write batch.
func (d *DB) PragmaReport(ctx context.Context) ([]ConnPragmas, error) {
	var out []ConnPragmas
	report := func(role string, c *sql.Conn) error {
		p, err := readPragmas(func(q string) (string, error) {
			var v string
			err := c.QueryRowContext(ctx, q).Scan(&v)
			return v, err
		})
		if err != nil {
			return err
		}
		p.Role = role
		out = append(out, p)
		return nil
	}

	wc, err := d.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: pragma report: %w", err)
	}
	err = report("write", wc)
	wc.Close()
	if err != nil {
		return nil, err
	}

	conns := make([]*sql.Conn, 0, ReadConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range ReadConns {
		c, err := d.read.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("db: pragma report: %w", err)
		}
		conns = append(conns, c)
		if err := report("read", c); err != nil {
			return nil, err
		}
	}
	return out, nil
}
