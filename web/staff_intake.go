package web

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
	"github.com/backintake/backintake/screening"
)

// maxVoidReason bounds the void reason in characters.
const maxVoidReason = 500

// intakePage is one intake as staff read it.
type intakePage struct {
	staffPage
	ID, Name, BirthDate, Age, Submitted, Lang string

	Severity      sevView
	Needling      string
	RulesVersion  string
	ComputedAt    string
	Rescreened    bool   // more than one screening result exists
	Changed       bool   // the newest result differs from the submission-time one
	FirstSummary  string // the submission-time result, when Changed
	FlagGroups    []flagGroup
	Scores        []labelValue
	Sections      []answerSection
	Reviewed      bool
	ReviewedBy    string
	ReviewedAt    string
	Voided        bool
	VoidedBy      string
	VoidedAt      string
	VoidReason    string
	CanReview     bool
	CanVoid       bool
	VoidError     string
	VoidReasonVal string
}

type flagGroup struct {
	Severity sevView
	Flags    []flagView
}

type flagView struct {
	ID, Message, Category, Source string
}

type labelValue struct{ Label, Value string }

type answerSection struct {
	Title string
	Rows  []answerRow
}

type answerRow struct {
	Question, Answer string
	Long             bool // free text: shown under the question
}

// staffIntake serves GET /staff/intakes/{id}.
func (s *Server) staffIntake(c *fiber.Ctx) error {
	return s.showIntake(c, fiber.StatusOK, "", "")
}

// showIntake loads, audits ("view") and renders one intake, with a void form
// error and the reason typed when re-rendering after a refused void.
func (s *Server) showIntake(c *fiber.Ctx, status int, voidError, voidReason string) error {
	u := currentStaff(c)
	id := c.Params("id")
	in, screenings, rev, err := s.loadIntake(c.UserContext(), id)
	if errors.Is(err, db.ErrNotFound) {
		return s.intakeNotFound(c, u, db.ActionView, id)
	}
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	if err := s.audit(c, u, db.AuditEntry{Action: db.ActionView, IntakeID: in.ID, Outcome: db.OutcomeOK}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	data := s.newIntakePage(c, u, in, screenings, rev)
	data.VoidError, data.VoidReasonVal = voidError, voidReason
	return s.renderStaff(c, status, "staff_intake", data)
}

// loadIntake reads an intake, its screening results (oldest first) and its
// review state. Returns db.ErrNotFound for an unknown id.
func (s *Server) loadIntake(ctx context.Context, id string) (intake.Intake, []db.StoredScreening, db.Review, error) {
	if db.AuditIntakeID(id) != id {
		return intake.Intake{}, nil, db.Review{}, db.ErrNotFound
	}
	in, err := s.deps.DB.Intake(ctx, id)
	if err != nil {
		return intake.Intake{}, nil, db.Review{}, err
	}
	ss, err := s.deps.DB.Screenings(ctx, id)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return intake.Intake{}, nil, db.Review{}, err
	}
	rev, err := s.deps.DB.Review(ctx, id)
	if err != nil {
		return intake.Intake{}, nil, db.Review{}, err
	}
	return in, ss, rev, nil
}

