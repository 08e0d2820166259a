package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAuditAppendOnly(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	var id int64
	err := w.Do(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = AppendAudit(tx, AuditEntry{At: t0, Actor: "7", Action: "view", IntakeID: "in-1", Outcome: "ok", ClientIP: "192.0.2.1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE audit SET outcome = 'denied' WHERE id = ?`,
		`DELETE FROM audit WHERE id = ?`,
	} {
		err := w.Do(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(q, id); return err })
		if err == nil || !containsAny(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the trigger's abort", q, err)
		}
	}
	// The CLI path is blocked the same way.
	if err := d.Update(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(`DELETE FROM audit`); return err }); err == nil {
		t.Error("DELETE through Update succeeded")
	}
	got, total, err := d.Audit(ctx, AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := AuditEntry{ID: id, At: t0, Actor: "7", Action: "view", IntakeID: "in-1", Outcome: "ok", ClientIP: "192.0.2.1"}
	if total != 1 || len(got) != 1 || got[0] != want {
		t.Errorf("audit = %+v (total %d), want %+v", got, total, want)
	}
}

func TestAuditQuery(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	entries := []AuditEntry{
		{At: t0, Actor: "7", Action: "login", Outcome: "ok"},
		{At: t0.Add(time.Minute), Actor: "cli:root", Action: "export_finished", Range: "2026-11-01..2026-11-02", RowCount: 12, Outcome: "ok"},
		{At: t0.Add(2 * time.Minute), Actor: "7", Action: "view", IntakeID: "in-9", Outcome: "ok"},
		{At: t0.Add(3 * time.Minute), Actor: "8", Action: "failed_login", Outcome: "denied"},
	}
	err := d.Update(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if _, err := AppendAudit(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		q     AuditQuery
		want  []string // actions, newest first
		total int
	}{
		{"all", AuditQuery{}, []string{"failed_login", "view", "export_finished", "login"}, 4},
		{"actor", AuditQuery{Actor: "7"}, []string{"view", "login"}, 2},
		{"action", AuditQuery{Action: "export_finished"}, []string{"export_finished"}, 1},
		{"intake", AuditQuery{IntakeID: "in-9"}, []string{"view"}, 1},
		{"time range", AuditQuery{From: t0.Add(time.Minute), To: t0.Add(3 * time.Minute)}, []string{"view", "export_finished"}, 2},
		{"page", AuditQuery{Limit: 1, Offset: 1}, []string{"view"}, 4},
	} {
		got, total, err := d.Audit(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range got {
			actions = append(actions, e.Action)
		}
		if total != tc.total || len(actions) != len(tc.want) {
			t.Errorf("%s: %v (total %d), want %v (total %d)", tc.name, actions, total, tc.want, tc.total)
			continue
		}
		for i := range actions {
			if actions[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, actions, tc.want)
				break
			}
		}
	}
	got, _, _ := d.Audit(ctx, AuditQuery{Action: "export_finished"})
	if got[0].Range != "2026-11-01..2026-11-02" || got[0].RowCount != 12 || got[0].Actor != "cli:root" {
		t.Errorf("export entry %+v", got[0])
	}
	_, err = AppendAudit(nil, AuditEntry{Actor: "7"})
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("incomplete entry: %v", err)
	}
}

// An id that is not id-shaped may be a patient's name typed by mistake: it
// never reaches the audit log.
func TestAuditIntakeID(t *testing.T) {
	long := strings.Repeat("a", 64)
	for _, tc := range []struct{ name, id, want string }{
		{"random id", "k3x9q2m7c4v8b1n5z6w0r2t4y8", "k3x9q2m7c4v8b1n5z6w0r2t4y8"},
		{"dashes and capitals", "Case-01-A", "Case-01-A"},
		{"64 bytes", long, long},
		{"65 bytes", long + "a", ""},
		{"empty", "", ""},
		{"a name", "Ana Lopez", ""},
		{"accented", "Nguyễn", ""},
		{"underscore", "a_b", ""},
		{"path", "../x", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AuditIntakeID(tc.id); got != tc.want {
				t.Errorf("AuditIntakeID(%q) = %q, want %q", tc.id, got, tc.want)
			}
		})
	}
}
