package web

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/backintake/backintake/db"
)

// staffSide is the state of the staff pages: sessions, their templates and
// the login throttling rules.
type staffSide struct {
	store  *session.Store
	pages  map[string]*template.Template
	limits db.LoginLimits
}

// staffTemplates are the staff pages; each is parsed with staff_layout.html.
var staffTemplates = []string{"staff_login", "staff_message", "staff_list", "staff_intake", "staff_audit"}

// newStaff fills in the session limits' defaults and parses the staff templates.
func newStaff(cfg *Config, deps Deps) (*staffSide, error) {
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = defaultSessionIdle
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = defaultSessionMax
	}
	pages := map[string]*template.Template{}
	for _, name := range staffTemplates {
		t, err := template.New(name).Funcs(staffFuncs).ParseFS(templateFS, "templates/staff_layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		pages[name] = t
	}
	return &staffSide{store: newSessionStore(*cfg, deps), pages: pages, limits: db.DefaultLoginLimits}, nil
}

var staffFuncs = template.FuncMap{
	"sevSymbol": severitySymbol,
}

// staffPage is what the staff layout needs. Staff pages are English only.
type staffPage struct {
	Title      string
	ClinicName string
	User       *staffUser // nil on the login page
	CSRF       string
	Nav        string // "list" or "audit": the current section
	IsAdmin    bool
}

func (s *Server) newStaffPage(c *fiber.Ctx, title string, u *staffUser) staffPage {
	p := staffPage{Title: title, ClinicName: s.cfg.ClinicName, User: u}
	if u != nil {
		p.CSRF = u.CSRF
		p.IsAdmin = u.Role == db.RoleAdmin
	}
	return p
}

// renderStaff executes a staff page into a buffer, then sends it.
func (s *Server) renderStaff(c *fiber.Ctx, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.staff.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	noStore(c)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// staffMessagePage is a heading and one paragraph.
type staffMessagePage struct {
	staffPage
	Text string
	Back string // link target, or ""
}

func (s *Server) staffMessage(c *fiber.Ctx, status int, u *staffUser, title, text string) error {
	p := staffMessagePage{staffPage: s.newStaffPage(c, title, u), Text: text, Back: "/staff"}
	if u == nil {
		p.Back = "/staff/login"
	}
	return s.renderStaff(c, status, "staff_message", p)
}

// staffUnavailable answers a failed database write or read: 503 with
// Retry-After when a retry may work, else the error handler's 500.
func (s *Server) staffUnavailable(c *fiber.Ctx, u *staffUser, err error) error {
	if errors.Is(err, db.ErrUnavailable) || errors.Is(err, db.ErrClosed) || errors.Is(err, context.DeadlineExceeded) {
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		return s.staffMessage(c, fiber.StatusServiceUnavailable, u, "Try again shortly",
			"The database is busy or unavailable, so nothing was shown or changed. Please try again in a minute.")
	}
	return err
}

// audit appends one audit row for the request's user (or e.Actor when set),
// at the server's clock and the client's IP, through the Writer. PHI is shown
// only after its row is stored: callers refuse the page when audit fails.
func (s *Server) audit(c *fiber.Ctx, u *staffUser, e db.AuditEntry) error {
	if e.Actor == "" && u != nil {
		e.Actor = u.actor()
	}
	e.At = s.cfg.Now().UTC()
	e.ClientIP = c.IP()
	ctx, cancel := context.WithTimeout(c.UserContext(), saveTimeout)
	defer cancel()
	return s.deps.Writer.Do(ctx, func(tx *sql.Tx) error {
		_, err := db.AppendAudit(tx, e)
		return err
	})
}

// clinicTime formats an instant in the clinic's time zone, to the minute.
func (s *Server) clinicTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.cfg.Location).Format("2006-01-02 15:04")
}
