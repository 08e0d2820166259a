package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The login form has no session yet, so its CSRF token is a signed
// double-submit token: bound to a random HttpOnly cookie (Path /staff/login)
// and signed with the server secret under its own purpose label, so it cannot
// be swapped with a patient-form token.
const (
	loginCookie        = "bi_login"
	loginTokenLifetime = 2 * time.Hour
)

// loginToken is base64url(expiry) "." base64url(HMAC(secret, "staff-login|" cookie "|" expiry)).
func loginToken(secret []byte, cookie string, now time.Time) string {
	var exp [8]byte
	binary.BigEndian.PutUint64(exp[:], uint64(now.Add(loginTokenLifetime).Unix()))
	e := base64.RawURLEncoding.EncodeToString(exp[:])
	return e + "." + base64.RawURLEncoding.EncodeToString(loginMAC(secret, cookie, e))
}

func loginMAC(secret []byte, cookie, exp string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("staff-login|" + cookie + "|" + exp))
	return m.Sum(nil)
}

// checkLoginToken reports whether token was issued for cookie and has not expired.
func checkLoginToken(secret []byte, cookie, token string, now time.Time) bool {
	e, sig, ok := strings.Cut(token, ".")
	if !ok || len(cookie) != 26 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(e)
	if err != nil || len(raw) != 8 {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || subtle.ConstantTimeCompare(got, loginMAC(secret, cookie, e)) != 1 {
		return false
	}
	return now.Unix() <= int64(binary.BigEndian.Uint64(raw))
}

// loginFormToken sets (or keeps) the login cookie and returns a fresh token for it.
func (s *Server) loginFormToken(c *fiber.Ctx) string {
	cookie := c.Cookies(loginCookie)
	if len(cookie) != 26 {
		cookie = randomID()
	}
	c.Cookie(&fiber.Cookie{Name: loginCookie, Value: cookie, Path: "/staff/login", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.TLS, SessionOnly: true})
	return loginToken(s.cfg.Secret, cookie, s.cfg.Now())
}
