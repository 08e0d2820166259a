package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/screening"
)

// rescreenBatch is how many new screening rows one write transaction holds
// under --all: big enough to be fast, small enough that a running server's
// writer never waits long for the lock.
const rescreenBatch = 256

// runRescreen screens stored answers again with the current rules (issue 3):
//
//	intake rescreen [--force] [--guardian-age N] (--all | ID)
//
// It runs screening.Run on each intake's stored answers and submission date
// with the guardian-age setting (INTAKE_GUARDIAN_AGE) and adds a screenings
// row when the newest stored result has another rules version than
// screening.RulesVersion, or always with --force. Stored rows, the
// submission-time one above all, are never changed. --all covers voided
// intakes too, so every stored result can name the current rules. It prints how
// many intakes were rescreened and how many of those changed their flags
// (rule id, severity or kind). One audit row with action "rescreen" records
// the run: the intake id (or range "all"), the number of intakes whose answers
// were read, and the outcome.
func runRescreen(ctx context.Context, env *cliEnv, args []string) error {
	cfg, fs, err := cliFlags(env, "rescreen", settingGuardianAge)
	if err != nil {
		return err
	}
	all := fs.Bool("all", false, "rescreen every stored intake")
	force := fs.Bool("force", false, "add a result even when the newest one has the current rules version")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if err := cfg.checkClinic(); err != nil {
		return err
	}
	if *all == (len(pos) == 1) || len(pos) > 1 {
		return usagef("rescreen needs --all or exactly one intake id")
	}
	d, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()

	r := &rescreener{d: d, force: *force, settings: screening.Settings{GuardianAge: cfg.GuardianAge},
		now: time.Now().UTC()}
	// One audit row per run: the intake id, or range "all", and how many
	// intakes were read.
	entry := db.AuditEntry{Action: db.ActionRescreen}
	if *all {
		entry.Range = "all"
		err = r.all(ctx)
	} else {
		entry.IntakeID = db.AuditIntakeID(pos[0])
		err = r.one(ctx, pos[0])
	}
	entry.RowCount, entry.Outcome = int64(r.read), db.OutcomeOK
	switch {
	case !*all && errors.Is(err, db.ErrNotFound):
		entry.Outcome, err = db.OutcomeNotFound, notFound(pos[0])
	case err != nil:
		entry.Outcome = db.OutcomeError
	}
	if aerr := audit(ctx, env, d, entry); aerr != nil || err != nil {
		return errors.Join(err, aerr)
	}
	fmt.Fprintf(env.stdout, "rescreened %d of %d intakes with %s; %d changed their flags\n",
		r.added, r.read, screening.RulesVersion, r.changed)
	return nil
}

// rescreener holds one run's settings and counts.
type rescreener struct {
	d        *db.DB
	force    bool
	settings screening.Settings
	now      time.Time // computed_at of every row this run adds

	read, added, changed int
	pending              []pendingResult
}

type pendingResult struct {
	id  string
	res screening.Result
}

// one rescreens intake id. Returns an error wrapping db.ErrNotFound if there is
// no such intake.
func (r *rescreener) one(ctx context.Context, id string) error {
	in, err := r.d.Intake(ctx, id)
	if err != nil {
		return err
	}
	ss, err := r.d.Screenings(ctx, id)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	r.consider(in, ss)
	return r.flush(ctx)
}

// all rescreens every intake, voided ones included, streaming the intakes and
// committing new rows rescreenBatch at a time. The read sees one snapshot
// (WAL), so rows added during the run are not read back.
func (r *rescreener) all(ctx context.Context) error {
	err := r.d.Each(ctx, db.Filter{IncludeVoided: true}, func(in intake.Intake, ss []db.StoredScreening) error {
		r.consider(in, ss)
		if len(r.pending) >= rescreenBatch {
			return r.flush(ctx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return r.flush(ctx)
}

// consider screens one intake and queues its result when it is due.
func (r *rescreener) consider(in intake.Intake, ss []db.StoredScreening) {
	r.read++
	var newest *screening.Result
	if len(ss) > 0 {
		newest = &ss[len(ss)-1].Result
	}
	if !r.force && newest != nil && newest.RulesVersion == screening.RulesVersion {
		return
	}
	res := screening.Run(in.Answers, in.SubmissionDate, r.settings)
	if newest == nil || flagKey(*newest) != flagKey(res) {
		r.changed++
	}
	r.pending = append(r.pending, pendingResult{in.ID, res})
}

// flush stores the queued results in one write transaction.
func (r *rescreener) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	err := r.d.Update(ctx, func(tx *sql.Tx) error {
		for _, p := range r.pending {
			if err := db.AddScreening(tx, p.id, p.res, r.now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.added += len(r.pending)
	r.pending = r.pending[:0]
	return nil
}

// flagKey is what "changed its flags" compares: each flag's rule id, severity
// and kind, in the result's order (which the rules fix). Messages are left out:
// rewording one is not a clinical change.
func flagKey(res screening.Result) string {
	var b strings.Builder
	for _, f := range res.Flags {
		b.WriteString(f.ID + "/" + string(f.Severity) + "/" + string(f.Kind) + ";")
	}
	return b.String()
}
