package main

import (
	"strings"
	"testing"
)

// TestServeRefusesBadSettings: a setting that would fail later (a PDF, the
// FHIR Questionnaire) or silently change a clinical rule stops the start.
func TestServeRefusesBadSettings(t *testing.T) {
	for _, tt := range []struct{ env, want string }{
		{"INTAKE_PAPER=a5", "INTAKE_PAPER"},
		{"INTAKE_FHIR_BASE=ftp://x", "INTAKE_FHIR_BASE"},
		{"INTAKE_GUARDIAN_AGE=-1", "INTAKE_GUARDIAN_AGE"},
		{"INTAKE_GUARDIAN_AGE=200", "INTAKE_GUARDIAN_AGE"},
		{"INTAKE_LOG=xml", "INTAKE_LOG"},
		{"INTAKE_TZ=Mars/Olympus", "INTAKE_TZ"},
		{"INTAKE_SESSION_IDLE=0s", "INTAKE_SESSION_IDLE"},
		{"INTAKE_CLINIC_PHONE=call us", "INTAKE_CLINIC_PHONE"},
	} {
		dbPath := t.TempDir() + "/intake.db"
		r := runInProcess(t, []string{tt.env, "INTAKE_DB=" + dbPath, "INTAKE_ADDR=127.0.0.1:0"}, "serve")
		if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q", tt.env, r.code, r.stderr)
		}
	}
	r := runInProcess(t, []string{"INTAKE_PAPER=a5", "INTAKE_DB=" + newDBPath(t)}, "pdf", "abcdefghijklmnopqrstuvwxyz")
	if r.code == 0 || !strings.Contains(r.stderr, "INTAKE_PAPER") {
		t.Errorf("pdf with a bad paper: exit %d, %q", r.code, r.stderr)
	}
}
