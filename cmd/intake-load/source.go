package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/gen"
	"github.com/backintake/backintake/internal/ledger"
)

// item is one generated intake, ready to send.
type item struct {
	body []byte // api: the JSON request; form: the answers form-encoded, without tokens
	hash string // ledger.AnswersSHA256 of the answers the server will store
}

var langs = []string{"en", "es", "vi"}

// source generates items from one seeded random stream.
type source struct {
	cfg config
	r   *rand.Rand
}

func newSource(cfg config) *source {
	return &source{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, 0x1a7a4e))}
}

// next generates one intake for today's date in the clinic's time zone and
// validates it as the server will, to know the normalised answers it stores.
func (s *source) next(now time.Time) (item, error) {
	on := intake.DateIn(now, s.cfg.Location)
	raw := gen.Clinic(s.r, intake.V1, on)
	lang := s.cfg.Lang
	if lang == "mix" {
		lang = langs[s.r.IntN(len(langs))]
	}
	answers, errs := intake.V1.Validate(raw, intake.Context{SubmissionDate: on, GuardianAge: s.cfg.GuardianAge})
	if errs != nil {
		// A bug in internal/gen, not in the server: stop rather than send it.
		return item{}, fmt.Errorf("generated answers do not validate: %w", errs)
	}
	hash, err := ledger.AnswersSHA256(answers)
	if err != nil {
		return item{}, err
	}
	var body []byte
	if s.cfg.Mode == "form" {
		body = []byte(formValues(raw, lang).Encode())
	} else {
		body, err = json.Marshal(struct {
			Lang    string     `json:"lang"`
			Answers intake.Raw `json:"answers"`
		}{lang, raw})
		if err != nil {
			return item{}, err
		}
	}
	return item{body: body, hash: hash}, nil
}

// formValues encodes raw answers as the HTML form posts them (design "Patient
// pages"): bool as yes/no, int as digits, a date as YYYY-MM-DD, a multi item
// once per checked box; _current_lang keeps the page language.
func formValues(raw intake.Raw, lang string) url.Values {
	v := url.Values{"_current_lang": {lang}}
	for id, a := range raw {
		switch a := a.(type) {
		case bool:
			if a {
				v.Set(id, "yes")
			} else {
				v.Set(id, "no")
			}
		case []any:
			for _, c := range a {
				v.Add(id, fmt.Sprint(c))
			}
		default: // json.Number, string
			v.Set(id, fmt.Sprint(a))
		}
	}
	return v
}

// produce sends items to out until count items were sent (count > 0) or ctx
// ends, then closes out. With pool > 0 it first generates pool intakes and
// then sends them in turn; otherwise every item is generated afresh. It
// closes ready once the first min(count, cap(out)) items are queued, so an
// attack can start with a full buffer and generation stays off the first
// requests' latency.
func (s *source) produce(ctx context.Context, count, pool int, out chan<- item, ready chan<- struct{}, errc chan<- error) {
	defer close(out)
	items := make([]item, pool)
	for i := range items {
		var err error
		if items[i], err = s.next(time.Now()); err != nil {
			errc <- err
			return
		}
	}
	readyAt := cap(out)
	if count > 0 {
		readyAt = min(readyAt, count)
	}
	for n := 0; count == 0 || n < count; n++ {
		if n == readyAt {
			close(ready)
		}
		var it item
		if pool > 0 {
			it = items[n%pool]
		} else {
			var err error
			if it, err = s.next(time.Now()); err != nil {
				errc <- err
				return
			}
		}
		select {
		case out <- it:
		case <-ctx.Done():
			return
		}
	}
	if count > 0 && count == readyAt {
		close(ready)
	}
}
