// Command intake is backintake's single binary: the server and the staff CLI.
// `intake help` lists every command (commands below); `intake COMMAND -h`
// shows one command's usage and flags.
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
	"strings"
	"syscall"

	_ "time/tzdata" // INTAKE_TZ works on machines without a zoneinfo database
)

// command is one CLI command. A command with verbs (token, user, export)
// has one form per verb and takes the verb as its first argument.
type command struct {
	name  string
	forms []form
	verbs bool
	run   func(ctx context.Context, env *cliEnv, args []string) error
}

// form is one way to call a command: its synopsis (the arguments and the
// flags it needs) and what it does.
type form struct{ synopsis, purpose string }

// cliEnv is what commands read and write: environment, standard streams.
type cliEnv struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// usageError is a usage mistake: run prints its message and the command's
// synopsis, and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError with a formatted message.
func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func commands() []command {
	return []command{
		{"serve", []form{{"intake serve [flags]", "run the server (creates and migrates the database)"}}, false, runServe},
		{"token", []form{
			{"intake token add --name N", "create an API token (printed once)"},
			{"intake token list", "list API tokens"},
			{"intake token revoke N", "revoke the API token named N"},
		}, true, runToken},
		{"user", []form{
			{"intake user add --email E --role admin|therapist|frontdesk --password-stdin", "add a staff account"},
			{"intake user list", "list staff accounts"},
			{"intake user disable E", "disable the account with email E (its sessions end)"},
			{"intake user enable E", "let a disabled account sign in again"},
			{"intake user passwd E --password-stdin", "set a new password"},
			{"intake user unlock [--email E] [--ip IP]", "end sign-in locks after failed sign-ins"},
		}, true, runUser},
		{"export", []form{
			{"intake export csv [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--no-bom]", "intakes to stdout as CSV"},
			{"intake export fhir [--from YYYY-MM-DD] [--to YYYY-MM-DD]", "intakes to stdout as a FHIR R4 Bundle"},
		}, true, runExport},
		{"pdf", []form{{"intake pdf ID > intake.pdf", "an intake's summary PDF to stdout"}}, false, runPDF},
		{"rescreen", []form{{"intake rescreen [--force] (--all | ID)", "add results under the current screening rules"}}, false, runRescreen},
		{"backup", []form{{"intake backup FILE", "a checked copy of the database while it runs (0600, never overwrites)"}}, false, runBackup},
		{"restore", []form{{"intake restore FILE", "replace the database with a backup (server stopped)"}}, false, runRestore},
		{"help", []form{{"intake help", "this list"}}, false, nil},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(ctx, env, os.Args[1:]))
}

// run executes one command and returns the process exit status: 0, 1 for a
// failure, 2 for a usage mistake.
func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || isHelp(args[0]) {
		printHelp(env.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] || c.run == nil {
			continue
		}
		if c.verbs && len(args) > 1 && isHelp(args[1]) {
			fmt.Fprintln(env.stdout, "usage:")
			printForms(env.stdout, c.forms)
			fmt.Fprintf(env.stdout, "`intake %s VERB -h` lists a verb's flags.\n", c.name)
			return 0
		}
		err := c.run(ctx, env, args[1:])
		var ue *usageError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(env.stderr, "intake %s: %v\nusage:\n", c.name, err)
			for _, f := range c.forms {
				fmt.Fprintf(env.stderr, "  %s\n", f.synopsis)
			}
			return 2
		default:
			fmt.Fprintf(env.stderr, "intake %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "intake: unknown command %q\n", args[0])
	printHelp(env.stderr)
	return 2
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "--help" || arg == "-help"
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "intake: back-pain intake server and staff tools")
	for _, c := range commands() {
		printForms(w, c.forms)
	}
	fmt.Fprintln(w, "Configuration: INTAKE_* environment variables; flags override them.")
	fmt.Fprintln(w, "`intake COMMAND -h` shows a command's flags; every command takes --db FILE (INTAKE_DB).")
}

// printForms prints each form's synopsis and purpose, the purpose on its own
// line when the synopsis is long.
func printForms(w io.Writer, forms []form) {
	const col = 42
	for _, f := range forms {
		if len(f.synopsis) < col {
			fmt.Fprintf(w, "  %-*s%s\n", col, f.synopsis, f.purpose)
		} else {
			fmt.Fprintf(w, "  %s\n  %s%s\n", f.synopsis, strings.Repeat(" ", col), f.purpose)
		}
	}
}

// formsOf returns the forms of "intake <name>", name being a command ("pdf")
// or a command and its verb ("user add").
func formsOf(name string) []form {
	prefix := "intake " + name
	var out []form
	for _, c := range commands() {
		for _, f := range c.forms {
			if f.synopsis == prefix || strings.HasPrefix(f.synopsis, prefix+" ") {
				out = append(out, f)
			}
		}
	}
	return out
}
