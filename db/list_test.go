package db

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// listFixture stores intakes with known severities, flags, dates and states.
//
//	id suffix  name              created    severity (newest)  flags          state
//	a          Thị Nguyễn        t0         caution            DN-A1
//	b          José Núñez        t0+1h      emergency          RF-CES-1
//	c          Siobhán O’Brien   t0+2h      none                              reviewed
//	d          Ana Urgent        t0+3h      urgent             RF-FX-1, DN-A1
//	e          Ana Voided        t0+4h      emergency          RF-CES-1       voided
//	f          Ana Rescreened    t0+5h      info -> emergency  RF-CES-2       (rescreened)
//	g          Ana Later         t0+1d      urgent             RF-INF-1       reviewed
func listFixture(t *testing.T) (*DB, map[string]string) {
	t.Helper()
	ctx := context.Background()
	d := openTest(t)
	w := newWriter(t, d, WriterConfig{})
	ids := map[string]string{}
	add := func(key, given, family string, at time.Time, date intake.Date, res screening.Result) {
		in := newIntake(t, given, family, at)
		if !date.IsZero() {
			in.SubmissionDate = date
		}
		submit(t, w, in, res)
		ids[key] = in.ID
	}
	day := intake.DateOf(t0)
	next := intake.DateOf(t0.AddDate(0, 0, 1))
	add("a", "Thị", "Nguyễn", t0, day, result(flag("DN-A1", screening.SeverityCaution)))
	add("b", "José", "Núñez", t0.Add(1*time.Hour), day, result(flag("RF-CES-1", screening.SeverityEmergency)))
	add("c", "Siobhán", "O’Brien", t0.Add(2*time.Hour), day, result())
	add("d", "Ana", "Urgent", t0.Add(3*time.Hour), day, result(flag("RF-FX-1", screening.SeverityUrgent), flag("DN-A1", screening.SeverityCaution)))
	add("e", "Ana", "Voided", t0.Add(4*time.Hour), day, result(flag("RF-CES-1", screening.SeverityEmergency)))
	add("f", "Ana", "Rescreened", t0.Add(5*time.Hour), day, result(flag("PAT-1", screening.SeverityInfo)))
	add("g", "Ana", "Later", t0.Add(24*time.Hour), next, result(flag("RF-INF-1", screening.SeverityUrgent)))
	err := w.Do(ctx, func(tx *sql.Tx) error {
		return errors.Join(
			MarkReviewed(tx, ids["c"], "7", t0),
			MarkReviewed(tx, ids["g"], "7", t0),
			Void(tx, ids["e"], "1", "test intake", t0),
			AddScreening(tx, ids["f"], result(flag("RF-CES-2", screening.SeverityEmergency)), t0.Add(6*time.Hour)),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, ids
}

func listKeys(t *testing.T, d *DB, ids map[string]string, q ListQuery) ([]string, ListPage) {
	t.Helper()
	page, err := d.List(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for k, id := range ids {
		byID[id] = k
	}
	var keys []string
	for _, r := range page.Rows {
		keys = append(keys, byID[r.ID])
	}
	return keys, page
}

func TestListOrderAndFilters(t *testing.T) {
	d, ids := listFixture(t)
	day := intake.DateOf(t0)
	for _, tc := range []struct {
		name string
		q    ListQuery
		want []string
	}{
		// Severity rank of the newest result, then newest first; voided hidden.
		{"all", ListQuery{}, []string{"f", "b", "g", "d", "a", "c"}},
		{"include voided", ListQuery{IncludeVoided: true}, []string{"f", "e", "b", "g", "d", "a", "c"}},
		{"severity emergency", ListQuery{Severity: screening.SeverityEmergency}, []string{"f", "b"}},
		{"severity none", ListQuery{Severity: screening.SeverityNone}, []string{"c"}},
		{"flag in newest result", ListQuery{FlagID: "DN-A1"}, []string{"d", "a"}},
		{"flag only in older result", ListQuery{FlagID: "PAT-1"}, nil},
		{"unreviewed", ListQuery{Review: ReviewUnreviewed}, []string{"f", "b", "d", "a"}},
		{"reviewed", ListQuery{Review: ReviewReviewed}, []string{"g", "c"}},
		{"from..to one day", ListQuery{From: day, To: day}, []string{"f", "b", "d", "a", "c"}},
		{"from next day", ListQuery{From: intake.DateOf(t0.AddDate(0, 0, 1))}, []string{"g"}},
		{"page 2", ListQuery{Limit: 2, Offset: 2}, []string{"g", "d"}},
		{"name nguyen", ListQuery{Name: "nguyen"}, []string{"a"}},
		{"name NGUYỄN thi", ListQuery{Name: "NGUYỄN thi"}, []string{"a"}},
		{"name nunez", ListQuery{Name: "nunez"}, []string{"b"}},
		{"name obrien", ListQuery{Name: "obrien"}, []string{"c"}},
		{"name o'brien", ListQuery{Name: "o'brien"}, []string{"c"}},
		{"name prefix bri", ListQuery{Name: "bri"}, []string{"c"}},
		{"name two words both must match", ListQuery{Name: "ana nguyen"}, nil},
		{"name plus severity", ListQuery{Name: "ana", Severity: screening.SeverityUrgent}, []string{"g", "d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, page := listKeys(t, d, ids, tc.q)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.q.Limit == 0 && page.Total != len(tc.want) {
				t.Errorf("total %d, want %d", page.Total, len(tc.want))
			}
			// Unreviewed, not voided, newest result emergency or urgent: b, d, f.
			if page.UnreviewedUrgentCount != 3 {
				t.Errorf("unreviewed urgent count %d, want 3", page.UnreviewedUrgentCount)
			}
		})
	}
}

func TestListRowFields(t *testing.T) {
	d, ids := listFixture(t)
	page, err := d.List(context.Background(), ListQuery{Name: "urgent"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Rows) != 1 {
		t.Fatalf("rows %+v", page.Rows)
	}
	r := page.Rows[0]
	in, _ := d.Intake(context.Background(), ids["d"])
	want := ListRow{
		ID: ids["d"], CreatedAt: t0.Add(3 * time.Hour), SubmissionDate: intake.DateOf(t0),
		GivenName: "Ana", FamilyName: "Urgent", BirthDate: in.Answers.BirthDate(),
		HighestSeverity: screening.SeverityUrgent, FlagIDs: []string{"RF-FX-1", "DN-A1"},
	}
	if r.ID != want.ID || !r.CreatedAt.Equal(want.CreatedAt) || r.SubmissionDate != want.SubmissionDate ||
		r.GivenName != want.GivenName || r.FamilyName != want.FamilyName || r.BirthDate != want.BirthDate ||
		r.HighestSeverity != want.HighestSeverity || !slices.Equal(r.FlagIDs, want.FlagIDs) || r.Reviewed || r.Voided {
		t.Errorf("row %+v\nwant %+v", r, want)
	}
	if want.BirthDate.IsZero() {
		t.Error("fixture has no birth date")
	}
	page, _ = d.List(context.Background(), ListQuery{IncludeVoided: true, Name: "voided"})
	if len(page.Rows) != 1 || !page.Rows[0].Voided {
		t.Errorf("voided row %+v", page.Rows)
	}
}

func TestListRejectsUnknownReviewState(t *testing.T) {
	d := openTest(t)
	if _, err := d.List(context.Background(), ListQuery{Review: "maybe"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("got %v", err)
	}
}

func TestEachStreamsWithFilter(t *testing.T) {
	ctx := context.Background()
	d, ids := listFixture(t)
	day := intake.DateOf(t0)
	for _, tc := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"all, created_at order", Filter{}, []string{"a", "b", "c", "d", "f", "g"}},
		{"with voided", Filter{IncludeVoided: true}, []string{"a", "b", "c", "d", "e", "f", "g"}},
		{"one day", Filter{From: day, To: day}, []string{"a", "b", "c", "d", "f"}},
		{"to before the first day", Filter{To: intake.DateOf(t0.AddDate(0, 0, -1))}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			byID := map[string]string{}
			for k, id := range ids {
				byID[id] = k
			}
			var got []string
			err := d.Each(ctx, tc.f, func(in intake.Intake, ss []StoredScreening) error {
				got = append(got, byID[in.ID])
				want := 1
				if byID[in.ID] == "f" {
					want = 2
				}
				if len(ss) != want {
					t.Errorf("%s: %d screenings, want %d", byID[in.ID], len(ss), want)
				}
				if in.Answers.String("patient.given_name") == "" {
					t.Errorf("%s: answers not decoded", byID[in.ID])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			n, err := d.Count(ctx, tc.f)
			if err != nil || n != len(tc.want) {
				t.Errorf("Count = %d, %v; want %d", n, err, len(tc.want))
			}
		})
	}
	// Rescreened intake: oldest result first.
	d.Each(ctx, Filter{}, func(in intake.Intake, ss []StoredScreening) error {
		if in.ID == ids["f"] && (ss[0].Result.Flags[0].ID != "PAT-1" || ss[1].Result.Flags[0].ID != "RF-CES-2") {
			t.Errorf("screenings of f out of order: %+v", ss)
		}
		return nil
	})
	// An error from fn stops the iteration.
	stop := errors.New("stop")
	calls := 0
	err := d.Each(ctx, Filter{}, func(intake.Intake, []StoredScreening) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Each after error: %v, %d calls", err, calls)
	}
}

func TestEachQueryPlanStreams(t *testing.T) {
	// Flat memory: the export query walks the created_at index instead of
	// sorting all rows in a temporary B-tree.
	d := openTest(t)
	for _, f := range []Filter{{}, {From: intake.DateOf(t0), To: intake.DateOf(t0)}} {
		q, args := eachQuery(f)
		rows, err := d.read.Query(`EXPLAIN QUERY PLAN `+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		t.Logf("plan for %+v: %q", f, plan)
		for _, p := range plan {
			if containsAny(p, "TEMP B-TREE") {
				t.Errorf("export query sorts in a temporary B-tree: %q", plan)
			}
		}
	}
}
