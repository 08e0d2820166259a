package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// Page sizes of the staff list and of name search results.
const (
	listPageSize   = 50
	searchPageSize = 100
)

// listFilters are the list's filters as typed (GET query parameters, or the
// same fields in the search POST). They never include a name or birth date.
type listFilters struct {
	From, To string // YYYY-MM-DD, submission date in the clinic's time zone
	Severity string // emergency, urgent, caution, info, none, or ""
	Flag     string // a flag id such as RF-CES-1, or ""
	Review   string // reviewed, unreviewed, or ""
	Voided   bool   // include voided intakes
	Page     int    // 1-based
}

var reFlagID = regexp.MustCompile(`^[A-Z0-9]{1,10}(-[A-Z0-9]{1,10}){0,4}$`)

var severities = []screening.Severity{screening.SeverityEmergency, screening.SeverityUrgent,
	screening.SeverityCaution, screening.SeverityInfo, screening.SeverityNone}

// parseListFilters reads the filters through get (c.Query or c.FormValue) into
// a query; problems lists each filter it could not read (the page says so and
// ignores that filter).
func parseListFilters(get func(string) string) (listFilters, db.ListQuery, []string) {
	var f listFilters
	var q db.ListQuery
	var problems []string
	f.From, f.To = strings.TrimSpace(get("from")), strings.TrimSpace(get("to"))
	if f.From != "" {
		d, err := intake.ParseDate(f.From)
		if err != nil {
			problems = append(problems, "The “from” date is not a valid date (YYYY-MM-DD).")
		}
		q.From = d
	}
	if f.To != "" {
		d, err := intake.ParseDate(f.To)
		if err != nil {
			problems = append(problems, "The “to” date is not a valid date (YYYY-MM-DD).")
		}
		q.To = d
	}
	if sev := get("severity"); sev != "" {
		for _, s := range severities {
			if string(s) == sev {
				f.Severity, q.Severity = sev, s
			}
		}
		if f.Severity == "" {
			problems = append(problems, "Unknown severity.")
		}
	}
	if flag := strings.ToUpper(strings.TrimSpace(get("flag"))); flag != "" {
		if reFlagID.MatchString(flag) {
			f.Flag, q.FlagID = flag, flag
		} else {
			problems = append(problems, "A flag id looks like RF-CES-1.")
		}
	}
	switch r := get("review"); r {
	case "", "reviewed", "unreviewed":
		f.Review, q.Review = r, db.ReviewState(r)
	default:
		problems = append(problems, "Unknown review state.")
	}
	f.Voided = get("voided") == "1"
	q.IncludeVoided = f.Voided
	f.Page = 1
	if n, err := strconv.Atoi(get("page")); err == nil && n > 1 && n < 100000 {
		f.Page = n
	}
	q.Limit = listPageSize
	q.Offset = (f.Page - 1) * listPageSize
	return f, q, problems
}

