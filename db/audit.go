package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AuditEntry is one row of the append-only audit log. It never holds answers
// or names: only who, what, which intake or export range, how many rows, the
// outcome, when and from where.
type AuditEntry struct {
	ID       int64     // assigned on insert
	At       time.Time // UTC
	Actor    string    // staff user id, or "cli:<os user>"
	Action   string    // login, failed_login, logout, view, pdf, export_started, ...
	IntakeID string    // "" when the action is not about one intake
	Range    string    // export range, e.g. "2026-01-01..2026-01-31"; "" if none
	RowCount int64     // rows read or exported; 0 if not applicable
	Outcome  string    // e.g. "ok", "denied", "error"
	ClientIP string    // "" for CLI commands
}

// AuditIntakeID returns id if it has the shape of an intake id (1 to 64 ASCII
// letters, digits and '-'), else "". Ids typed by a person (a URL, a command
// line) go through it before they reach AuditEntry.IntakeID or an error
// text, so that a patient's name typed where an id belongs is never logged.
func AuditIntakeID(id string) string {
	if id == "" || len(id) > 64 {
		return ""
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return ""
		}
	}
	return id
}

// AppendAudit adds e to the audit log and returns its id. The table's triggers
// refuse UPDATE and DELETE. Returns ErrInvalid without At, Actor, Action or Outcome.
func AppendAudit(tx *sql.Tx, e AuditEntry) (int64, error) {
	if e.At.IsZero() || e.Actor == "" || e.Action == "" || e.Outcome == "" {
		return 0, fmt.Errorf("%w: audit entry needs at, actor, action and outcome", ErrInvalid)
	}
	res, err := tx.Exec(`INSERT INTO audit (at, actor, action, intake_id, export_range, row_count, outcome, client_ip)
		VALUES (?,?,?,?,?,?,?,?)`, ts(e.At), e.Actor, e.Action, nullString(e.IntakeID), nullString(e.Range),
		e.RowCount, e.Outcome, nullString(e.ClientIP))
	if err != nil {
		return 0, fmt.Errorf("db: append audit (%s): %w", e.Action, err)
	}
	return res.LastInsertId()
}

// AuditQuery filters the audit log; zero values mean "any".
type AuditQuery struct {
	From, To time.Time // At in [From, To)
	Actor    string
	Action   string
	IntakeID string
	Limit    int // DefaultListLimit when 0, at most MaxListLimit
	Offset   int
}

// Audit returns audit entries matching q, newest first, and how many match in all.
func (d *DB) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, int, error) {
	var conds []string
	var args []any
	add := func(cond string, arg any) { conds = append(conds, cond); args = append(args, arg) }
	if !q.From.IsZero() {
		add("at >= ?", ts(q.From))
	}
	if !q.To.IsZero() {
		add("at < ?", ts(q.To))
	}
	if q.Actor != "" {
		add("actor = ?", q.Actor)
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.IntakeID != "" {
		add("intake_id = ?", q.IntakeID)
	}
	limit := pageLimit(q.Limit)
	where := whereSQL(conds)

	tx, err := d.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("db: audit: %w", classify(err))
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("db: audit count: %w", classify(err))
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, at, actor, action, coalesce(intake_id, ''), coalesce(export_range, ''),
		coalesce(row_count, 0), outcome, coalesce(client_ip, '') FROM audit`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("db: audit: %w", classify(err))
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.IntakeID, &e.Range, &e.RowCount, &e.Outcome, &e.ClientIP); err != nil {
			return nil, 0, fmt.Errorf("db: audit scan: %w", err)
		}
		if e.At, err = parseTS(at); err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("db: audit: %w", classify(err))
	}
	return out, total, nil
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
