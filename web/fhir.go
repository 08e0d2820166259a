package web

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/export"
	"github.com/backintake/backintake/intake"
)

// fhirJSON is the FHIR R4 JSON media type.
const fhirJSON = "application/fhir+json"

// fhirQuestionnaire returns the handler of GET /fhir/Questionnaire/back-pain-intake:
// the questionnaire as a FHIR R4 Questionnaire (export.Questionnaire over
// intake.V1 with the configured FHIR base and guardian age). It holds no PHI
// and depends only on the configuration, so it is built once here, served
// from memory and may be cached (an hour, revalidated by its ETag). If it
// cannot be built (a bad INTAKE_FHIR_BASE), the error is logged now and the
// route answers 500.
func (s *Server) fhirQuestionnaire() fiber.Handler {
	body, err := export.Questionnaire(intake.V1, s.cfg.FHIRBase, s.cfg.GuardianAge)
	if err != nil {
		s.log.Error("FHIR Questionnaire unavailable", "error", err.Error())
		return func(*fiber.Ctx) error { return err }
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		c.Response().Header.Del(fiber.HeaderPragma)
		c.Set(fiber.HeaderETag, etag)
		if c.Get(fiber.HeaderIfNoneMatch) == etag {
			return c.SendStatus(fiber.StatusNotModified)
		}
		c.Set(fiber.HeaderContentType, fhirJSON)
		return c.Send(body)
	}
}
