// Package testserver builds the intake commands and runs `intake serve` as a
// real process for tests: cmd/intake's own tests and the browser tests in
// e2e. Only tests import it.
package testserver

import (
	"os/exec"
	"sync"
	"testing"
)

var (
	buildMu sync.Mutex
	builds  = map[string]*build{} // by output path
)

type build struct {
	once sync.Once
	err  error
	out  string // go build's output when it failed
}

// Build runs `go build -o out pkg` once per test binary for each out and
// returns out. pkg is relative to the calling test's folder ("." or
// "../cmd/intake"). It fails t with go build's output if the build fails, and
// so does every later call for the same out.
func Build(t testing.TB, pkg, out string) string {
	t.Helper()
	buildMu.Lock()
	b := builds[out]
	if b == nil {
		b = &build{}
		builds[out] = b
	}
	buildMu.Unlock()
	b.once.Do(func() {
		o, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput()
		b.err, b.out = err, string(o)
	})
	if b.err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, b.err, b.out)
	}
	return out
}
