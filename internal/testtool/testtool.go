// Package testtool lets tests depend on external programs (pdftotext, qpdf,
// chromium): without one the test is skipped with a message naming the Debian
// package, except when CI=true, where a skipped test would hide a broken
// pipeline, so it fails. Only tests import it.
package testtool

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// PDFText returns the text pdftotext reads from pdf (UTF-8), with extra
// pdftotext options such as "-layout". Without pdftotext it calls Missing
// (Debian package poppler-utils); it fails t if pdftotext fails.
func PDFText(t testing.TB, pdf []byte, options ...string) string {
	t.Helper()
	Need(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "text.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"-enc", "UTF-8"}, options...), path, "-")
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("pdftotext", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, stderr.String())
	}
	return stdout.String()
}
