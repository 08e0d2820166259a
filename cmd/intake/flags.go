package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// flagSet is one command's flags: --db, which every command has, and the
// command's own.
type flagSet struct {
	*flag.FlagSet
	env *cliEnv
}

// dbFlags returns the flag set of command name ("pdf", "user add") with --db
// (INTAKE_DB, else defaultDB) stored in path.
func dbFlags(env *cliEnv, name string, path *string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// parse reports errors and help itself; the flag package stays silent.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(path, "db", envOr(env, "INTAKE_DB", defaultDB), "SQLite database file (INTAKE_DB)")
	return &flagSet{FlagSet: fs, env: env}
}

// parse parses args and returns the positional arguments. Flags may come
// before, between or after them ("rescreen ID --force", "user disable E --db
// F"); everything after "--" is positional. A bad flag is a usage error (exit
// 2); -h or --help returns flag.ErrHelp (exit 0).
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printHelp()
				return nil, err
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// printHelp prints the command's forms and flags to stdout: asked-for help
// is output, not an error.
func (fs *flagSet) printHelp() {
	w := fs.env.stdout
	fmt.Fprintln(w, "usage:")
	printForms(w, formsOf(fs.Name()))
	fmt.Fprintln(w, "flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}
