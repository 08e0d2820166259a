package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Every command and every verb answers -h and --help with its usage on
// stdout and exit 0; a command with verbs lists them all.
func TestHelpForEveryCommandAndVerb(t *testing.T) {
	env := []string{"INTAKE_DB=" + filepath.Join(t.TempDir(), "none.db")}
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		for _, h := range []string{"-h", "--help"} {
			r := runInProcess(t, env, c.name, h)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("intake %s %s: exit %d, stderr %q", c.name, h, r.code, r.stderr)
			}
			for _, f := range c.forms {
				if !strings.Contains(r.stdout, f.synopsis) {
					t.Errorf("intake %s %s does not show %q:\n%s", c.name, h, f.synopsis, r.stdout)
				}
			}
		}
		if !c.verbs {
			continue
		}
		for _, f := range c.forms {
			verb := strings.Fields(f.synopsis)[2]
			r := runInProcess(t, env, c.name, verb, "-h")
			if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, f.synopsis) || !strings.Contains(r.stdout, "-db") {
				t.Errorf("intake %s %s -h: exit %d, stderr %q, stdout:\n%s", c.name, verb, r.code, r.stderr, r.stdout)
			}
		}
	}
}

// -h lists the flags a command uses and no others.
func TestHelpListsOnlyTheFlagsACommandUses(t *testing.T) {
	clinic := []string{"-tz", "-paper", "-clinic-name", "-fhir-base", "-guardian-age"}
	for _, tt := range []struct {
		args []string
		want []string // of clinic, the ones shown
	}{
		{[]string{"pdf"}, []string{"-tz", "-paper", "-clinic-name"}},
		{[]string{"export", "csv"}, nil},
		{[]string{"export", "fhir"}, []string{"-fhir-base"}},
		{[]string{"rescreen"}, []string{"-guardian-age"}},
		{[]string{"backup"}, nil},
		{[]string{"serve"}, clinic},
	} {
		r := runInProcess(t, nil, append(tt.args, "-h")...)
		for _, f := range clinic {
			if shown := strings.Contains(r.stdout, "  "+f+" "); shown != slices.Contains(tt.want, f) {
				t.Errorf("intake %s -h shows %s: %v\n%s", strings.Join(tt.args, " "), f, shown, r.stdout)
			}
		}
	}
	r := runInProcess(t, nil, "export", "fhir", "-h")
	if strings.Contains(r.stdout, "-no-bom") {
		t.Errorf("export fhir -h offers the CSV's --no-bom:\n%s", r.stdout)
	}
}

func TestParseTakesFlagsAfterArguments(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		pos        []string
		force, all bool
	}{
		{[]string{"ID", "--force"}, []string{"ID"}, true, false},
		{[]string{"--force", "ID"}, []string{"ID"}, true, false},
		{[]string{"a", "--all", "b", "--force"}, []string{"a", "b"}, true, true},
		{[]string{"a", "--", "--force", "b"}, []string{"a", "--force", "b"}, false, false},
		{nil, nil, false, false},
	} {
		var dbPath string
		fs := dbFlags(&cliEnv{getenv: func(string) string { return "" }, stdout: &bytes.Buffer{}}, "rescreen", &dbPath)
		force, all := fs.Bool("force", false, ""), fs.Bool("all", false, "")
		pos, err := fs.parse(tt.args)
		if err != nil || !slices.Equal(pos, tt.pos) || *force != tt.force || *all != tt.all {
			t.Errorf("%q: positional %q force %v all %v err %v; want %q %v %v", tt.args, pos, *force, *all, err, tt.pos, tt.force, tt.all)
		}
	}
}

// The commands that take an argument accept flags after it.
func TestCommandsTakeFlagsAfterArguments(t *testing.T) {
	s := seedCaseDB(t, "")
	id := s.intakes[0].ID
	noEnv := []string{"USER=tester"} // --db comes last instead of INTAKE_DB
	ok := func(what string, r inProcessResult) {
		t.Helper()
		if r.code != 0 {
			t.Errorf("%s: exit %d, stderr %q", what, r.code, r.stderr)
		}
	}
	r := runInProcess(t, noEnv, "rescreen", id, "--force", "--db", s.path)
	ok("rescreen ID --force", r)
	if !strings.HasPrefix(r.stdout, "rescreened 1 of 1 intakes") {
		t.Errorf("rescreen ID --force: %q", r.stdout)
	}
	r = runInProcess(t, noEnv, "pdf", id, "--paper", "a4", "--db", s.path)
	ok("pdf ID --paper a4", r)
	if !bytes.HasPrefix(r.out, []byte("%PDF-")) {
		t.Errorf("pdf ID --paper a4 wrote no PDF")
	}
	ok("token add", runInProcess(t, noEnv, "token", "add", "--db", s.path, "--name", "kiosk"))
	ok("token revoke N --db", runInProcess(t, noEnv, "token", "revoke", "kiosk", "--db", s.path))
	ok("user add", runWithStdin(t, s.path, "a long passphrase here\n", "user", "add", "--email", "pt@clinic.test", "--role", "therapist", "--password-stdin"))
	ok("user passwd E --password-stdin --db", runInProcessStdin(t, noEnv, "another long passphrase\n", "user", "passwd", "pt@clinic.test", "--password-stdin", "--db", s.path))
	ok("user disable E --db", runInProcess(t, noEnv, "user", "disable", "pt@clinic.test", "--db", s.path))
	backup := filepath.Join(t.TempDir(), "b.db")
	ok("backup FILE --db", runInProcess(t, noEnv, "backup", backup, "--db", s.path))
	ok("restore FILE --db", runInProcess(t, noEnv, "restore", backup, "--db", filepath.Join(t.TempDir(), "restored.db")))
}
