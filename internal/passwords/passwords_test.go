package passwords

import (
	"bufio"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"
)

var rePHC = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashVerify(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := Hash(pw)
	if !rePHC.MatchString(h1) {
		t.Fatalf("hash %q is not an argon2id PHC string with m=19456,t=2,p=1", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{pw, true}, {pw + " ", false}, {"Correct horse battery staple", false}, {"", false}} {
		ok, err := Verify(tc.pw, h1)
		if err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
}

// The PHC strings interoperate with another argon2id implementation, and
// Verify honours parameters stored in the hash rather than its own constants.
func TestVerifyInteroperates(t *testing.T) {
	const pw = "interoperable password"
	theirs, err := argon2id.CreateHash(pw, &argon2id.Params{Memory: 8192, Iterations: 3, Parallelism: 2, SaltLength: 16, KeyLength: 32})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify(pw, theirs); !ok || err != nil {
		t.Errorf("Verify(their hash %s) = %v, %v", theirs, ok, err)
	}
	ours, _ := Hash(pw)
	if ok, err := argon2id.ComparePasswordAndHash(pw, ours); !ok || err != nil {
		t.Errorf("their compare of our hash = %v, %v", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	good, _ := Hash("a good long password")
	for name, h := range map[string]string{
		"empty":        "",
		"bcrypt":       "$2a$10$abcdefghijklmnopqrstuu5bX1jVxQ0bFZ0xY1iJ8nYc7Kq1rQz6",
		"argon2i":      strings.Replace(good, "argon2id", "argon2i", 1),
		"version":      strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":  strings.Replace(good, "m=19456", "m=99999999", 1),
		"zero time":    strings.Replace(good, "t=2", "t=0", 1),
		"bad salt":     strings.Replace(good, "$argon2id$v=19$m=19456,t=2,p=1$", "$argon2id$v=19$m=19456,t=2,p=1$!!", 1),
		"missing part": good[:strings.LastIndex(good, "$")],
	} {
		if ok, err := Verify("a good long password", h); ok || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: Verify = %v, %v; want ErrFormat", name, ok, err)
		}
	}
}

func TestCheck(t *testing.T) {
	// The first list entry long enough to pass the length rule must still be refused.
	var longCommon string
	sc := bufio.NewScanner(strings.NewReader(commonText))
	n := 0
	for sc.Scan() {
		n++
		if longCommon == "" && len([]rune(sc.Text())) >= MinLength {
			longCommon = sc.Text()
		}
	}
	if n != 10000 {
		t.Fatalf("common.txt has %d lines, want 10000", n)
	}
	if longCommon == "" {
		t.Fatal("no list entry of MinLength characters")
	}
	for _, tc := range []struct {
		name, pw string
		want     error
	}{
		{"11 characters", "abcdefghijk", ErrTooShort},
		{"12 characters", "qwzrtkmvbsdj", nil},
		{"11 runes in more bytes", "ñññññññññññ", ErrTooShort},
		{"common, at least 12", longCommon, ErrCommon},
		{"common in upper case", strings.ToUpper(longCommon), ErrCommon},
		{"too long", strings.Repeat("x", MaxLength+1), ErrTooLong},
		{"passphrase", "tide pool lantern cobalt", nil},
	} {
		if got := Check(tc.pw); !errors.Is(got, tc.want) && got != tc.want {
			t.Errorf("%s: Check = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !IsCommon("password") || IsCommon("tide pool lantern cobalt") {
		t.Error("IsCommon disagrees with the list")
	}
}

// BenchmarkHash measures one argon2id hash with the stored parameters (the
// cost of one login attempt).
func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("benchmark password 123"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGuessablePasswordsRefused(t *testing.T) {
	for _, pw := range []string{"aaaaaaaaaaaa", "123456789012", "987654321098", "abcdefghijklm", "abcabcabcabc",
		"passwordpassword", "password1234", "Dragon!!2024#", "ababababababab", "1212121212121"} {
		if err := Check(pw); err == nil {
			t.Errorf("%q accepted", pw)
		}
	}
	for _, pw := range []string{"correct horse battery", "Tuesday-blue-7-kettle", "mi contraseña larga 2026"} {
		if err := Check(pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}
