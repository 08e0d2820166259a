package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	secret := "s3cret-token-0123456789abcdef"
	if err := d.Update(ctx, func(tx *sql.Tx) error { return AddToken(tx, "kiosk", secret, t0) }); err != nil {
		t.Fatal(err)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return AddToken(tx, "kiosk", secret+"x", t0) }); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate name: %v", err)
	}
	if name, err := d.TokenName(ctx, secret); err != nil || name != "kiosk" {
		t.Errorf("TokenName = %q, %v", name, err)
	}
	if _, err := d.TokenName(ctx, "wrong"); !errors.Is(err, ErrNotFound) {
		t.Errorf("wrong secret: %v", err)
	}
	var stored string
	d.read.QueryRow(`SELECT hash FROM api_tokens`).Scan(&stored)
	if stored == secret || len(stored) != 64 {
		t.Errorf("stored token %q is not a SHA-256 hex digest", stored)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return RevokeToken(tx, "kiosk", t0.Add(time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TokenName(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token still valid: %v", err)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return RevokeToken(tx, "nope", t0) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
	list, err := d.Tokens(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "kiosk" || !list[0].CreatedAt.Equal(t0) || !list[0].RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("Tokens = %+v, %v", list, err)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	if ok, _ := d.AdminExists(ctx); ok {
		t.Error("admin exists in a new database")
	}
	var id int64
	err := d.Update(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = AddUser(tx, "Admin@Clinic.example", RoleAdmin, "$argon2id$hash", t0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error {
		_, err := AddUser(tx, "admin@clinic.EXAMPLE", RoleTherapist, "h", t0)
		return err
	}); !errors.Is(err, ErrExists) {
		t.Errorf("same email other case: %v", err)
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { _, err := AddUser(tx, "x@y", "boss", "h", t0); return err }); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown role: %v", err)
	}
	u, err := d.UserByEmail(ctx, "ADMIN@clinic.example")
	if err != nil || u.ID != id || u.Role != RoleAdmin || u.PasswordHash != "$argon2id$hash" || !u.CreatedAt.Equal(t0) || !u.DisabledAt.IsZero() {
		t.Errorf("UserByEmail = %+v, %v", u, err)
	}
	if ok, _ := d.AdminExists(ctx); !ok {
		t.Error("AdminExists false after adding one")
	}
	err = d.Update(ctx, func(tx *sql.Tx) error {
		return errors.Join(SetPassword(tx, "admin@clinic.example", "new"), DisableUser(tx, "admin@clinic.example", t0.Add(time.Hour)))
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ = d.User(ctx, id)
	if u.PasswordHash != "new" || !u.DisabledAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after passwd and disable: %+v", u)
	}
	if ok, _ := d.AdminExists(ctx); ok {
		t.Error("a disabled admin counts as an admin")
	}
	if err := d.Update(ctx, func(tx *sql.Tx) error { return DisableUser(tx, "nobody@x", t0) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("disable unknown: %v", err)
	}
	if _, err := d.User(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("User(999): %v", err)
	}
	users, err := d.Users(ctx)
	if err != nil || len(users) != 1 {
		t.Errorf("Users = %+v, %v", users, err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	do := func(fn func(*sql.Tx) error) {
		t.Helper()
		if err := w.Do(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	do(func(tx *sql.Tx) error {
		return errors.Join(
			SetSession(tx, "s1", []byte("one"), t0.Add(time.Hour)),
			SetSession(tx, "s2", []byte("two"), t0.Add(time.Minute)),
			SetSession(tx, "s3", []byte("forever"), time.Time{}),
		)
	})
	if b, err := d.Session(ctx, "s1", t0); err != nil || string(b) != "one" {
		t.Errorf("s1 = %q, %v", b, err)
	}
	do(func(tx *sql.Tx) error { return SetSession(tx, "s1", []byte("uno"), t0.Add(2*time.Hour)) })
	if b, _ := d.Session(ctx, "s1", t0.Add(90*time.Minute)); string(b) != "uno" {
		t.Errorf("s1 after set = %q", b)
	}
	if _, err := d.Session(ctx, "s2", t0.Add(time.Minute)); !errors.Is(err, ErrNotFound) {
		t.Errorf("expired s2: %v", err)
	}
	var n int64
	do(func(tx *sql.Tx) error {
		var err error
		n, err = DeleteExpiredSessions(tx, t0.Add(time.Minute))
		return err
	})
	if n != 1 {
		t.Errorf("deleted %d expired sessions, want 1", n)
	}
	if b, err := d.Session(ctx, "s3", t0.AddDate(10, 0, 0)); err != nil || string(b) != "forever" {
		t.Errorf("s3 = %q, %v", b, err)
	}
	do(func(tx *sql.Tx) error { return DeleteSession(tx, "s1") })
	if _, err := d.Session(ctx, "s1", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted s1: %v", err)
	}
	do(ResetSessions)
	if n := countRows(t, d, "sessions"); n != 0 {
		t.Errorf("%d sessions after reset", n)
	}
}
