package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// formState is a patient form as posted: every value echoed back on any
// 4xx/5xx so that nothing the patient typed is lost.
type formState struct {
	lang   string
	values map[string][]string
	advice string // emergency advice to show with the form, or ""
}

// intakeForm serves GET /intake: the empty questionnaire with fresh tokens.
func (s *Server) intakeForm(c *fiber.Ctx) error {
	return s.showForm(c, fiber.StatusOK, formState{lang: pickLang(c)}, "", nil)
}

// intakeSubmit serves POST /intake: language switch, or validate → screen →
// store → 303 to the receipt page; every failure re-renders the form.
func (s *Server) intakeSubmit(c *fiber.Ctx) error {
	st, ok := readForm(c)
	if !ok {
		return s.showForm(c, fiber.StatusBadRequest, formState{lang: pickLang(c)}, "page.problem.bad_request", nil)
	}
	if l := get1(st.values, "_lang"); messages.IsSupported(l) {
		st.lang = l // a language button: re-render, neither validate nor store
		return s.showForm(c, fiber.StatusOK, st, "", nil)
	}
	if len(c.Body()) > BodyLimit {
		return s.showForm(c, fiber.StatusRequestEntityTooLarge, st, "page.problem.too_large", nil)
	}
	now := s.cfg.Now().UTC()
	if cookie := c.Cookies(csrfCookie); !checkFormToken(s.cfg.Secret, cookie, get1(st.values, "_csrf"), now) {
		problem := "page.problem.csrf"
		if cookie == "" {
			problem = "page.problem.cookies" // the browser keeps no cookies: a stale-page message would loop
		}
		return s.showForm(c, fiber.StatusForbidden, st, problem, nil)
	}

	in := intake.Intake{CreatedAt: now, SubmissionDate: intake.DateIn(now, s.cfg.Location),
		QuestionnaireVersion: intake.Canonical, Lang: st.lang}
	raw := intake.V1.FromForm(st.values)
	answers, errs := intake.V1.Validate(raw, s.validationContext(in.SubmissionDate))
	if errs != nil {
		st.advice = s.partialAdvice(raw, in.SubmissionDate, st.lang)
		return s.showForm(c, fiber.StatusUnprocessableEntity, st, "", errs)
	}
	in.Answers = answers
	hash, _ := json.Marshal(answers) // map keys are sorted: equal answers give equal bytes
	key := ""
	if tok := get1(st.values, "_submission"); tok != "" && len(tok) <= 64 {
		key = "form:" + tok
	}
	saved, _, err := s.save(c, in, key, sha256Hex(hash))
	var conflict *db.ConflictError
	switch {
	case errors.As(err, &conflict):
		at := conflict.CreatedAt.In(s.cfg.Location).Format("15:04")
		return s.showFormMsg(c, fiber.StatusConflict, st, messages.For(st.lang).T("page.problem.conflict", map[string]any{"Time": at}), nil)
	case errors.Is(err, db.ErrUnavailable):
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		return s.showForm(c, fiber.StatusServiceUnavailable, st, "page.problem.unavailable", nil)
	case err != nil:
		return err
	}
	return c.Redirect("/intake/done/"+saved.Receipt, fiber.StatusSeeOther)
}

// partialAdvice screens the valid part of a rejected form and returns the
// emergency advice when it already shows an emergency (for example new saddle
// numbness with consent refused): a patient who never corrects the form must
// still be told to seek care. Nothing is stored.
func (s *Server) partialAdvice(raw intake.Raw, on intake.Date, lang string) string {
	part := intake.V1.Partial(raw, s.validationContext(on))
	return patientAdvice(lang, screening.Run(part, on, screening.Settings{GuardianAge: s.cfg.GuardianAge}))
}

// retryAfterSeconds is sent with 503s: the writer recovers on its own once the cause is gone.
const retryAfterSeconds = "30"

// readForm parses an application/x-www-form-urlencoded body into every posted value.
func readForm(c *fiber.Ctx) (formState, bool) {
	if mediaType(c) != fiber.MIMEApplicationForm && len(c.Body()) > 0 {
		return formState{}, false
	}
	values := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		values[string(k)] = append(values[string(k)], string(v))
	})
	lang := get1(values, "_current_lang")
	if !messages.IsSupported(lang) {
		lang = pickLang(c)
	}
	return formState{lang: lang, values: values}, true
}

