package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/backintake/backintake/db"
)

// Staff session settings (issue 4).
const (
	sessionCookie      = "bi_staff"
	defaultSessionIdle = 15 * time.Minute
	defaultSessionMax  = 12 * time.Hour
	localStaff         = "staffUser"
)

// Session data keys. Values are int64 or string, which gob needs no
// registration for.
const (
	keyUserID   = "uid"      // int64 db.User.ID
	keyLoginAt  = "login_at" // int64 unix nanoseconds of the login, for the absolute limit
	keyPassword = "pw"       // string passwordStamp of the hash at login
)

// Roles allowed per kind of route (design "Staff pages").
var (
	allStaff  = []db.Role{db.RoleAdmin, db.RoleTherapist, db.RoleFrontDesk}
	reviewers = []db.Role{db.RoleAdmin, db.RoleTherapist}
	admins    = []db.Role{db.RoleAdmin}
)

// staffUser is the signed-in user of a request.
type staffUser struct {
	ID    int64
	Email string
	Role  db.Role
	CSRF  string // the session's CSRF token for forms
}

// actor is the user as the audit log names it: the user id.
func (u *staffUser) actor() string { return strconv.FormatInt(u.ID, 10) }

// can reports whether the user's role is one of roles.
func (u *staffUser) can(roles []db.Role) bool { return slices.Contains(roles, u.Role) }

// newSessionStore is Fiber's session middleware over our SQLite storage. The
// cookie is HttpOnly, SameSite=Lax, Secure on TLS, path /staff, and lives only
// as long as the browser; Expiration is the idle limit, enforced by the
// storage's expires_at (every authenticated request saves the session again).
func newSessionStore(cfg Config, deps Deps) *session.Store {
	return session.New(session.Config{
		Storage:           &sessionStorage{db: deps.DB, w: deps.Writer, now: cfg.Now},
		Expiration:        cfg.SessionIdle,
		KeyLookup:         "cookie:" + sessionCookie,
		CookiePath:        "/staff",
		CookieSecure:      cfg.TLS,
		CookieHTTPOnly:    true,
		CookieSameSite:    "Lax",
		CookieSessionOnly: true,
		KeyGenerator:      randomID,
	})
}

// passwordStamp identifies a password hash without revealing it: a session
// remembers the stamp at login and ends when `intake user passwd` changes it.
func passwordStamp(hash string) string { return sha256Hex([]byte("pw|" + hash))[:16] }

// sessionCSRF is the CSRF token of a signed-in session (synchronizer token
// derived from the session id): HMAC-SHA256(secret, "staff-csrf|" id). It
// changes with the session id, hence at every login, and needs no storage.
//
// Fiber's csrf middleware is not used because on HTTPS it requires a Referer
// header matching the host, and our Referrer-Policy: no-referrer makes
// browsers send none: every staff POST over TLS would fail.
func sessionCSRF(secret []byte, sessionID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("staff-csrf|" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// loadStaff returns the request's signed-in user and session, or nil when
// there is none. It ends (destroys) a session past the absolute limit, of a
// user that is gone or disabled, or whose password changed since login.
func (s *Server) loadStaff(c *fiber.Ctx) (*staffUser, *session.Session, error) {
	sess, err := s.staff.store.Get(c)
	if err != nil {
		return nil, nil, err // the storage failed, or a stored session would not decode
	}
	uid, _ := sess.Get(keyUserID).(int64)
	if uid == 0 {
		return nil, nil, nil
	}
	loginAt, _ := sess.Get(keyLoginAt).(int64)
	now := s.cfg.Now()
	age := now.Sub(time.Unix(0, loginAt))
	end := func() (*staffUser, *session.Session, error) { return nil, nil, sess.Destroy() }
	if loginAt == 0 || age < 0 || age >= s.cfg.SessionMax {
		return end()
	}
	u, err := s.deps.DB.User(c.UserContext(), uid)
	if errors.Is(err, db.ErrNotFound) {
		return end()
	}
	if err != nil {
		return nil, nil, err
	}
	stamp, _ := sess.Get(keyPassword).(string)
	if !u.DisabledAt.IsZero() || stamp != passwordStamp(u.PasswordHash) {
		return end()
	}
	return &staffUser{ID: u.ID, Email: u.Email, Role: u.Role, CSRF: sessionCSRF(s.cfg.Secret, sess.ID())}, sess, nil
}

// requireStaff admits a signed-in user whose role is one of roles. Without a
// session it redirects to the login page (303); a state-changing request
// without the session's CSRF token gets 403 before anything else happens; a
// role not allowed gets 403. An admitted request saves the session again,
// which restarts the idle limit.
func (s *Server) requireStaff(roles ...db.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, sess, err := s.loadStaff(c)
		if err != nil {
			return s.staffUnavailable(c, nil, err)
		}
		if u == nil {
			return c.Redirect("/staff/login", fiber.StatusSeeOther)
		}
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead &&
			subtle.ConstantTimeCompare([]byte(c.FormValue("_csrf")), []byte(u.CSRF)) != 1 {
			return s.staffMessage(c, fiber.StatusForbidden, u, "Form expired",
				"This form was not sent from a current page of this site, so nothing was changed. Go back, reload the page and try again.")
		}
		if !u.can(roles) {
			return s.staffMessage(c, fiber.StatusForbidden, u, "Not allowed",
				"Your role ("+string(u.Role)+") does not allow this.")
		}
		if err := sess.Save(); err != nil {
			return s.staffUnavailable(c, u, err)
		}
		c.Locals(localStaff, u)
		return c.Next()
	}
}

// currentStaff returns the user admitted by requireStaff.
func currentStaff(c *fiber.Ctx) *staffUser {
	u, _ := c.Locals(localStaff).(*staffUser)
	return u
}
