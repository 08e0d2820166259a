package db

import "github.com/backintake/backintake/intake"

// Audit actions (AuditEntry.Action), one word per design "Security" item.
const (
	ActionLogin          = "login"
	ActionFailedLogin    = "failed_login"
	ActionLogout         = "logout"
	ActionList           = "list" // a staff list page (names and birth dates shown)
	ActionView           = "view" // one intake's page
	ActionPDF            = "pdf"
	ActionExportStarted  = "export_started"
	ActionExportFinished = "export_finished"
	ActionReview         = "review"
	ActionVoid           = "void"
	ActionSearch         = "search" // the query text is never stored
	ActionUserChange     = "user_change"
	ActionTokenChange    = "token_change"
	ActionRescreen       = "rescreen" // CLI: results added under newer rules
	ActionBackup         = "backup"   // CLI: a copy of every record left the database
	ActionRestore        = "restore"  // CLI: the database was replaced by a backup
)

// AuditActions lists every action above, for filters.
var AuditActions = []string{ActionLogin, ActionFailedLogin, ActionLogout, ActionList, ActionView, ActionPDF,
	ActionExportStarted, ActionExportFinished, ActionReview, ActionVoid, ActionSearch, ActionUserChange,
	ActionTokenChange, ActionRescreen, ActionBackup, ActionRestore}

// Audit outcomes of export_finished (and "ok" for every other success), and
// of a view or pdf of an intake id that does not exist.
const (
	OutcomeOK         = "ok"
	OutcomeClientGone = "client gone"
	OutcomeError      = "error"
	OutcomeNotFound   = "not found"
)

// ExportRange is the AuditEntry.Range of an export: "<format> <from>..<to>"
// with an open side left empty, e.g. "csv 2026-01-01..2026-01-31",
// "fhir ..2026-01-31", "csv .." for everything. Web and CLI exports use it so
// that the audit log reads the same whoever exported.
func ExportRange(format string, from, to intake.Date) string {
	s := format + " "
	if !from.IsZero() {
		s += from.String()
	}
	s += ".."
	if !to.IsZero() {
		s += to.String()
	}
	return s
}
