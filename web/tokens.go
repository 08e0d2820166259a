package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// CSRFLifetime is how long a patient form's CSRF token stays valid: a long
// waiting-room session must not lose its answers (issue 2: 12 h).
const CSRFLifetime = 12 * time.Hour

// csrfCookie binds a patient form's token to the browser that loaded it
// (double-submit): a forged cross-site POST carries no SameSite=Lax cookie.
const csrfCookie = "bi_form"

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// randomID returns 128 random bits as 26 lower-case base32 characters: intake
// ids, receipts, one-time submission tokens and CSRF cookie values.
func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("web: crypto/rand failed: " + err.Error())
	}
	return strings.ToLower(idEncoding.EncodeToString(b[:]))
}

// formToken is a stateless signed CSRF token: base64url(expiry unix seconds)
// "." base64url(HMAC-SHA256(secret, "csrf|" cookie "|" expiry)). It survives a
// restart because the secret is persistent.
func formToken(secret []byte, cookie string, now time.Time) string {
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(now.Add(CSRFLifetime).Unix()))
	e := base64.RawURLEncoding.EncodeToString(exp[:])
	return e + "." + base64.RawURLEncoding.EncodeToString(formMAC(secret, cookie, e))
}

func formMAC(secret []byte, cookie, exp string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("csrf|" + cookie + "|" + exp))
	return m.Sum(nil)
}

// checkFormToken reports whether token was issued for cookie by this server and has not expired.
func checkFormToken(secret []byte, cookie, token string, now time.Time) bool {
	e, sig, ok := strings.Cut(token, ".")
	if !ok || cookie == "" {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(e)
	if err != nil || len(raw) != 8 {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || subtle.ConstantTimeCompare(got, formMAC(secret, cookie, e)) != 1 {
		return false
	}
	return now.Unix() <= int64(binary.BigEndian.Uint64(raw))
}

// sha256Hex returns the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 64)
	for i, x := range sum {
		out[2*i], out[2*i+1] = hexdigits[x>>4], hexdigits[x&15]
	}
	return string(out)
}
