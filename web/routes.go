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

	// Staff (English only). Sign-in is open (throttled, CSRF-protected); every
	// other route needs a session and one of the roles named; POSTs need the
	// session's CSRF token.
	app.Get("/staff/login", s.loginForm)
	app.Post("/staff/login", s.loginSubmit)
	app.Post("/staff/logout", s.requireStaff(allStaff...), s.logout)
	app.Get("/staff", s.requireStaff(allStaff...), s.staffList)
	app.Post("/staff/search", s.requireStaff(allStaff...), s.staffSearch)
	app.Get("/staff/intakes/:id.pdf", s.requireStaff(allStaff...), s.staffPDF)
	app.Get("/staff/intakes/:id", s.requireStaff(allStaff...), s.staffIntake)
	app.Post("/staff/intakes/:id/review", s.requireStaff(reviewers...), s.staffReview)
	app.Post("/staff/intakes/:id/void", s.requireStaff(admins...), s.staffVoid)
	app.Get("/staff/export.csv", s.requireStaff(allStaff...), s.staffExport(exportCSV))
	app.Get("/staff/export.fhir.json", s.requireStaff(allStaff...), s.staffExport(exportFHIR))
	app.Get("/staff/audit", s.requireStaff(admins...), s.staffAudit)
}
