package web

import (
	"github.com/gofiber/fiber/v2"
)

// routes lists every route, grouped by who may call it.
func (s *Server) routes(app *fiber.App) {
	app.Use(s.recoverPanics) // first, so it covers every handler
	app.Use(s.securityHeaders)

	// Anyone.
	app.Get("/healthz", s.healthz)
	app.Get("/static/*", s.static)
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/intake", fiber.StatusSeeOther) })
	app.Get("/fhir/Questionnaire/back-pain-intake", s.fhirQuestionnaire()) // public, no PHI

	// Patients (rate-limited per IP on POST).
	app.Get("/intake", s.intakeForm)
	app.Post("/intake", s.patientLimiter(s.formLimitReached), s.intakeSubmit)
	app.Get("/intake/done/:receipt", s.intakeDone)

	// Kiosks and integrations; callers with an API token skip the patient rate limit.
	app.Post("/api/v1/intakes", s.apiCaller, s.patientLimiter(s.apiLimitReached), s.apiCreateIntake)
}
