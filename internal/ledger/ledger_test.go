package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/screening"
)

var on = intake.Date{Year: 2026, Month: 11, Day: 2}

// stored saves n generated intakes through a Writer and returns the database,
// the submissions and their answer hashes.
func stored(t *testing.T, n int) (*db.DB, []db.Submission, []string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "data", "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	w := db.NewWriter(d, db.WriterConfig{})
	defer w.Close()
	r := rand.New(rand.NewPCG(1, 2))
	var subs []db.Submission
	var sums []string
	for i := range n {
		raw := gen.Answers(r, intake.V1, on)
		// Characters json.Marshal would escape as \u003c and \u0026 by default:
		// the hash must follow the stored text, not json.Marshal.
		raw["notes.text"] = "pain < 3 & \"better\" > before"
		a, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: on, GuardianAge: 18})
		if errs != nil {
			t.Fatalf("generated answers invalid: %v", errs)
		}
		at := time.Date(2026, 11, 2, 17, 0, i, 0, time.UTC)
		s := db.Submission{
			Intake: intake.Intake{ID: "in-" + string(rune('a'+i)), CreatedAt: at, SubmissionDate: on,
				QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: a},
			Screening: screening.Run(a, on, screening.Settings{GuardianAge: 18}),
			Receipt:   "rc-" + string(rune('a'+i)),
		}
		if _, err := w.SaveIntake(ctx, s); err != nil {
			t.Fatal(err)
		}
		sum, err := AnswersSHA256(a)
		if err != nil {
			t.Fatal(err)
		}
		subs, sums = append(subs, s), append(sums, sum)
	}
	return d, subs, sums
}

// TestAnswersSHA256IsHashOfStoredText reads the answers column byte for byte
// through a separate connection and hashes it.
func TestAnswersSHA256IsHashOfStoredText(t *testing.T) {
	d, subs, sums := stored(t, 3)
	conn, err := sql.Open("sqlite3", "file:"+d.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i, s := range subs {
		var text string
		if err := conn.QueryRow(`SELECT answers FROM intakes WHERE id = ?`, s.Intake.ID).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "pain < 3 & ") {
			t.Fatalf("stored answers of %s are HTML-escaped; the test assumption is wrong", s.Intake.ID)
		}
		raw := sha256.Sum256([]byte(text))
		if got := hex.EncodeToString(raw[:]); got != sums[i] {
			t.Errorf("%s: AnswersSHA256 = %s, SHA-256 of stored text = %s", s.Intake.ID, sums[i], got)
		}
	}
}

func TestWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.jsonl")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h := strings.Repeat("ab", 32)
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.FixedZone("PST", -8*3600))
	want := []Entry{
		{ID: "abc", AnswersSHA256: h, At: at.UTC()},
		{Receipt: "r1", AnswersSHA256: h, At: at.Add(time.Second).UTC()},
	}
	for _, e := range want {
		e.At = e.At.In(at.Location()) // Append stores UTC whatever the zone
		if err := w.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Append(Entry{AnswersSHA256: h, At: at}); err == nil {
		t.Error("Append accepted an entry without id or receipt")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(path)
	if wantText := `{"id":"abc","answers_sha256":"` + h + `","at":"2026-11-02T17:30:00.123456789Z"}` + "\n"; !strings.HasPrefix(string(text), wantText) {
		t.Errorf("first line = %q, want %q", strings.SplitAfter(string(text), "\n")[0], wantText)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Read = %+v, want %+v", got, want)
	}
}

func TestReadRejectsMalformedLines(t *testing.T) {
	h := strings.Repeat("0f", 32)
	for name, line := range map[string]string{
		"not json":        `{"id":`,
		"unknown key":     `{"id":"a","answers_sha256":"` + h + `","at":"2026-11-02T17:30:00Z","name":"x"}`,
		"id and receipt":  `{"id":"a","receipt":"r","answers_sha256":"` + h + `","at":"2026-11-02T17:30:00Z"}`,
		"neither":         `{"answers_sha256":"` + h + `","at":"2026-11-02T17:30:00Z"}`,
		"short hash":      `{"id":"a","answers_sha256":"0f0f","at":"2026-11-02T17:30:00Z"}`,
		"upper-case hash": `{"id":"a","answers_sha256":"` + strings.ToUpper(h) + `","at":"2026-11-02T17:30:00Z"}`,
		"no time":         `{"id":"a","answers_sha256":"` + h + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "l.jsonl")
			good := `{"id":"ok","answers_sha256":"` + h + `","at":"2026-11-02T17:30:00Z"}`
			if err := os.WriteFile(path, []byte(good+"\n"+line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), "line 2") {
				t.Errorf("Read error = %v, want one naming line 2", err)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	ctx := context.Background()
	d, subs, sums := stored(t, 3)
	at := subs[2].Intake.CreatedAt.Add(30 * time.Millisecond)
	good := []Entry{
		{ID: subs[0].Intake.ID, AnswersSHA256: sums[0], At: at},
		{ID: subs[1].Intake.ID, AnswersSHA256: sums[1], At: at},
		{Receipt: subs[2].Receipt, AnswersSHA256: sums[2], At: at},
	}
	// The receipts were issued weeks before the machine's clock: Verify looks
	// them up as of their acknowledgement, so old ledgers still verify.
	if err := Verify(ctx, d, good); err != nil {
		t.Fatalf("Verify(stored entries) = %v", err)
	}

	bad := slices.Clone(good)
	bad[0].AnswersSHA256 = sums[1]                                                     // another intake's answers
	bad = append(bad, Entry{ID: "in-lost", AnswersSHA256: sums[0], At: at})            // never stored
	bad = append(bad, Entry{Receipt: "rc-lost", AnswersSHA256: sums[0], At: at})       // unknown receipt
	bad = append(bad, Entry{Receipt: subs[1].Receipt, AnswersSHA256: sums[2], At: at}) // receipt of another intake
	err := Verify(ctx, d, bad)
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("Verify(bad) = %v, want *VerifyError", err)
	}
	if want := []string{"in-lost", "receipt:rc-lost"}; !slices.Equal(ve.Missing, want) {
		t.Errorf("Missing = %v, want %v", ve.Missing, want)
	}
	if want := []string{subs[0].Intake.ID, "receipt:" + subs[1].Receipt}; !slices.Equal(ve.Changed, want) {
		t.Errorf("Changed = %v, want %v", ve.Changed, want)
	}
	if ve.Checked != len(bad) {
		t.Errorf("Checked = %d, want %d", ve.Checked, len(bad))
	}
}
