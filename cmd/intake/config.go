package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/backintake/backintake/export"
	"github.com/backintake/backintake/pdf"
)

// config is the design's configuration: environment variables, overridden by flags.
type config struct {
	Addr           string
	DB             string
	TZ             string
	GuardianAge    int
	ClinicName     string
	Paper          string
	TLSCert        string
	TLSKey         string
	SessionIdle    time.Duration
	SessionMax     time.Duration
	PatientRate    string // "30/min"
	TrustedProxies string // comma-separated IPs or CIDRs
	FHIRBase       string
	Log            string // text or json
	ClinicPhone    string // shown as a tap-to-call link with the emergency advice; "" for none
	EmergencyPhone string // the emergency number patients are told to call (911)

	settings clinicSetting // the clinic settings this command took (clinicFlags)
}

// defaultDB is the embedded default: one SQLite file in ./data (git-ignored).
const defaultDB = "data/intake.db"

// serveConfig reads the settings of `intake serve`: INTAKE_* variables,
// overridden by flags. Returns a usageError for a bad flag, flag.ErrHelp for -h,
// or an error naming a variable that does not parse.
func serveConfig(env *cliEnv, args []string) (*config, error) {
	cfg, fs, err := cliFlags(env, "serve", allSettings)
	if err != nil {
		return nil, err
	}
	idle, err := time.ParseDuration(envOr(env, "INTAKE_SESSION_IDLE", "15m"))
	if err != nil {
		return nil, fmt.Errorf("INTAKE_SESSION_IDLE: %w", err)
	}
	max, err := time.ParseDuration(envOr(env, "INTAKE_SESSION_MAX", "12h"))
	if err != nil {
		return nil, fmt.Errorf("INTAKE_SESSION_MAX: %w", err)
	}
	fs.StringVar(&cfg.Addr, "addr", envOr(env, "INTAKE_ADDR", "127.0.0.1:8080"), "listen address (INTAKE_ADDR)")
	fs.StringVar(&cfg.TLSCert, "tls-cert", envOr(env, "INTAKE_TLS_CERT", ""), "TLS certificate file (INTAKE_TLS_CERT)")
	fs.StringVar(&cfg.TLSKey, "tls-key", envOr(env, "INTAKE_TLS_KEY", ""), "TLS key file (INTAKE_TLS_KEY)")
	fs.DurationVar(&cfg.SessionIdle, "session-idle", idle, "staff session idle limit (INTAKE_SESSION_IDLE)")
	fs.DurationVar(&cfg.SessionMax, "session-max", max, "staff session absolute limit (INTAKE_SESSION_MAX)")
	fs.StringVar(&cfg.PatientRate, "patient-rate", envOr(env, "INTAKE_PATIENT_RATE", "30/min"), "patient POSTs per IP, N/min (INTAKE_PATIENT_RATE)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", envOr(env, "INTAKE_TRUSTED_PROXIES", ""), "comma-separated proxy IPs/CIDRs (INTAKE_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.Log, "log", envOr(env, "INTAKE_LOG", "text"), "log format on stderr: text or json (INTAKE_LOG)")
	fs.StringVar(&cfg.ClinicPhone, "clinic-phone", envOr(env, "INTAKE_CLINIC_PHONE", ""), "clinic phone number shown with the emergency advice (INTAKE_CLINIC_PHONE)")
	fs.StringVar(&cfg.EmergencyPhone, "emergency-number", envOr(env, "INTAKE_EMERGENCY_NUMBER", "911"), "emergency number the advice offers to call (INTAKE_EMERGENCY_NUMBER)")
	pos, err := fs.parse(args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("serve takes no arguments, only flags: %q", pos[0])
	}
	if err := cfg.checkClinic(); err != nil {
		return nil, err
	}
	switch {
	case cfg.Log != "text" && cfg.Log != "json":
		return nil, fmt.Errorf("INTAKE_LOG %q must be text or json", cfg.Log)
	case cfg.SessionIdle <= 0 || cfg.SessionMax < cfg.SessionIdle:
		return nil, fmt.Errorf("INTAKE_SESSION_IDLE (%v) must be positive and INTAKE_SESSION_MAX (%v) at least as long", cfg.SessionIdle, cfg.SessionMax)
	case !phoneLike(cfg.ClinicPhone, true) || !phoneLike(cfg.EmergencyPhone, false):
		return nil, fmt.Errorf("INTAKE_CLINIC_PHONE %q and INTAKE_EMERGENCY_NUMBER %q must be phone numbers (digits, spaces, + ( ) -)", cfg.ClinicPhone, cfg.EmergencyPhone)
	}
	return cfg, nil
}

// Guardian-age settings outside this range are refused (years).
const minGuardianAge, maxGuardianAge = 1, 25

// checkClinic refuses the command's clinic settings (c.settings) that would
// fail later (a PDF, an export, the FHIR Questionnaire) or silently change a
// clinical rule.
func (c *config) checkClinic() error {
	if c.settings&settingTZ != 0 {
		if _, err := c.location(); err != nil {
			return err
		}
	}
	if p := strings.ToLower(c.Paper); c.settings&settingPaper != 0 && p != "letter" && p != "a4" {
		return fmt.Errorf("INTAKE_PAPER %q must be letter or a4", c.Paper)
	}
	if c.settings&settingGuardianAge != 0 && (c.GuardianAge < minGuardianAge || c.GuardianAge > maxGuardianAge) {
		return fmt.Errorf("INTAKE_GUARDIAN_AGE %d must be between %d and %d years", c.GuardianAge, minGuardianAge, maxGuardianAge)
	}
	if c.settings&settingFHIRBase != 0 {
		if err := export.CheckBase(c.FHIRBase); err != nil {
			return fmt.Errorf("INTAKE_FHIR_BASE: %w", err)
		}
	}
	return nil
}

// phoneLike accepts digits, spaces and + ( ) - with at least 3 digits ("" when optional).
func phoneLike(s string, optional bool) bool {
	if s == "" {
		return optional
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case !strings.ContainsRune(" +()-", r):
			return false
		}
	}
	return digits >= 3
}

