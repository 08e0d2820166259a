package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
)

const bom = "\uFEFF"

// readCSV strips the BOM and parses the export with encoding/csv, returning
// the header and the rows.
func readCSV(t *testing.T, out []byte) ([]string, [][]string) {
	t.Helper()
	if !bytes.HasPrefix(out, []byte(bom)) {
		t.Fatalf("no UTF-8 BOM: starts %q", out[:min(len(out), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(out[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// unguard removes the one "'" the formula guard adds.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte("=+-@\t\r", s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// decodeCell turns a CSV cell back into the Go value Answers holds; ok is
// false for an empty (unanswered) cell.
func decodeCell(t *testing.T, it *intake.Item, cell string) (v any, ok bool) {
	t.Helper()
	if cell == "" {
		return nil, false
	}
	switch it.Type {
	case intake.TypeString, intake.TypeText:
		return unguard(cell), true
	case intake.TypeInt:
		n, err := strconv.Atoi(cell)
		if err != nil {
			t.Fatalf("%s: %q is not a plain integer", it.LinkID, cell)
		}
		return n, true
	case intake.TypeBool:
		if cell != "yes" && cell != "no" {
			t.Fatalf("%s: bool cell %q", it.LinkID, cell)
		}
		return cell == "yes", true
	case intake.TypeMulti:
		return strings.Split(cell, ";"), true
	}
	return cell, true
}

// withoutCR returns the answers as they read back when text holds a carriage
// return: with UseCRLF, encoding/csv writes every LF as CRLF and drops a lone
// CR, so a CR-led value reads back as its guard "'" and the rest without the
// CR. Stored answers never hold a CR (text allows only LF and tab; CRLF
// becomes LF), so only the test's CR-led value is affected.
func withoutCR(a intake.Answers) intake.Answers {
	out := intake.Answers{}
	for k, v := range a {
		if s, ok := v.(string); ok && strings.Contains(s, "\r") {
			v = strings.ReplaceAll(s, "\r", "")
			if s[0] == '\r' {
				v = "'" + v.(string)
			}
		}
		out[k] = v
	}
	return out
}

func exportCSV(t *testing.T, recs []Record, opt CSVOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	c, err := NewCSV(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := c.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVRoundTripsEveryAnswer(t *testing.T) {
	recs := testRecords(t)
	out := exportCSV(t, recs, CSVOptions{})
	header, rows := readCSV(t, out)

	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	if len(col) != len(header) {
		t.Fatalf("duplicate column names in %v", header)
	}
	wantLead := []string{"id", "created_at", "submission_date", "lang", "questionnaire_version"}
	if !slices.Equal(header[:5], wantLead) {
		t.Fatalf("header starts %v, want %v", header[:5], wantLead)
	}
	items := intake.V1.Items()
	for i, it := range items {
		if header[5+i] != it.LinkID {
			t.Fatalf("column %d is %q, want linkId %q (questionnaire order)", 5+i, header[5+i], it.LinkID)
		}
	}
	tail := append([]string{"rules_version", "highest_severity", "needling_status", "flags"}, scoreColumns...)
	if !slices.Equal(header[5+len(items):], tail) {
		t.Fatalf("header ends %v, want %v", header[5+len(items):], tail)
	}
	if len(rows) != len(recs) {
		t.Fatalf("%d rows for %d intakes: a line break escaped its cell?", len(rows), len(recs))
	}

	for i, r := range recs {
		row := rows[i]
		in := r.Intake
		t.Run(in.ID, func(t *testing.T) {
			if got := unguard(row[col["id"]]); got != in.ID {
				t.Errorf("id %q, want %q", got, in.ID)
			}
			created, err := time.Parse(time.RFC3339, row[col["created_at"]])
			if err != nil || !created.Equal(in.CreatedAt) || !strings.HasSuffix(row[col["created_at"]], "Z") {
				t.Errorf("created_at %q, want %v in UTC RFC 3339", row[col["created_at"]], in.CreatedAt)
			}
			if row[col["submission_date"]] != in.SubmissionDate.String() || row[col["lang"]] != in.Lang ||
				row[col["questionnaire_version"]] != in.QuestionnaireVersion {
				t.Errorf("submission_date/lang/version cells %v", row[:5])
			}
			got := intake.Answers{}
			for _, it := range items {
				if v, ok := decodeCell(t, it, row[col[it.LinkID]]); ok {
					got[it.LinkID] = v
				}
			}
			want := withoutCR(in.Answers)
			if !reflect.DeepEqual(got, want) {
				for k, v := range want {
					if !reflect.DeepEqual(got[k], v) {
						t.Errorf("%s: read back %#v, want %#v", k, got[k], v)
					}
				}
				t.Fatalf("read back %d answers, want %d", len(got), len(want))
			}

			s := r.Screening
			var ids []string
			for _, f := range s.Flags {
				ids = append(ids, f.ID)
			}
			if row[col["rules_version"]] != s.RulesVersion || row[col["highest_severity"]] != string(s.HighestSeverity) ||
				row[col["needling_status"]] != string(s.NeedlingStatus) || row[col["flags"]] != strings.Join(ids, ";") {
				t.Errorf("screening cells %v, want %s %s %s %v", row[col["rules_version"]:col["flags"]+1],
					s.RulesVersion, s.HighestSeverity, s.NeedlingStatus, ids)
			}
			scores := map[string]*int{"age": s.Scores.Age, "nprs_back_now": s.Scores.NPRSBackNow,
				"nprs_back_avg": s.Scores.NPRSBackAvg, "nprs_back_worst": s.Scores.NPRSBackWorst,
				"nprs_leg_avg": s.Scores.NPRSLegAvg, "qtf": s.Scores.QTF}
			for name, p := range scores {
				want := ""
				if p != nil {
					want = strconv.Itoa(*p)
				}
				if row[col[name]] != want {
					t.Errorf("score %s = %q, want %q", name, row[col[name]], want)
				}
			}
			for name, p := range map[string]*float64{"peg": s.Scores.PEG, "psfs": s.Scores.PSFS} {
				cell := row[col[name]]
				if p == nil {
					if cell != "" {
						t.Errorf("score %s = %q, want empty", name, cell)
					}
					continue
				}
				x, err := strconv.ParseFloat(cell, 64)
				if err != nil || x != *p {
					t.Errorf("score %s = %q, want %v as a plain number", name, cell, *p)
				}
			}
			if row[col["chronicity"]] != s.Scores.Chronicity {
				t.Errorf("chronicity %q, want %q", row[col["chronicity"]], s.Scores.Chronicity)
			}
		})
	}
}

func TestCSVGuardsFormulasInTextOnly(t *testing.T) {
	recs := testRecords(t)
	out := exportCSV(t, recs, CSVOptions{})
	header, rows := readCSV(t, out)
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	var row []string
	for _, r := range rows {
		if unguard(r[col["id"]]) == "hostile_C10" {
			row = r
		}
	}
	if row == nil {
		t.Fatal("hostile case missing")
	}
	guarded := map[string]string{"redflag.cancer_details": crLed, "goals.text": tabLed}
	for k, v := range hostile {
		if k != "goals.text" {
			guarded[k] = v
		}
	}
	for linkID, text := range guarded {
		if strings.IndexByte("=+-@\t\r", text[0]) < 0 {
			continue // multi-line notes start with a letter: nothing to guard
		}
		want := "'" + strings.ReplaceAll(text, "\r", "") // see withoutCR
		if cell := row[col[linkID]]; cell != want {
			t.Errorf("%s = %q, want %q", linkID, cell, want)
		}
	}
	if cell := row[col["history.medications"]]; cell != hostile["history.medications"] {
		t.Errorf("multi-line text changed: %q", cell)
	}

	// Numbers are never guarded, and pain scores are bare digits for every intake.
	digits := regexp.MustCompile(`^[0-9]+$`)
	number := regexp.MustCompile(`^[0-9]+(\.[0-9])?$`)
	for _, r := range rows {
		for _, it := range intake.V1.Items() {
			cell := r[col[it.LinkID]]
			if it.Type == intake.TypeInt && cell != "" && !digits.MatchString(cell) {
				t.Errorf("%s: int cell %q is not plain digits", it.LinkID, cell)
			}
			if it.Type != intake.TypeString && it.Type != intake.TypeText && strings.HasPrefix(cell, "'") {
				t.Errorf("%s: non-text cell %q is guarded", it.LinkID, cell)
			}
		}
		for _, name := range []string{"pain.back_now", "pain.back_avg", "pain.back_worst"} {
			if !digits.MatchString(r[col[name]]) {
				t.Errorf("%s = %q, want a plain number", name, r[col[name]])
			}
		}
		for _, name := range scoreColumns {
			if cell := r[col[name]]; name != "chronicity" && cell != "" && !number.MatchString(cell) {
				t.Errorf("score %s = %q, want a plain number", name, cell)
			}
		}
	}
}

func TestCSVLineEndsAndBOM(t *testing.T) {
	out := exportCSV(t, testRecords(t), CSVOptions{})
	body := out[len(bom):]
	if n := bytes.Count(body, []byte("\n")); n != bytes.Count(body, []byte("\r\n")) {
		t.Errorf("%d LF but only %d CRLF: every line end must be CRLF", n, bytes.Count(body, []byte("\r\n")))
	}
	if !bytes.HasSuffix(body, []byte("\r\n")) {
		t.Error("last row does not end with CRLF")
	}
	if !bytes.Contains(body, []byte("\"Ibuprofen 400 mg\r\nat night\r\n=1+1 on the next line\"")) {
		t.Error("multi-line text is not one quoted cell")
	}

	noBOM := exportCSV(t, testRecords(t)[:1], CSVOptions{NoBOM: true})
	if !bytes.HasPrefix(noBOM, []byte("id,created_at,")) {
		t.Errorf("NoBOM output starts %q", noBOM[:min(len(noBOM), 16)])
	}
}

func TestCSVEmptyExportIsHeaderOnly(t *testing.T) {
	out := exportCSV(t, nil, CSVOptions{})
	header, rows := readCSV(t, out)
	if len(rows) != 0 || header[0] != "id" {
		t.Fatalf("empty export: header %v, %d rows", header[:1], len(rows))
	}
}

func TestCSVRejectsBadAnswersWithoutPHI(t *testing.T) {
	base := testRecords(t)[0]
	secret := "Zyx-secret-value"
	tests := map[string]func(a intake.Answers){
		"wrong type":     func(a intake.Answers) { a["pain.back_now"] = secret },
		"unknown linkId": func(a intake.Answers) { a["no.such_item"] = secret },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			r := base
			r.Intake.Answers = intake.Answers{}
			for k, v := range base.Intake.Answers {
				r.Intake.Answers[k] = v
			}
			mutate(r.Intake.Answers)
			c, err := NewCSV(&bytes.Buffer{}, CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Write(r)
			if err == nil {
				t.Fatal("bad answers accepted")
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "Mateo") {
				t.Fatalf("error carries PHI: %v", err)
			}
			if !strings.Contains(err.Error(), r.Intake.ID) {
				t.Fatalf("error does not name the intake: %v", err)
			}
		})
	}
}

// failWriter fails every write, like a client that went away.
type failWriter struct{}

var errGone = errors.New("client gone")

func (failWriter) Write([]byte) (int, error) { return 0, errGone }

func TestCSVReportsWriterErrors(t *testing.T) {
	if _, err := NewCSV(failWriter{}, CSVOptions{}); !errors.Is(err, errGone) {
		t.Fatalf("NewCSV on a failing writer: %v", err)
	}
	c, err := NewCSV(failWriter{}, CSVOptions{NoBOM: true})
	if err != nil {
		t.Fatal(err) // the header is buffered
	}
	if err := c.Flush(); !errors.Is(err, errGone) {
		t.Fatalf("Flush: %v", err)
	}
	if err := c.Write(testRecords(t)[0]); !errors.Is(err, errGone) {
		t.Fatalf("Write after a failed flush: %v", err)
	}
}
