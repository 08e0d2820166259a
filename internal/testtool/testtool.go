// Package testtool lets tests depend on external programs (pdftotext, qpdf,
// chromium): without one the test is skipped with a message naming the Debian
// package, except when CI=true, where a skipped test would hide a broken
// pipeline, so it fails. Only tests import it.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Missing skips t with the formatted message, or fails it when CI=true.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: failing instead of skipping)")
	}
	t.Skip(msg)
}

// Need calls Missing unless tool is on PATH; pkg is the Debian package that
// provides it.
func Need(t testing.TB, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		Missing(t, "%s not found: install the Debian package %s (apt-get install -y %s)", tool, pkg, pkg)
	}
}
