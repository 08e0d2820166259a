// Package web is the Fiber application: patient pages, the JSON API, staff
// pages, templates and static files (embedded), CSRF and audit hooks. It holds
// no SQL: storage goes through package db, clinical logic through intake and
// screening.
package web

import (
	"errors"
	"html/template"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
)

// Config holds the server settings (design "Configuration").
type Config struct {
	Location       *time.Location // clinic time zone (INTAKE_TZ)
	GuardianAge    int            // years (INTAKE_GUARDIAN_AGE, default 18)
	ClinicName     string         // INTAKE_CLINIC_NAME
	ClinicPhone    string         // INTAKE_CLINIC_PHONE: shown with the emergency advice; "" for none
	EmergencyPhone string         // INTAKE_EMERGENCY_NUMBER: the number the advice tells patients to call (911)
	Paper          string         // letter or a4 (INTAKE_PAPER)
	PatientRate    int            // patient POSTs per minute per IP (INTAKE_PATIENT_RATE, default 30)
	TrustedProxies []string       // IPs or CIDRs whose X-Forwarded-For is believed (INTAKE_TRUSTED_PROXIES)
	FHIRBase       string         // canonical base URL for FHIR resources (INTAKE_FHIR_BASE)
	SessionIdle    time.Duration  // staff session idle limit (INTAKE_SESSION_IDLE, default 15m)
	SessionMax     time.Duration  // staff session absolute limit (INTAKE_SESSION_MAX, default 12h)
	Secret         []byte         // HMAC key for patient-form tokens; 32 bytes, persistent across restarts
	TLS            bool           // served over TLS: Secure cookies and HSTS

	// Now is the clock (UTC instants); tests set it to a case's submission date.
	Now func() time.Time
	// Logger receives structured logs without PHI; nil means slog.Default().
	Logger *slog.Logger
}

// Deps are the storage handles the server uses.
type Deps struct {
	DB     *db.DB     // read pool and helpers
	Writer *db.Writer // the only writer in the process
}

// Server holds the parsed templates and dependencies behind the Fiber app.
type Server struct {
	cfg   Config
	deps  Deps
	log   *slog.Logger
	pages map[string]*template.Template
	staff *staffSide // staff sessions, templates and login limits (staff.go)
}

// Request limits (issue 2): the app accepts bodies up to BodyLimit; the
// transport reads up to transportLimit so that an oversized patient form can
// still be echoed back with a 413 instead of losing the answers.
//
// Slow clients (issue 9): readTimeout bounds reading a whole request from its
// first byte, so a connection that sends nothing or a partial request is
// closed after 15 s; idleTimeout closes a kept-alive connection that sends no
// next request; headerLimit caps the header (431 above it); maxConns caps open
// connections (each costs a goroutine and ~12 KiB of buffers), far above what
// a clinic needs, so stuck connections cannot exhaust memory while /healthz
// and patients are still served.
const (
	BodyLimit      = 256 << 10
	transportLimit = 1 << 20
	readTimeout    = 15 * time.Second
	writeTimeout   = 30 * time.Second
	idleTimeout    = 30 * time.Second
	headerLimit    = 8 << 10
	maxConns       = 4096
)

// New builds the Fiber app with every route. It returns an error if the
// templates or the message catalogues fail to load.
func New(cfg Config, deps Deps) (*fiber.App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.GuardianAge == 0 {
		cfg.GuardianAge = 18
	}
	if cfg.PatientRate == 0 {
		cfg.PatientRate = 30
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("web: Config.Secret must hold at least 32 bytes")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, deps: deps, log: cfg.Logger, pages: pages}
	if s.staff, err = newStaff(&s.cfg, deps); err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		Immutable:               true, // Fiber reuses request buffers; we keep values beyond the handler
		BodyLimit:               transportLimit,
		ReadTimeout:             readTimeout,
		WriteTimeout:            writeTimeout,
		IdleTimeout:             idleTimeout,
		ReadBufferSize:          headerLimit,
		Concurrency:             maxConns,
		ErrorHandler:            s.errorHandler,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableIPValidation:      true,
	})
	s.routes(app)
	return app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
