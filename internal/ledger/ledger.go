// Package ledger records the intakes a client saw acknowledged and checks them
// against the database afterwards. The load generator (cmd/intake-load) writes
// one; crash and load tests read it back and call Verify to prove that every
// 2xx is stored with exactly the answers that were sent.
//
// # File format
//
// JSON Lines (UTF-8, one object per line, "\n" after each), one line per
// acknowledged intake, in the order the acknowledgements arrived:
//
//		{"id":"<intake id>","answers_sha256":"<64 lower-case hex>","at":"2026-11-02T17:30:00.123456789Z"}
//		{"receipt":"<receipt token>","answers_sha256":"<64 lower-case hex>","at":"2026-11-02T17:30:00.2Z"}
//
//	  - id: the intake id of a 201 reply to POST /api/v1/intakes.
//	  - receipt: the token of a 303 reply to POST /intake (Location
//	    /intake/done/<receipt>); the HTML form never shows the intake id.
//	    Exactly one of id and receipt is set.
//	  - answers_sha256: SHA-256 of the answers JSON as the server stores it:
//	    the normalised answers intake.V1.Validate returns for what was sent,
//	    encoded by encoding/json (keys sorted) without HTML escaping and without
//	    a trailing newline, as db.InsertIntake writes them. See AnswersSHA256.
//	  - at: when the acknowledgement arrived, UTC, RFC 3339 with nanoseconds.
//
// A ledger holds ids, receipt tokens and hashes, never answers or names.
package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/backintake/backintake/intake"
)

// Entry is one acknowledged intake (one line of a ledger file).
type Entry struct {
	ID            string    `json:"id,omitempty"`      // intake id (JSON API)
	Receipt       string    `json:"receipt,omitempty"` // receipt token (HTML form)
	AnswersSHA256 string    `json:"answers_sha256"`    // 64 lower-case hex digits
	At            time.Time `json:"at"`                // acknowledgement time, UTC
}

// key names the entry in reports: its id, or "receipt:<token>". Neither is PHI.
func (e Entry) key() string {
	if e.ID != "" {
		return e.ID
	}
	return "receipt:" + e.Receipt
}

// check returns an error if e is not a well-formed ledger entry.
func (e Entry) check() error {
	if (e.ID == "") == (e.Receipt == "") {
		return fmt.Errorf("exactly one of id and receipt must be set")
	}
	if b, err := hex.DecodeString(e.AnswersSHA256); err != nil || len(b) != sha256.Size || e.AnswersSHA256 != hex.EncodeToString(b) {
		return fmt.Errorf("answers_sha256 must be 64 lower-case hex digits")
	}
	if e.At.IsZero() {
		return fmt.Errorf("at is missing")
	}
	return nil
}

// AnswersSHA256 returns the lower-case hex SHA-256 of a's JSON encoding as the
// server stores it (sorted keys, no HTML escaping, no trailing newline). a
// must be normalised answers (from intake.V1.Validate or read from the
// database). It returns an error only if a holds a value JSON cannot encode.
func AnswersSHA256(a intake.Answers) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return "", fmt.Errorf("ledger: encode answers: %w", err)
	}
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return hex.EncodeToString(sum[:]), nil
}
