package web

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/internal/passwords"
)

// loginPage is the sign-in form.
type loginPage struct {
	staffPage
	Email   string
	Problem string
	Notice  string
}

// loginForm serves GET /staff/login.
func (s *Server) loginForm(c *fiber.Ctx) error {
	notice := ""
	if c.Query("signed_out") == "1" {
		notice = "You are signed out."
	}
	return s.showLogin(c, fiber.StatusOK, "", "", notice)
}

func (s *Server) showLogin(c *fiber.Ctx, status int, email, problem, notice string) error {
	p := s.newStaffPage(c, "Staff sign-in", nil)
	p.CSRF = s.loginFormToken(c)
	return s.renderStaff(c, status, "staff_login", loginPage{staffPage: p, Email: email, Problem: problem, Notice: notice})
}

const (
	msgBadLogin    = "The email or password is not right, or the account is disabled."
	msgLoginLocked = "Too many failed sign-ins. Try again in %s."
)

// loginSubmit serves POST /staff/login: CSRF → throttle → password →
// a new session (the old id, planted or not, is discarded) → 303 to /staff.
func (s *Server) loginSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	if len(email) > 254 {
		email = email[:254]
	}
	password := c.FormValue("password")
	now := s.cfg.Now().UTC()
	if !checkLoginToken(s.cfg.Secret, c.Cookies(loginCookie), c.FormValue("_csrf"), now) {
		return s.showLogin(c, fiber.StatusForbidden, email,
			"This sign-in form expired or was not sent from this site. Please sign in again.", "")
	}
	ip, account := c.IP(), db.LoginAccountKey(email)
	until, err := s.deps.DB.LoginLockedUntil(ctx, ip, account, now)
	if err != nil {
		return s.staffUnavailable(c, nil, err)
	}
	if !until.IsZero() {
		return s.loginLocked(c, email, until.Sub(now))
	}

	user, ok, err := s.checkPassword(ctx, email, password)
	if err != nil {
		return err
	}
	if !ok {
		// The email is not stored: the user id if it names a user, else "anonymous".
		actor := "anonymous"
		if user.ID != 0 {
			actor = strconv.FormatInt(user.ID, 10)
		}
		var lockUntil time.Time
		err := s.deps.Writer.Do(ctx, func(tx *sql.Tx) error {
			var err error
			if lockUntil, err = db.RecordLoginFailure(tx, s.staff.limits, ip, account, now); err != nil {
				return err
			}
			_, err = db.AppendAudit(tx, db.AuditEntry{At: now, Actor: actor, Action: db.ActionFailedLogin,
				Outcome: "denied", ClientIP: ip})
			return err
		})
		if err != nil {
			return s.staffUnavailable(c, nil, err)
		}
		if !lockUntil.IsZero() {
			return s.loginLocked(c, email, lockUntil.Sub(now))
		}
		c.Set(fiber.HeaderWWWAuthenticate, `Form realm="staff"`)
		return s.showLogin(c, fiber.StatusUnauthorized, email, msgBadLogin, "")
	}

	sess, err := s.staff.store.Get(c)
	if err != nil {
		return err
	}
	// Reset is Regenerate plus clearing the data: whatever session id the
	// browser sent (a planted one included) is deleted and never used again.
	if err := sess.Reset(); err != nil {
		return s.staffUnavailable(c, nil, err)
	}
	sess.Set(keyUserID, user.ID)
	sess.Set(keyLoginAt, now.UnixNano())
	sess.Set(keyPassword, passwordStamp(user.PasswordHash))
	err = s.deps.Writer.Do(ctx, func(tx *sql.Tx) error {
		if err := db.ClearLoginFailures(tx, ip, account); err != nil {
			return err
		}
		if _, err := db.DeleteExpiredSessions(tx, now); err != nil {
			return err
		}
		_, err := db.AppendAudit(tx, db.AuditEntry{At: now, Actor: strconv.FormatInt(user.ID, 10),
			Action: db.ActionLogin, Outcome: db.OutcomeOK, ClientIP: ip})
		return err
	})
	if err != nil {
		return s.staffUnavailable(c, nil, err)
	}
	if err := sess.Save(); err != nil {
		return s.staffUnavailable(c, nil, err)
	}
	c.Cookie(&fiber.Cookie{Name: loginCookie, Path: "/staff/login", Expires: time.Unix(0, 0), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.TLS})
	return c.Redirect("/staff", fiber.StatusSeeOther)
}

// loginLocked answers 429 with Retry-After (whole seconds, rounded up).
func (s *Server) loginLocked(c *fiber.Ctx, email string, wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	mins := (secs + 59) / 60
	text := strconv.Itoa(mins) + " minutes"
	if mins == 1 {
		text = "1 minute"
	}
	return s.showLogin(c, fiber.StatusTooManyRequests, email, strings.Replace(msgLoginLocked, "%s", text, 1), "")
}

// logout serves POST /staff/logout: the session is deleted, then 303 to the login page.
func (s *Server) logout(c *fiber.Ctx) error {
	u := currentStaff(c)
	sess, err := s.staff.store.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	if err := s.audit(c, u, db.AuditEntry{Action: db.ActionLogout, Outcome: db.OutcomeOK}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	return c.Redirect("/staff/login?signed_out=1", fiber.StatusSeeOther)
}

// hashSlots bounds concurrent argon2id computations: each takes 19 MiB and
// ~25 ms of one core, so a burst of logins queues instead of exhausting memory.
var hashSlots = make(chan struct{}, 4)

var dummyHash = sync.OnceValue(func() string {
	h, err := passwords.Hash(randomID())
	if err != nil {
		panic("web: dummy password hash: " + err.Error())
	}
	return h
})

// checkPassword returns the user with that email and whether password is
// theirs and the account is active. An unknown email still costs one hash,
// so response times do not reveal which emails are accounts. The returned
// user is zero for an unknown email.
func (s *Server) checkPassword(ctx context.Context, email, password string) (db.User, bool, error) {
	user, err := s.deps.DB.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return db.User{}, false, err
	}
	hash := user.PasswordHash
	if user.ID == 0 || email == "" {
		hash = dummyHash()
	}
	if len(password) > passwords.MaxLength {
		password = password[:passwords.MaxLength]
	}
	hashSlots <- struct{}{}
	ok, verr := passwords.Verify(password, hash)
	<-hashSlots
	if verr != nil {
		// A malformed stored hash: the account cannot sign in; no detail logged.
		ok = false
	}
	return user, ok && user.ID != 0 && user.DisabledAt.IsZero(), nil
}
