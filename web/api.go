package web

import (
	"errors"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// apiError is one entry of an error reply; LinkID is empty for errors about the whole request.
type apiError struct {
	LinkID  string `json:"linkId,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

type apiErrors struct {
	Errors []apiError `json:"errors"`
}

// apiCreated is the 201 body. Screening is present only for callers with an
// API token: therapist-facing flags never reach a patient's screen.
type apiCreated struct {
	ID            string            `json:"id"`
	Screening     *screening.Result `json:"screening,omitempty"`
	PatientAdvice string            `json:"patient_advice"`
}

const localToken = "apiToken"

// apiCaller authenticates an optional "Authorization: Bearer <token>" header;
// a header with an unknown or revoked token is refused with 401.
func (s *Server) apiCaller(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		return apiFail(c, fiber.StatusUnauthorized, "unauthorized", "Use Authorization: Bearer <token>.")
	}
	name, err := s.deps.DB.TokenName(c.UserContext(), token)
	if errors.Is(err, db.ErrNotFound) {
		return apiFail(c, fiber.StatusUnauthorized, "unauthorized", "The API token is unknown or revoked.")
	}
	if err != nil {
		return err
	}
	c.Locals(localToken, name)
	return c.Next()
}

func apiFail(c *fiber.Ctx, status int, code, msg string) error {
	return c.Status(status).JSON(apiErrors{Errors: []apiError{{Code: code, Message: msg}}})
}

// apiCreateIntake serves POST /api/v1/intakes (design "JSON API").
func (s *Server) apiCreateIntake(c *fiber.Ctx) error {
	if mediaType(c) != fiber.MIMEApplicationJSON {
		return apiFail(c, fiber.StatusUnsupportedMediaType, "unsupported_media_type", "Send Content-Type: application/json.")
	}
	body := c.Body()
	if len(body) > BodyLimit {
		return apiFail(c, fiber.StatusRequestEntityTooLarge, "too_large", "The body is over 256 KiB.")
	}
	req, err := decodeAPIRequest(body)
	if err != nil {
		return apiFail(c, fiber.StatusBadRequest, "bad_request", err.Error())
	}
	if req.Lang == "" {
		req.Lang = "en"
	}
	if !messages.IsSupported(req.Lang) {
		return apiFail(c, fiber.StatusBadRequest, "bad_request", "Unsupported lang: use one of "+strings.Join(messages.Supported, ", ")+".")
	}
	key := c.Get("Idempotency-Key")
	if key != "" && !validIdempotencyKey(key) {
		return apiFail(c, fiber.StatusBadRequest, "bad_request", "Idempotency-Key must be 1-255 printable ASCII characters.")
	}
	p := messages.For(req.Lang)

	now := s.cfg.Now().UTC()
	in := intake.Intake{CreatedAt: now, SubmissionDate: intake.DateIn(now, s.cfg.Location),
		QuestionnaireVersion: intake.Canonical, Lang: req.Lang}
	answers, errs := intake.V1.Validate(req.Answers, s.validationContext(in.SubmissionDate))
	if errs != nil {
		out := apiErrors{}
		for _, e := range errs {
			msg := p.T(messages.Error(e.Code))
			if it := intake.V1.Item(e.LinkID); it != nil {
				msg = errorMessage(p, it, e.Code)
			}
			out.Errors = append(out.Errors, apiError{LinkID: e.LinkID, Code: string(e.Code), Message: msg})
		}
		return c.Status(fiber.StatusUnprocessableEntity).JSON(out)
	}
	in.Answers = answers
	if key != "" {
		key = "api:" + key
	}
	saved, res, err := s.save(c, in, key, sha256Hex(body))
	var conflict *db.ConflictError
	switch {
	case errors.As(err, &conflict):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiErrors{Errors: []apiError{{
			Code: string(intake.CodeIdempotencyKey), Message: p.T(messages.Error(intake.CodeIdempotencyKey))}}})
	case errors.Is(err, db.ErrUnavailable):
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		return apiFail(c, fiber.StatusServiceUnavailable, "unavailable", "The answers could not be stored just now; retry later with the same Idempotency-Key.")
	case err != nil:
		return err
	}
	if saved.Replayed {
		// The first response, unchanged: its id and its submission-time screening.
		first, err := s.deps.DB.Screenings(c.UserContext(), saved.IntakeID)
		if err != nil || len(first) == 0 {
			return errors.New("web: replayed intake has no screening")
		}
		res = first[0].Result
	}
	out := apiCreated{ID: saved.IntakeID, PatientAdvice: patientAdvice(req.Lang, res)}
	if c.Locals(localToken) != nil {
		out.Screening = &res
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

// mediaType is the request's Content-Type without parameters, lower-cased.
func mediaType(c *fiber.Ctx) string {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		return ""
	}
	return mt
}

func validIdempotencyKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
