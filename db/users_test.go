package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// A disabled user enabled again is active (AdminExists counts them) and keeps
// its password; enabling an active or unknown user is as documented.
func TestEnableUser(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	update := func(fn func(*sql.Tx) error) error { return d.Update(ctx, fn) }
	if err := update(func(tx *sql.Tx) error {
		_, err := AddUser(tx, "boss@clinic.example", RoleAdmin, "$argon2id$hash", t0)
		return errors.Join(err, DisableUser(tx, "boss@clinic.example", t0.Add(time.Hour)))
	}); err != nil {
		t.Fatal(err)
	}
	var inTx User
	if err := update(func(tx *sql.Tx) error {
		var err error
		inTx, err = UserByEmailTx(tx, "BOSS@clinic.example")
		return err
	}); err != nil || !inTx.DisabledAt.Equal(t0.Add(time.Hour)) || inTx.Email != "boss@clinic.example" {
		t.Fatalf("UserByEmailTx = %+v, %v", inTx, err)
	}
	for range 2 { // the second time changes nothing
		if err := update(func(tx *sql.Tx) error { return EnableUser(tx, "Boss@clinic.example") }); err != nil {
			t.Fatal(err)
		}
		u, err := d.UserByEmail(ctx, "boss@clinic.example")
		if err != nil || !u.DisabledAt.IsZero() || u.PasswordHash != "$argon2id$hash" {
			t.Errorf("after enable: %+v, %v", u, err)
		}
		if ok, _ := d.AdminExists(ctx); !ok {
			t.Error("the enabled admin does not count")
		}
	}
	if err := update(func(tx *sql.Tx) error { return EnableUser(tx, "nobody@clinic.example") }); !errors.Is(err, ErrNotFound) {
		t.Errorf("enable unknown: %v", err)
	}
	if err := update(func(tx *sql.Tx) error { _, err := UserByEmailTx(tx, "nobody@clinic.example"); return err }); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByEmailTx unknown: %v", err)
	}
}