func (s *Server) newIntakePage(c *fiber.Ctx, u *staffUser, in intake.Intake, ss []db.StoredScreening, rev db.Review) intakePage {
	name := in.PatientName()
	p := intakePage{staffPage: s.newStaffPage(c, "Intake", u), ID: in.ID, Name: name,
		BirthDate: dateText(in.Answers.BirthDate()), Submitted: s.clinicTime(in.CreatedAt), Lang: langName(in.Lang)}
	p.Nav = "list"
	var newest screening.Result
	if len(ss) > 0 {
		newest = ss[len(ss)-1].Result
		p.RulesVersion = ss[len(ss)-1].RulesVersion
		p.ComputedAt = s.clinicTime(ss[len(ss)-1].ComputedAt)
		p.Rescreened = len(ss) > 1
		if first := ss[0].Result; p.Rescreened && resultSummary(first) != resultSummary(newest) {
			p.Changed = true
			p.FirstSummary = ss[0].RulesVersion + ": " + resultSummary(first)
		}
	}
	p.Severity = newSevView(newest.HighestSeverity)
	p.Needling = newest.NeedlingStatus.Wording()
	if newest.Scores.Age != nil {
		p.Age = strconv.Itoa(*newest.Scores.Age)
	}
	p.FlagGroups = flagGroups(newest.Flags)
	p.Scores = scoreRows(newest.Scores)
	p.Sections = answerSections(in)

	p.Reviewed, p.Voided = !rev.ReviewedAt.IsZero(), !rev.VoidedAt.IsZero()
	p.ReviewedAt, p.VoidedAt, p.VoidReason = s.clinicTime(rev.ReviewedAt), s.clinicTime(rev.VoidedAt), rev.VoidReason
	p.ReviewedBy, p.VoidedBy = s.userName(c.UserContext(), rev.ReviewedBy), s.userName(c.UserContext(), rev.VoidedBy)
	p.CanReview = !p.Reviewed && !p.Voided && u.can(reviewers)
	p.CanVoid = !p.Voided && u.can(admins)
	return p
}

// userName shows a stored user id as "email (#id)", or "#id" if it is gone.
func (s *Server) userName(ctx context.Context, id string) string {
	if id == "" {
		return ""
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return id
	}
	u, err := s.deps.DB.User(ctx, n)
	if err != nil {
		return "#" + id
	}
	return u.Email + " (#" + id + ")"
}

// resultSummary is a result's highest severity, flag ids and needling status:
// what a therapist acts on, compared between the first and newest results.
func resultSummary(r screening.Result) string {
	ids := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		ids[i] = f.ID
	}
	flags := "no flags"
	if len(ids) > 0 {
		flags = "flags " + strings.Join(ids, ", ")
	}
	return string(r.HighestSeverity) + "; " + flags + "; dry needling “" + r.NeedlingStatus.Wording() + "”"
}

// flagGroups groups flags by severity, highest first (the result's order).
func flagGroups(flags []screening.Flag) []flagGroup {
	var out []flagGroup
	for _, sev := range severities {
		var g flagGroup
		for _, f := range flags {
			if f.Severity != sev {
				continue
			}
			cat := strings.ReplaceAll(string(f.Category), "_", " ")
			if f.Kind != "" {
				cat += ", " + string(f.Kind)
			}
			g.Flags = append(g.Flags, flagView{ID: f.ID, Message: f.Message, Category: cat, Source: strings.Join(f.Source, ", ")})
		}
		if len(g.Flags) > 0 {
			g.Severity = newSevView(sev)
			out = append(out, g)
		}
	}
	return out
}

// scoreRows lists the computable scores with their scales.
func scoreRows(sc screening.Scores) []labelValue {
	var out []labelValue
	addInt := func(label string, v *int, unit string) {
		if v != nil {
			out = append(out, labelValue{label, strconv.Itoa(*v) + unit})
		}
	}
	addDec := func(label string, v *float64, unit string) {
		if v != nil {
			out = append(out, labelValue{label, strconv.FormatFloat(*v, 'f', 1, 64) + unit})
		}
	}
	addInt("Age", sc.Age, " years")
	addInt("NPRS back pain now", sc.NPRSBackNow, " / 10")
	addInt("NPRS back pain, average past week", sc.NPRSBackAvg, " / 10")
	addInt("NPRS back pain, worst past week", sc.NPRSBackWorst, " / 10")
	addInt("NPRS leg pain, average past week", sc.NPRSLegAvg, " / 10")
	addDec("PEG", sc.PEG, " / 10")
	addDec("PSFS (higher is better)", sc.PSFS, " / 10")
	if sc.Chronicity != "" {
		out = append(out, labelValue{"Chronicity", sc.Chronicity})
	}
	addInt("Quebec Task Force class", sc.QTF, "")
	return out
}

