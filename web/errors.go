package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/intake/messages"
)

// errPanic marks a recovered panic; its value is never logged (it may hold answers).
type errPanic struct{ valueType string }

func (e errPanic) Error() string { return "panic recovered (value of type " + e.valueType + ")" }

// recoverPanics turns a panic in any handler into a 500 page; the process stays up.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanic{valueType: fmt.Sprintf("%T", r)}
		}
	}()
	return c.Next()
}

// errorHandler turns every unhandled error into a clean page or JSON reply.
// Internal errors are logged with a request id and the route only: their text
// never reaches the client, and no request content is logged (PHI).
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
	}
	noStore(c)
	api := strings.HasPrefix(c.Path(), "/api/")
	p := messages.For(pickLang(c))

	switch {
	case status == fiber.StatusRequestEntityTooLarge && api:
		return apiFail(c, status, "too_large", "The body is over 256 KiB.")
	case status == fiber.StatusRequestEntityTooLarge && c.Path() == "/intake":
		// The transport refused the body unread: the answers cannot be echoed.
		return s.showForm(c, status, formState{lang: p.Lang()}, "page.problem.too_large_lost", nil)
	case status == fiber.StatusMethodNotAllowed && api:
		return apiFail(c, status, "method_not_allowed", "Use POST for this endpoint.")
	case status == fiber.StatusNotFound || status == fiber.StatusMethodNotAllowed:
		if api {
			return apiFail(c, status, "not_found", "No such endpoint.")
		}
		return s.render(c, status, "message", messagePage{
			page:       page{Lang: p.Lang(), Title: p.T("page.notfound.title"), ClinicName: s.cfg.ClinicName},
			Paragraphs: []string{p.T("page.notfound.body")}})
	case status < 500 && fe != nil:
		if api {
			return apiFail(c, status, "bad_request", fe.Message)
		}
		return s.render(c, status, "message", messagePage{
			page:       page{Lang: p.Lang(), Title: p.T("page.error.title"), ClinicName: s.cfg.ClinicName},
			Paragraphs: []string{p.T("page.error.request")}})
	}

	ref := randomID()[:10]
	s.log.Error("request failed", "request_id", ref, "method", c.Method(), "route", c.Route().Path,
		"status", status, "error", err.Error())
	if api {
		return apiFail(c, status, "internal", "Internal error, reference "+ref+".")
	}
	return s.render(c, status, "message", messagePage{
		page: page{Lang: p.Lang(), Title: p.T("page.error.title"), ClinicName: s.cfg.ClinicName},
		Paragraphs: []string{p.T("page.error.body"),
			p.T("page.error.reference", map[string]any{"ID": ref})}})
}
