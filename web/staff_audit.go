package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
)

const auditPageSize = 100

// auditPage is GET /staff/audit (admin): the audit log, newest first.
type auditPage struct {
	staffPage
	Actor, Action, From, To string
	Actions                 []string
	Problems                []string
	Rows                    []auditRow
	Total                   int
	PageText                string
	PrevURL, NextURL        string
}

type auditRow struct {
	At, Actor, Action, IntakeID, Range, Rows, Outcome, IP string
}

// staffAudit serves GET /staff/audit?actor=&action=&from=&to=&page=; dates
// are clinic-time-zone days, inclusive.
func (s *Server) staffAudit(c *fiber.Ctx) error {
	u := currentStaff(c)
	data := auditPage{staffPage: s.newStaffPage(c, "Audit log", u), Actions: db.AuditActions}
	data.Nav = "audit"
	q := db.AuditQuery{Limit: auditPageSize}
	data.Actor = strings.TrimSpace(c.Query("actor"))
	if len(data.Actor) > 100 {
		data.Actor = data.Actor[:100]
	}
	q.Actor = data.Actor
	if a := c.Query("action"); a != "" {
		if slices.Contains(db.AuditActions, a) {
			data.Action, q.Action = a, a
		} else {
			data.Problems = append(data.Problems, "Unknown action.")
		}
	}
	day := func(text string, next bool) (time.Time, string) {
		text = strings.TrimSpace(text)
		if text == "" {
			return time.Time{}, ""
		}
		d, err := intake.ParseDate(text)
		if err != nil {
			data.Problems = append(data.Problems, "Dates must be YYYY-MM-DD.")
			return time.Time{}, text
		}
		t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, s.cfg.Location)
		if next {
			t = t.AddDate(0, 0, 1)
		}
		return t, text
	}
	q.From, data.From = day(c.Query("from"), false)
	q.To, data.To = day(c.Query("to"), true)
	pageN := 1
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 && n < 100000 {
		pageN = n
	}
	q.Offset = (pageN - 1) * auditPageSize

	entries, total, err := s.deps.DB.Audit(c.UserContext(), q)
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	emails := map[string]string{}
	if users, err := s.deps.DB.Users(c.UserContext()); err == nil {
		for _, x := range users {
			emails[strconv.FormatInt(x.ID, 10)] = x.Email
		}
	}
	for _, e := range entries {
		actor := e.Actor
		if m, ok := emails[e.Actor]; ok {
			actor = m + " (#" + e.Actor + ")"
		}
		r := auditRow{At: e.At.In(s.cfg.Location).Format("2006-01-02 15:04:05"), Actor: actor, Action: e.Action,
			IntakeID: e.IntakeID, Range: e.Range, Outcome: e.Outcome, IP: e.ClientIP}
		if e.RowCount != 0 {
			r.Rows = strconv.FormatInt(e.RowCount, 10)
		}
		data.Rows = append(data.Rows, r)
	}
	data.Total = total
	link := func(p int) string {
		v := url.Values{}
		for k, val := range map[string]string{"actor": data.Actor, "action": data.Action, "from": data.From, "to": data.To} {
			if val != "" {
				v.Set(k, val)
			}
		}
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		if len(v) == 0 {
			return "/staff/audit"
		}
		return "/staff/audit?" + v.Encode()
	}
	if pageN > 1 {
		data.PrevURL = link(pageN - 1)
	}
	if pageN*auditPageSize < total {
		data.NextURL = link(pageN + 1)
	}
	if total > 0 {
		first := q.Offset + 1
		data.PageText = strconv.Itoa(first) + "–" + strconv.Itoa(first+len(entries)-1) + " of " + strconv.Itoa(total)
	}
	return s.renderStaff(c, listStatus(data.Problems), "staff_audit", data)
}
