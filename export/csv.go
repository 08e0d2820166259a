package export

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/backintake/backintake/intake"
)

// CSVOptions configure a CSVWriter. The zero value writes a UTF-8 BOM.
type CSVOptions struct {
	// NoBOM leaves out the UTF-8 byte order mark. Excel needs the BOM to read
	// UTF-8 (accents, Vietnamese); other tools may prefer it absent.
	NoBOM bool
}

// CSVWriter streams one CSV row per intake (design "Exports"): id, created_at
// (UTC, RFC 3339), submission_date (YYYY-MM-DD, clinic time zone), lang,
// questionnaire_version, then every linkId of intake.V1 in questionnaire order,
// then rules_version, highest_severity, needling_status, flags (ids joined with
// ";") and each score (age, nprs_back_now, nprs_back_avg, nprs_back_worst,
// nprs_leg_avg, peg, psfs, chronicity, qtf).
//
// Answers: bool as yes/no, int and scores as plain decimal numbers, date as
// YYYY-MM-DD, choice as its code, multi as its codes joined with ";", an
// unanswered item as "". Quoting is RFC 4180 with CRLF line ends, so a line
// break inside free text stays in its cell (encoding/csv writes it as CRLF;
// a reader gives back LF).
//
// Formula guard (OWASP "CSV injection"): a text cell — the intake id and every
// string or text answer — that starts with =, +, -, @, tab or CR gets one
// leading "'", so Excel shows it as text instead of running it. Numbers, dates
// and codes are never guarded: they are ours and cannot start with those.
type CSVWriter struct {
	w   *csv.Writer
	row []string // reused for every record: memory stays flat
	err error
}

// NewCSV writes the BOM (unless opt.NoBOM) and the header row to w and returns
// the writer. Rows are buffered: call Flush at the end (and whenever the
// caller wants bytes out). It returns w's error if the BOM cannot be written.
func NewCSV(w io.Writer, opt CSVOptions) (*CSVWriter, error) {
	if !opt.NoBOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, fmt.Errorf("export: csv: %w", err)
		}
	}
	c := &CSVWriter{w: csv.NewWriter(w)}
	c.w.UseCRLF = true
	header := []string{"id", "created_at", "submission_date", "lang", "questionnaire_version"}
	for _, it := range intake.V1.Items() {
		header = append(header, it.LinkID)
	}
	header = append(header, "rules_version", "highest_severity", "needling_status", "flags")
	header = append(header, scoreColumns...)
	if err := c.w.Write(header); err != nil {
		return nil, fmt.Errorf("export: csv: %w", err)
	}
	c.row = make([]string, 0, len(header))
	return c, nil
}

// Write encodes one record as a row. It returns an error naming the intake id
// and linkId when an answer has a Go type its item does not allow or when the
// answers hold a linkId the questionnaire lacks, and the writer's error once
// writing has failed (the error sticks).
func (c *CSVWriter) Write(r Record) error {
	if c.err != nil {
		return c.err
	}
	in := r.Intake
	q, err := questionnaireOf(in)
	if err != nil {
		return err
	}
	row := append(c.row[:0], guard(in.ID), in.CreatedAt.UTC().Format(time.RFC3339),
		in.SubmissionDate.String(), in.Lang, in.QuestionnaireVersion)
	seen := 0
	for _, it := range q.Items() {
		v, ok := in.Answers[it.LinkID]
		if !ok {
			row = append(row, "")
			continue
		}
		seen++
		cell, err := answerCell(it, v)
		if err != nil {
			return fmt.Errorf("export: intake %s: %w", in.ID, err)
		}
		row = append(row, cell)
	}
	if seen != len(in.Answers) {
		return fmt.Errorf("export: intake %s: answers hold a linkId not in %s", in.ID, intake.Canonical)
	}
	s := r.Screening
	row = append(row, s.RulesVersion, string(s.HighestSeverity), string(s.NeedlingStatus), flagIDs(s.Flags))
	row = scoreCells(s.Scores, row)
	c.row = row
	if err := c.w.Write(row); err != nil {
		c.err = fmt.Errorf("export: csv: %w", err)
		return c.err
	}
	return nil
}

// Flush writes any buffered rows to the underlying writer and returns its error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil && c.err == nil {
		c.err = fmt.Errorf("export: csv: %w", err)
	}
	return c.err
}

// errAnswerType reports a stored answer whose Go type does not fit its item.
var errAnswerType = errors.New("answer has the wrong type")

// answerCell encodes one answer for the CSV; see CSVWriter for the encodings.
func answerCell(it *intake.Item, v any) (string, error) {
	switch it.Type {
	case intake.TypeString, intake.TypeText:
		if s, ok := v.(string); ok {
			return guard(s), nil
		}
	case intake.TypeDate, intake.TypeChoice:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case intake.TypeInt:
		if n, ok := v.(int); ok {
			return strconv.Itoa(n), nil
		}
	case intake.TypeBool:
		if b, ok := v.(bool); ok {
			if b {
				return "yes", nil
			}
			return "no", nil
		}
	case intake.TypeMulti:
		if c, ok := v.([]string); ok {
			return strings.Join(c, ";"), nil
		}
	}
	return "", fmt.Errorf("%s: %w (%T)", it.LinkID, errAnswerType, v)
}

// guard prefixes one "'" to text that a spreadsheet would read as a formula:
// text starting with =, +, - or @, or with a tab or carriage return (OWASP
// CSV injection).
func guard(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func intCell(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func decimalCell(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x, 'f', 1, 64)
}
