package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

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
	cfg, _, err := loadConfig(env.getenv, "serve", args, env.stderr, true)
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
		return err
	}
	defer d.Close()
	secret, err := d.Secret(ctx, "patient-form")
	if err != nil {
		return err
	}
	w := db.NewWriter(d, db.WriterConfig{})
	defer w.Close()

	app, err := web.New(web.Config{
		Location: loc, GuardianAge: cfg.GuardianAge, ClinicName: cfg.ClinicName, Paper: cfg.Paper,
		PatientRate: rate, TrustedProxies: cfg.trustedProxies(), FHIRBase: cfg.FHIRBase,
		SessionIdle: cfg.SessionIdle, SessionMax: cfg.SessionMax, Secret: secret,
		TLS: cfg.TLSCert != "", Logger: logger,
	}, web.Deps{DB: d, Writer: w})
	if err != nil {
		return err
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

// newLogger logs to stderr as text or JSON. Log lines never hold PHI.
func newLogger(format string, env *cliEnv) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(env.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(env.stderr, nil))
}
