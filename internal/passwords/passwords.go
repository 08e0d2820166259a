// Package passwords hashes and checks staff passwords: argon2id (RFC 9106) with
// golang.org/x/crypto/argon2, stored as a PHC string, and the policy of issue 4
// (at least MinLength characters, not one of the 10,000 most common passwords).
package passwords

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP Password Storage Cheat Sheet baseline
// (m=19 MiB, t=2, p=1). Verify reads the parameters stored in each hash, so
// raising them later keeps old hashes valid.
const (
	Memory  = 19456 // KiB
	Time    = 2     // passes
	Threads = 1
	saltLen = 16 // bytes
	keyLen  = 32 // bytes
)

// MinLength is the minimum password length in characters (runes).
const MinLength = 12

// MaxLength bounds a password in bytes, so that nobody feeds the hash megabytes.
const MaxLength = 1024

// Policy errors returned by Check.
var (
	ErrTooShort = fmt.Errorf("passwords: a password needs at least %d characters", MinLength)
	ErrTooLong  = fmt.Errorf("passwords: a password may have at most %d bytes", MaxLength)
	ErrCommon   = errors.New("passwords: this password is one of the 10,000 most common; choose another")
	// ErrGuessable: repeated or sequential characters, very few distinct
	// ones, or a common password with digits or symbols added (NIST SP
	// 800-63B 3.1.1.2 asks verifiers to refuse these too).
	ErrGuessable = errors.New("passwords: this password is easy to guess (repeated or sequential characters, or a common password with digits added); choose another")
	// ErrFormat is returned by Verify for a stored hash that is not an argon2id PHC string.
	ErrFormat = errors.New("passwords: stored hash is not an argon2id PHC string")
)

//go:embed common.txt
var commonText string

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// IsCommon reports whether pw, in lower case, is one of the 10,000 most common
// passwords (see README.md for the list's source).
func IsCommon(pw string) bool {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 10000)
		sc := bufio.NewScanner(strings.NewReader(commonText))
		for sc.Scan() {
			if w := strings.TrimSpace(sc.Text()); w != "" {
				common[w] = struct{}{}
			}
		}
	})
	_, ok := common[strings.ToLower(pw)]
	return ok
}

// Check applies the policy: ErrTooShort under MinLength runes, ErrTooLong over
// MaxLength bytes, ErrCommon for a common password, else nil.
func Check(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinLength:
		return ErrTooShort
	case len(pw) > MaxLength:
		return ErrTooLong
	case IsCommon(pw):
		return ErrCommon
	case guessable(pw):
		return ErrGuessable
	}
	return nil
}

// minDistinct is the fewest different characters a password may have.
const minDistinct = 5

func guessable(pw string) bool {
	r := []rune(pw)
	distinct := map[rune]bool{}
	for _, c := range r {
		distinct[c] = true
	}
	if len(distinct) < minDistinct || repeated(r) || sequential(r) {
		return true
	}
	base := strings.TrimRightFunc(strings.ToLower(pw), func(c rune) bool { return !unicode.IsLetter(c) })
	return len(base) >= 4 && base != strings.ToLower(pw) && IsCommon(base)
}

// repeated reports a password that is one shorter unit several times ("abcabcabcabc").
func repeated(r []rune) bool {
	for k := 1; k <= len(r)/2; k++ {
		if len(r)%k == 0 && string(r) == strings.Repeat(string(r[:k]), len(r)/k) {
			return true
		}
	}
	return false
}

// sequential reports a run like "123456789012" or "abcdefghijkl" (up or down, digits wrapping).
func sequential(r []rune) bool {
	step := func(a, b rune) rune {
		if d := b - a; unicode.IsDigit(a) && unicode.IsDigit(b) && (d == -9 || d == 9) {
			return -d / 9 // 9→0 continues upwards, 0→9 downwards
		}
		return b - a
	}
	d := step(r[0], r[1])
	if d != 1 && d != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if step(r[i-1], r[i]) != d {
			return false
		}
	}
	return true
}

var b64 = base64.RawStdEncoding // PHC strings use unpadded standard base64

// Hash returns the argon2id hash of pw as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, with a fresh 16-byte salt.
// It does not apply the policy (call Check first).
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passwords: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, Time, Memory, Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, Memory, Time, Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string encoded, comparing in
// constant time. Returns ErrFormat (and false) for a malformed hash or one
// whose parameters are out of range.
func Verify(pw, encoded string) (bool, error) {
	p, salt, key, err := parse(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.t, p.m, p.p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

type params struct {
	m, t uint32
	p    uint8
}

func parse(encoded string) (params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return params{}, nil, nil, ErrFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return params{}, nil, nil, ErrFormat
	}
	var p params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.m, &p.t, &p.p); err != nil {
		return params{}, nil, nil, ErrFormat
	}
	// Bounds keep a corrupted or hostile row from asking for gigabytes.
	if p.m < 8*uint32(p.p) || p.m > 1<<21 || p.t < 1 || p.t > 16 || p.p < 1 {
		return params{}, nil, nil, ErrFormat
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return params{}, nil, nil, ErrFormat
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return params{}, nil, nil, ErrFormat
	}
	return p, salt, key, nil
}
