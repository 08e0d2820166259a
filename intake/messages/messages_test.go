package messages

import "testing"

func TestLoadAndFallback(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	if got := For("en").T(Yes); got != "Yes" {
		t.Fatalf("en yes = %q", got)
	}
	if got := For("xx").Lang(); got != "en" {
		t.Fatalf("unsupported language gives %q, want en", got)
	}
	if got := For("en").T("no.such.key"); got != "" {
		t.Fatalf("missing key gives %q", got)
	}
}
