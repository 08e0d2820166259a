package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// patientLimiter limits patient POSTs per client IP (INTAKE_PATIENT_RATE per
// minute). c.IP() honours X-Forwarded-For only from configured trusted
// proxies. Callers with an API token are not limited. The limiter sets
// Retry-After before calling reached.
func (s *Server) patientLimiter(reached fiber.Handler) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          s.cfg.PatientRate,
		Expiration:   time.Minute,
		KeyGenerator: func(c *fiber.Ctx) string { return c.IP() },
		Next:         func(c *fiber.Ctx) bool { return c.Locals(localToken) != nil },
		LimitReached: reached,
	})
}

// formLimitReached re-renders the patient form with every answer and a 429 message.
func (s *Server) formLimitReached(c *fiber.Ctx) error {
	st, ok := readForm(c)
	if !ok {
		st = formState{lang: pickLang(c)}
	}
	return s.showForm(c, fiber.StatusTooManyRequests, st, "page.problem.rate", nil)
}

func (s *Server) apiLimitReached(c *fiber.Ctx) error {
	return apiFail(c, fiber.StatusTooManyRequests, "rate_limited", "Too many submissions from this address; retry after the Retry-After seconds.")
}
