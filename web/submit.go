package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// save screens a validated intake and queues it for the writer; it returns
// once its batch has committed (or failed). The screening result is stored in
// the same transaction as the answers.
func (s *Server) save(c *fiber.Ctx, in intake.Intake, idemKey, bodyHash string) (db.Saved, screening.Result, error) {
	in.ID = randomID()
	res := screening.Run(in.Answers, in.SubmissionDate, screening.Settings{GuardianAge: s.cfg.GuardianAge})
	ctx, cancel := context.WithTimeout(c.UserContext(), saveTimeout)
	defer cancel()
	saved, err := s.deps.Writer.SaveIntake(ctx, db.Submission{
		Intake: in, Screening: res, IdempotencyKey: idemKey, BodyHash: bodyHash, Receipt: randomID(),
	})
	return saved, res, err
}

// patientAdvice is the only screening output a patient sees: the emergency
// message in their language when the result is an emergency, else "".
func patientAdvice(lang string, res screening.Result) string {
	if res.HighestSeverity != screening.SeverityEmergency {
		return ""
	}
	return messages.For(lang).T("advice.emergency")
}
