package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/screening"
)

// buildBatch is how many intakes one write transaction stores: one fsync
// per batch instead of per row.
const buildBatch = 5000

// benchSpan is the submission period the generated intakes cover, in the
// clinic's time zone: two years, so date-range exports have data on both sides.
var (
	benchStart = time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	benchSpan  = 2 * 365 * 24 * time.Hour
)

// buildDB stores n synthetic intakes in the database at path (created if
// needed; it must hold no intakes yet). Intake i is submitted at an evenly
// spaced instant of benchSpan, its answers come from gen.Clinic (a clinic-like
// mix; gen.Answers' uniform answers fire about 18 flags per intake) with seed
// (seed, i) validated by intake.V1, and its first screening row is
// screening.Run's result, stored with db.InsertIntake in transactions of
// buildBatch intakes. Everything is synthetic: no real patient data.
func buildDB(ctx context.Context, path string, n int, seed uint64, loc *time.Location, progress func(done int)) error {
	d, err := db.Open(ctx, path)
	if err != nil {
		return err
	}
	defer d.Close()
	if have, err := d.Count(ctx, db.Filter{IncludeVoided: true}); err != nil {
		return err
	} else if have != 0 {
		return fmt.Errorf("%s already holds %d intakes", path, have)
	}
	settings := screening.Settings{GuardianAge: screening.DefaultGuardianAge}
	step := benchSpan / time.Duration(n)
	batch := make([]db.Submission, 0, buildBatch)
	flush := func() error {
		err := d.Update(ctx, func(tx *sql.Tx) error {
			for _, s := range batch {
				if _, err := db.InsertIntake(tx, s); err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	for i := range n {
		created := benchStart.Add(time.Duration(i) * step).UTC()
		on := intake.DateIn(created, loc)
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		answers, errs := intake.V1.Validate(gen.Clinic(r, intake.V1, on),
			intake.Context{SubmissionDate: on, GuardianAge: settings.GuardianAge})
		if errs != nil {
			return fmt.Errorf("generated intake %d does not validate: %v", i, errs)
		}
		in := intake.Intake{ID: benchID(seed, i), CreatedAt: created, SubmissionDate: on,
			QuestionnaireVersion: intake.Canonical, Lang: []string{"en", "es", "vi"}[r.IntN(3)], Answers: answers}
		batch = append(batch, db.Submission{Intake: in, Screening: screening.Run(answers, on, settings)})
		if len(batch) == buildBatch {
			if err := flush(); err != nil {
				return err
			}
			if progress != nil {
				progress(i + 1)
			}
		}
	}
	if len(batch) > 0 {
		return flush()
	}
	return nil
}

// benchID has the form of the server's random ids (16 bytes as 26 lower-case
// base32 characters), derived from the seed so that a rebuild gives the same ids.
func benchID(seed uint64, i int) string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(i))
	sum := sha256.Sum256(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16]))
}
