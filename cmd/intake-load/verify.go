package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/ledger"
)

// verifyMain runs "intake-load verify --db FILE LEDGER...": every entry of
// every ledger must be stored with the same answers (ledger.Verify).
func verifyMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("intake-load verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", "data/intake.db", "the server's database file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("verify: name at least one ledger file")
	}
	d, err := db.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	for _, f := range fs.Args() {
		entries, err := ledger.Read(f)
		if err != nil {
			return err
		}
		if err := ledger.Verify(ctx, d, entries); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Fprintf(stdout, "verified %d acknowledged intakes of %s\n", len(entries), f)
	}
	return nil
}
