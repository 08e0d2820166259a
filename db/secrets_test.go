package db

import (
	"bytes"
	"context"
	"testing"
)

func TestSecretPersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, err := d.Secret(ctx, "patient-form")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != SecretSize || bytes.Equal(a, make([]byte, SecretSize)) {
		t.Fatalf("secret of %d bytes, or all zero", len(a))
	}
	b, _ := d.Secret(ctx, "patient-form")
	other, _ := d.Secret(ctx, "other")
	if !bytes.Equal(a, b) || bytes.Equal(a, other) {
		t.Fatal("a name must keep its secret, and names must differ")
	}
	path := d.Path()
	d.Close()
	d2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	c, _ := d2.Secret(ctx, "patient-form")
	if !bytes.Equal(a, c) {
		t.Fatal("secret changed across a reopen: open patient forms would fail after a restart")
	}
}