// answerSections lists every answered item by section with its English question text.
func answerSections(in intake.Intake) []answerSection {
	p := messages.English()
	var out []answerSection
	for _, sec := range intake.V1.Sections {
		as := answerSection{Title: p.T(messages.SectionTitle(sec.ID))}
		for _, it := range sec.Items {
			v, ok := in.Answers[it.LinkID]
			if !ok {
				continue
			}
			as.Rows = append(as.Rows, answerRow{Question: p.T(messages.ItemText(it.LinkID)),
				Answer: p.AnswerText(it, v), Long: it.Type == intake.TypeText})
		}
		if len(as.Rows) > 0 {
			out = append(out, as)
		}
	}
	return out
}

func langName(code string) string {
	switch code {
	case "en":
		return "English"
	case "es":
		return "Spanish"
	case "vi":
		return "Vietnamese"
	}
	return code
}

// staffReview serves POST /staff/intakes/{id}/review (therapist, admin): the
// first review is recorded with who and when, then 303 back to the intake.
func (s *Server) staffReview(c *fiber.Ctx) error {
	u := currentStaff(c)
	id := db.AuditIntakeID(c.Params("id"))
	return s.changeIntake(c, u, id, db.ActionReview, func(tx *sql.Tx, at time.Time) error {
		return db.MarkReviewed(tx, id, u.actor(), at)
	})
}

// staffVoid serves POST /staff/intakes/{id}/void (admin): a reason is
// required; the intake is hidden from lists and exports, never deleted.
func (s *Server) staffVoid(c *fiber.Ctx) error {
	u := currentStaff(c)
	id := db.AuditIntakeID(c.Params("id"))
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" || len([]rune(reason)) > maxVoidReason {
		msg := "Give a reason for voiding (for example “test entry” or “duplicate of an earlier intake”)."
		if reason != "" {
			msg = "The reason may have at most " + strconv.Itoa(maxVoidReason) + " characters."
		}
		return s.showIntake(c, fiber.StatusUnprocessableEntity, msg, reason)
	}
	return s.changeIntake(c, u, id, db.ActionVoid, func(tx *sql.Tx, at time.Time) error {
		return db.Void(tx, id, u.actor(), reason, at)
	})
}

// changeIntake runs change and an audit row for action in one write
// transaction, at one time, then redirects back to the intake (303). An
// unknown or malformed id gets 404 "No such intake".
func (s *Server) changeIntake(c *fiber.Ctx, u *staffUser, id, action string, change func(tx *sql.Tx, at time.Time) error) error {
	err := s.deps.Writer.Do(c.UserContext(), func(tx *sql.Tx) error {
		at := s.cfg.Now().UTC()
		if err := change(tx, at); err != nil {
			return err
		}
		_, err := db.AppendAudit(tx, db.AuditEntry{At: at, Actor: u.actor(), Action: action,
			IntakeID: id, Outcome: db.OutcomeOK, ClientIP: c.IP()})
		return err
	})
	if errors.Is(err, db.ErrNotFound) || errors.Is(err, db.ErrInvalid) {
		return s.noSuchIntake(c, u)
	}
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	return c.Redirect("/staff/intakes/"+id, fiber.StatusSeeOther)
}

// intakeNotFound audits a view or pdf (action) of an id that names no intake,
// keeping the id only when it is id-shaped, and answers 404.
func (s *Server) intakeNotFound(c *fiber.Ctx, u *staffUser, action, id string) error {
	if err := s.audit(c, u, db.AuditEntry{Action: action, IntakeID: db.AuditIntakeID(id), Outcome: db.OutcomeNotFound}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	return s.noSuchIntake(c, u)
}

func (s *Server) noSuchIntake(c *fiber.Ctx, u *staffUser) error {
	return s.staffMessage(c, fiber.StatusNotFound, u, "No such intake", "There is no intake with that id.")
}
