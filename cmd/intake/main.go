// Command intake is backintake's single binary: the server and the staff CLI.
//
//	intake serve                     run the server (creates and migrates the database)
//	intake token add --name N        create an API token (printed once)
//	intake token list | revoke N
//	intake export csv|fhir [--from D] [--to D]   intakes to stdout (audited)
//	intake pdf ID                    an intake's summary PDF to stdout (audited)
//	intake rescreen (--all | ID)     add results under the current screening rules
//	intake backup FILE               a checked online copy of the database (0600, audited)
//	intake restore FILE              replace the database with a backup (server stopped)
//
// Every command reads the same INTAKE_DB; flags override environment variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // INTAKE_TZ works on machines without a zoneinfo database
)

// command is one CLI verb.
type command struct {
	name, usage string
	run         func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what commands read and write: environment, standard streams.
type cliEnv struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// errUsage marks a usage mistake: the message is printed with the usage line.
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"serve", "intake serve [flags]                   run the server", runServe},
		{"token", "intake token add --name N | list | revoke N   manage API tokens", runToken},
		{"user", "intake user add --email E --role admin|therapist|frontdesk --password-stdin | list | disable E | passwd E --password-stdin   manage staff accounts", runUser},
		{"export", "intake export csv|fhir [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--no-bom]   intakes to stdout", runExport},
		{"pdf", "intake pdf ID > intake.pdf              an intake's summary PDF to stdout", runPDF},
		{"rescreen", "intake rescreen [--force] (--all | ID)  add results under the current screening rules", runRescreen},
		{"backup", "intake backup FILE                     a checked copy of the database while it runs (0600, never overwrites)", runBackup},
		{"restore", "intake restore FILE                    replace the database with a backup (server stopped)", runRestore},
		{"help", "intake help                            this list", nil},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(ctx, env, os.Args[1:]))
}

// run executes one command and returns the process exit status.
func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			err := c.run(ctx, env, args[1:])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(env.stderr, "intake %s: %v\n", c.name, err)
				if errors.Is(err, errUsage) {
					fmt.Fprintf(env.stderr, "usage: %s\n", c.usage)
					return 2
				}
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(env.stderr, "intake: unknown command %q\n", args[0])
	printHelp(env.stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "intake: back-pain intake server and staff tools")
	for _, c := range commands() {
		fmt.Fprintln(w, "  "+c.usage)
	}
	fmt.Fprintln(w, "Configuration: INTAKE_* environment variables; flags override them (intake serve -h).")
}
