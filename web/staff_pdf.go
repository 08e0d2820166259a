package web

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/pdf"
	"github.com/backintake/backintake/screening"
)

// staffPDF serves GET /staff/intakes/{id}.pdf: the summary PDF with the
// newest screening result, rendered to a buffer first, audited ("pdf"), sent
// as an attachment that is never cached.
func (s *Server) staffPDF(c *fiber.Ctx) error {
	u := currentStaff(c)
	id := c.Params("id")
	in, ss, _, err := s.loadIntake(c.UserContext(), id)
	if errors.Is(err, db.ErrNotFound) {
		return s.intakeNotFound(c, u, db.ActionPDF, id)
	}
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	var res screening.Result
	if len(ss) > 0 {
		res = ss[len(ss)-1].Result
	}
	var buf bytes.Buffer
	if err := pdf.Render(&buf, in, res, pdf.Options{ClinicName: s.cfg.ClinicName, Location: s.cfg.Location, Paper: s.cfg.Paper}); err != nil {
		return err // pdf errors carry no patient data
	}
	if err := s.audit(c, u, db.AuditEntry{Action: db.ActionPDF, IntakeID: in.ID, Outcome: db.OutcomeOK}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	noStore(c)
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="intake-`+in.ID+`.pdf"`)
	return c.Send(buf.Bytes())
}