// clinicSetting is a set of clinic settings a command takes as flags.
type clinicSetting uint8

// The clinic settings that the server and the CLI commands share.
const (
	settingTZ          clinicSetting = 1 << iota // --tz, INTAKE_TZ
	settingGuardianAge                           // --guardian-age, INTAKE_GUARDIAN_AGE
	settingClinicName                            // --clinic-name, INTAKE_CLINIC_NAME
	settingPaper                                 // --paper, INTAKE_PAPER
	settingFHIRBase                              // --fhir-base, INTAKE_FHIR_BASE

	allSettings = settingTZ | settingGuardianAge | settingClinicName | settingPaper | settingFHIRBase
	// pdfSettings are the inputs of pdfOptions, so that `intake pdf` renders
	// exactly what the server renders.
	pdfSettings = settingTZ | settingClinicName | settingPaper
)

// clinicFlags registers the clinic settings in which, read from the
// environment, and records them in cfg.settings for checkClinic.
func clinicFlags(fs *flagSet, cfg *config, env *cliEnv, which clinicSetting) error {
	cfg.settings = which
	if which&settingTZ != 0 {
		fs.StringVar(&cfg.TZ, "tz", envOr(env, "INTAKE_TZ", "America/Los_Angeles"), "clinic time zone, IANA name (INTAKE_TZ)")
	}
	if which&settingGuardianAge != 0 {
		age, err := strconv.Atoi(envOr(env, "INTAKE_GUARDIAN_AGE", "18"))
		if err != nil {
			return fmt.Errorf("INTAKE_GUARDIAN_AGE must be a whole number of years: %w", err)
		}
		fs.IntVar(&cfg.GuardianAge, "guardian-age", age, "patients younger than this need a guardian, years (INTAKE_GUARDIAN_AGE)")
	}
	if which&settingClinicName != 0 {
		fs.StringVar(&cfg.ClinicName, "clinic-name", envOr(env, "INTAKE_CLINIC_NAME", "Physical Therapy Clinic"), "clinic name on pages and PDFs (INTAKE_CLINIC_NAME)")
	}
	if which&settingPaper != 0 {
		fs.StringVar(&cfg.Paper, "paper", envOr(env, "INTAKE_PAPER", "letter"), "PDF paper size: letter or a4 (INTAKE_PAPER)")
	}
	if which&settingFHIRBase != 0 {
		// The default is export.DefaultBase: a .invalid host, so a receiving
		// system sees at once that the clinic has not set its own (docs/fhir.md).
		fs.StringVar(&cfg.FHIRBase, "fhir-base", envOr(env, "INTAKE_FHIR_BASE", export.DefaultBase), "canonical base URL of FHIR resources (INTAKE_FHIR_BASE)")
	}
	return nil
}

// cliFlags returns the flag set of command name with --db and the clinic
// settings in which; the command adds its own flags and calls parse.
func cliFlags(env *cliEnv, name string, which clinicSetting) (*config, *flagSet, error) {
	cfg := &config{}
	fs := dbFlags(env, name, &cfg.DB)
	if err := clinicFlags(fs, cfg, env, which); err != nil {
		return nil, nil, err
	}
	return cfg, fs, nil
}

// envOr returns the environment variable k, or def when it is unset or empty.
func envOr(env *cliEnv, k, def string) string {
	if v := env.getenv(k); v != "" {
		return v
	}
	return def
}

// pdfOptions are the summary PDF's settings. The server passes the same three
// values to pdf.Render, so `intake pdf` and GET /staff/intakes/{id}.pdf give
// identical bytes. Returns an error for an unknown time zone.
func (c *config) pdfOptions() (pdf.Options, error) {
	loc, err := c.location()
	if err != nil {
		return pdf.Options{}, err
	}
	return pdf.Options{ClinicName: c.ClinicName, Location: loc, Paper: c.Paper}, nil
}

// location loads the clinic time zone (the binary embeds time/tzdata).
func (c *config) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return nil, fmt.Errorf("INTAKE_TZ %q is not an IANA time zone name: %w", c.TZ, err)
	}
	return loc, nil
}

// patientRate parses "N/min" (or a bare N) into requests per minute.
func (c *config) patientRate() (int, error) {
	s := strings.TrimSuffix(strings.TrimSpace(c.PatientRate), "/min")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("INTAKE_PATIENT_RATE %q must be N/min with N ≥ 1", c.PatientRate)
	}
	return n, nil
}

// trustedProxies splits the comma-separated list.
func (c *config) trustedProxies() []string {
	var out []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