// query encodes the filters (and a page) as URL query parameters: no PHI.
func (f listFilters) query(page int) string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("from", f.From)
	set("to", f.To)
	set("severity", f.Severity)
	set("flag", f.Flag)
	set("review", f.Review)
	if f.Voided {
		v.Set("voided", "1")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// listPage is the intake list (GET /staff) or name search results (POST /staff/search).
type listPage struct {
	staffPage
	Filters    listFilters
	Severities []screening.Severity
	Problems   []string
	Rows       []listRowView
	Total      int
	Badge      int
	Search     bool   // showing name-search results
	SearchName string // echoed into the search box (POST body only, never a URL)
	Truncated  bool   // search results capped at searchPageSize
	PrevURL    string
	NextURL    string
	PageText   string
	ExportCSV  string
	ExportFHIR string
}

// listRowView is one intake in the list.
type listRowView struct {
	ID        string
	Family    string // shown "Family, Given", each part bidi-isolated so
	Given     string // right-to-left names keep their order
	BirthDate string
	Submitted string
	Severity  sevView
	Flags     []string // flag ids, each shown unbroken
	State     string   // "Reviewed", "Not reviewed", "Voided"
	StateKey  string   // class suffix: reviewed, unreviewed, voided
}

// sevView shows a severity by word and symbol, never by colour alone.
type sevView struct {
	Word   string
	Symbol string
	Key    string // class suffix
	Urgent bool   // emergency or urgent
}

func newSevView(s screening.Severity) sevView {
	if s == "" {
		s = screening.SeverityNone
	}
	word := string(s)
	if s == screening.SeverityNone {
		word = "no flag"
	}
	return sevView{Word: word, Symbol: severitySymbol(s), Key: string(s),
		Urgent: s == screening.SeverityEmergency || s == screening.SeverityUrgent}
}

// severitySymbol is the mark beside a severity word.
func severitySymbol(s screening.Severity) string {
	switch s {
	case screening.SeverityEmergency:
		return "‼"
	case screening.SeverityUrgent:
		return "!"
	case screening.SeverityCaution:
		return "▲"
	case screening.SeverityInfo:
		return "i"
	}
	return "–"
}

// staffList serves GET /staff: intakes by highest severity, then newest.
func (s *Server) staffList(c *fiber.Ctx) error {
	u := currentStaff(c)
	f, q, problems := parseListFilters(func(k string) string { return c.Query(k) })
	page, err := s.deps.DB.List(c.UserContext(), q)
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	if err := s.audit(c, u, db.AuditEntry{Action: db.ActionList, RowCount: int64(len(page.Rows)), Outcome: db.OutcomeOK}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	data := s.newListPage(c, u, f, problems, page)
	if f.Page > 1 {
		data.PrevURL = "/staff" + f.query(f.Page-1)
	}
	if f.Page*listPageSize < page.Total {
		data.NextURL = "/staff" + f.query(f.Page+1)
	}
	if page.Total > 0 {
		first := (f.Page-1)*listPageSize + 1
		data.PageText = strconv.Itoa(first) + "–" + strconv.Itoa(first+len(page.Rows)-1) + " of " + strconv.Itoa(page.Total)
	}
	return s.renderStaff(c, listStatus(problems), "staff_list", data)
}

// listStatus is 400 when a filter could not be read (the page says which).
func listStatus(problems []string) int {
	if len(problems) > 0 {
		return fiber.StatusBadRequest
	}
	return fiber.StatusOK
}

// staffSearch serves POST /staff/search: the name comes in the body only, and
// the results are rendered in this response, so no name reaches a URL, a log
// or the audit row (which keeps only the row count).
func (s *Server) staffSearch(c *fiber.Ctx) error {
	u := currentStaff(c)
	name := strings.TrimSpace(c.FormValue("name"))
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	f, q, problems := parseListFilters(func(k string) string { return c.FormValue(k) })
	f.Page, q.Offset, q.Limit = 1, 0, searchPageSize
	q.Name = name
	if strings.TrimSpace(db.FoldName(name)) == "" {
		problems = append(problems, "Type part of a given or family name to search.")
		q.Name = ""
	}
	page, err := s.deps.DB.List(c.UserContext(), q)
	if err != nil {
		return s.staffUnavailable(c, u, err)
	}
	if err := s.audit(c, u, db.AuditEntry{Action: db.ActionSearch, RowCount: int64(len(page.Rows)), Outcome: db.OutcomeOK}); err != nil {
		return s.staffUnavailable(c, u, err)
	}
	data := s.newListPage(c, u, f, problems, page)
	data.Search, data.SearchName = true, name
	data.Truncated = page.Total > len(page.Rows)
	data.PageText = strconv.Itoa(page.Total) + " found"
	return s.renderStaff(c, listStatus(problems), "staff_list", data)
}

func (s *Server) newListPage(c *fiber.Ctx, u *staffUser, f listFilters, problems []string, page db.ListPage) listPage {
	title := "Intakes"
	data := listPage{staffPage: s.newStaffPage(c, title, u), Filters: f, Severities: severities,
		Problems: problems, Total: page.Total, Badge: page.UnreviewedUrgentCount}
	data.Nav = "list"
	exp := url.Values{}
	if f.From != "" {
		exp.Set("from", f.From)
	}
	if f.To != "" {
		exp.Set("to", f.To)
	}
	suffix := ""
	if len(exp) > 0 {
		suffix = "?" + exp.Encode()
	}
	data.ExportCSV, data.ExportFHIR = "/staff/export.csv"+suffix, "/staff/export.fhir.json"+suffix
	for _, r := range page.Rows {
		v := listRowView{ID: r.ID, Family: r.FamilyName, Given: r.GivenName, BirthDate: dateText(r.BirthDate),
			Submitted: s.clinicTime(r.CreatedAt), Severity: newSevView(r.HighestSeverity),
			Flags: r.FlagIDs}
		switch {
		case r.Voided:
			v.State, v.StateKey = "Voided", "voided"
		case r.Reviewed:
			v.State, v.StateKey = "Reviewed", "reviewed"
		default:
			v.State, v.StateKey = "Not reviewed", "unreviewed"
		}
		data.Rows = append(data.Rows, v)
	}
	return data
}

func dateText(d intake.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
