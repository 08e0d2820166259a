package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/web"
)

// shutdownGrace bounds how long requests already received may take after
// SIGTERM/SIGINT before the server stops waiting for them.
const shutdownGrace = 25 * time.Second

// runServe runs the server until ctx is cancelled (SIGTERM/SIGINT), then
// stops accepting, finishes requests already received, lets the writer commit
// its queue and closes the database.
func runServe(ctx context.Context, env *cliEnv, args []string) error {
	return serve(ctx, env, args, serveHooks{})
}

// serveHooks let in-process tests reach into a running server (hold the
// writer, shorten a timeout, find the address). runServe passes the zero value.
type serveHooks struct {
	writer db.WriterConfig                           // the Writer's settings, e.g. a BeforeCommit pause
	app    func(*fiber.App)                          // adjusts the app before it listens
	ready  func(addr string, d *db.DB, w *db.Writer) // called once listening
}

// serve is runServe with test hooks.
func serve(ctx context.Context, env *cliEnv, args []string, hooks serveHooks) error {
	cfg, err := serveConfig(env, args)
	if err != nil {
		return err
	}
	logger := newLogger(cfg.Log, env)
	loc, err := cfg.location()
	if err != nil {
		return err
	}
	rate, err := cfg.patientRate()
	if err != nil {
		return err
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("set both INTAKE_TLS_CERT and INTAKE_TLS_KEY, or neither")
	}

	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("cannot open the database %s, so the server will not start: %w", cfg.DB, err)
	}
	defer d.Close()
	if err := checkAtStart(ctx, d, logger); err != nil {
		return err
	}
	secret, err := d.Secret(ctx, "patient-form")
	if err != nil {
		return err
	}
	w := db.NewWriter(d, hooks.writer)
	defer w.Close()
	if err := printAdminHint(ctx, d, env.stdout); err != nil {
		return err
	}

	app, err := web.New(web.Config{
		Location: loc, GuardianAge: cfg.GuardianAge, ClinicName: cfg.ClinicName, Paper: cfg.Paper,
		ClinicPhone: cfg.ClinicPhone, EmergencyPhone: cfg.EmergencyPhone,
		PatientRate: rate, TrustedProxies: cfg.trustedProxies(), FHIRBase: cfg.FHIRBase,
		SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax, Secret: secret,
		TLS: cfg.TLSCert != "", Logger: logger,
	}, web.Deps{DB: d, Writer: w})
	if err != nil {
		return err
	}
	if hooks.app != nil {
		hooks.app(app)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	logger.Info("serving", "url", scheme+"://"+ln.Addr().String()+"/intake", "db", d.Path(), "tz", loc.String())
	if hooks.ready != nil {
		hooks.ready(ln.Addr().String(), d, w)
	}

	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- app.Server().ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
			return
		}
		errc <- app.Listener(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests already received")
	if err := app.ShutdownWithTimeout(shutdownGrace); err != nil {
		logger.Warn("shutdown timed out", "error", err.Error())
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writer: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// checkAtStart runs PRAGMA integrity_check and foreign_key_check before the
// server accepts anything: a damaged database is refused, not written to.
// On a clinic-sized file (tens of MB) this takes well under a second.
func checkAtStart(ctx context.Context, d *db.DB, logger *slog.Logger) error {
	start := time.Now()
	err := d.IntegrityCheck(ctx)
	if ctx.Err() != nil {
		return fmt.Errorf("stopped during the start-up check: %w", ctx.Err()) // not a damaged database
	}
	if err != nil {
		return fmt.Errorf("the database %s failed its start-up check, so the server will not start: %w. "+
			"Keep a copy of the damaged file (with its -wal file) for investigation, then restore the newest good backup "+
			"with `intake restore FILE` (README: Backup and restore)", d.Path(), err)
	}
	logger.Info("database check ok", "checks", "integrity_check foreign_key_check", "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// newLogger logs to stderr as text or JSON. Log lines never hold PHI.
func newLogger(format string, env *cliEnv) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(env.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(env.stderr, nil))
}