// showForm renders the questionnaire with the posted values, a problem message
// key (or ""), field errors and fresh tokens.
func (s *Server) showForm(c *fiber.Ctx, status int, st formState, problemKey string, errs intake.Errors) error {
	msg := ""
	if problemKey != "" {
		msg = messages.For(st.lang).T(problemKey)
	}
	return s.showFormMsg(c, status, st, msg, errs)
}

func (s *Server) showFormMsg(c *fiber.Ctx, status int, st formState, problem string, errs intake.Errors) error {
	p := messages.For(st.lang)
	cookie := c.Cookies(csrfCookie)
	if len(cookie) != 26 {
		cookie = randomID()
	}
	c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: cookie, Path: "/intake", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: s.cfg.TLS, Expires: s.cfg.Now().Add(CSRFLifetime)})
	noStore(c)
	data := formPage{
		page: page{Lang: p.Lang(), Title: p.T("page.form.title"), ClinicName: s.cfg.ClinicName,
			SkipText: p.T("page.skip"), Script: "form.js"},
		Intro:        p.T("page.form.intro"),
		Problem:      problem,
		Sections:     buildForm(p, st.values, errs, s.cfg.GuardianAge),
		Submit:       p.T("page.form.submit"),
		CSRF:         formToken(s.cfg.Secret, cookie, s.cfg.Now()),
		Submission:   randomID(),
		Languages:    languageButtons(p.Lang()),
		LanguageText: p.T("page.choose_language"),
		RequiredText: p.T("page.form.required_mark"),
	}
	if st.advice != "" {
		data.EmergencyTitle, data.EmergencyText = p.T("advice.emergency.title"), st.advice
	}
	if len(errs) > 0 {
		data.ErrorTitle, data.ErrorIntro = p.T("page.errors.title"), p.T("page.errors.intro")
		for _, e := range errs {
			q, m := fieldErrorSummary(p, e)
			data.Errors = append(data.Errors, errorLink{Href: "#" + fieldID(e.LinkID), Question: q, Message: m})
		}
	}
	return s.render(c, status, "form", data)
}

// fieldErrorSummary returns the error summary's question text ("" for an
// unknown field) and message.
func fieldErrorSummary(p *messages.Printer, e intake.FieldError) (question, message string) {
	it := intake.V1.Item(e.LinkID)
	if it == nil {
		return "", p.T(messages.Error(e.Code))
	}
	return p.T(messages.ItemText(it.LinkID)), errorMessage(p, it, e.Code)
}

// validationContext is the validation input for a submission on date d.
func (s *Server) validationContext(d intake.Date) intake.Context {
	return intake.Context{SubmissionDate: d, GuardianAge: s.cfg.GuardianAge}
}

// intakeDone serves the confirmation page of a receipt (valid 24 h).
func (s *Server) intakeDone(c *fiber.Ctx) error {
	noStore(c)
	in, res, err := s.deps.DB.Receipt(c.UserContext(), c.Params("receipt"), s.cfg.Now())
	if errors.Is(err, db.ErrNotFound) {
		p := messages.For(pickLang(c))
		return s.render(c, fiber.StatusNotFound, "message", messagePage{
			page:       page{Lang: p.Lang(), Title: p.T("page.done.title"), ClinicName: s.cfg.ClinicName},
			Paragraphs: []string{p.T("page.done.expired")}})
	}
	if err != nil {
		return err
	}
	p := messages.For(in.Lang)
	data := donePage{messagePage: messagePage{
		page:       page{Lang: p.Lang(), Title: p.T("page.done.title"), ClinicName: s.cfg.ClinicName},
		Paragraphs: []string{p.T("page.done.received"), p.T("page.done.next")}}}
	if advice := patientAdvice(in.Lang, res); advice != "" {
		data.Emergency, data.EmergencyTitle, data.EmergencyText = true, p.T("advice.emergency.title"), advice
		if n := s.cfg.EmergencyPhone; n != "" {
			data.CallEmergency, data.EmergencyTel = p.T("page.done.call_emergency", map[string]any{"Number": n}), telURI(n)
		}
		if n := s.cfg.ClinicPhone; n != "" {
			data.CallClinic, data.ClinicTel = p.T("page.done.call_clinic", map[string]any{"Phone": n}), telURI(n)
		}
	}
	return s.render(c, fiber.StatusOK, "done", data)
}

// telURI makes a tel: link from a phone number as configured ("+1 (555) 010-0100").
func telURI(number string) template.URL {
	var b strings.Builder
	for _, r := range number {
		if r == '+' && b.Len() == 0 || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return template.URL("tel:" + b.String())
}

// saveTimeout bounds how long a request waits for its batch to commit.
const saveTimeout = 20 * time.Second
