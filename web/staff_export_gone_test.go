package web

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
	"github.com/backintake/backintake/screening"
)

// A client that hangs up in the middle of an export leaves an
// "export_finished" row with outcome "client gone" and the rows sent so far.
func TestExportClientGone(t *testing.T) {
	ts, clk := newStaffServer(t)
	var c cases.Case
	for _, x := range mustCases(t, cases.Screening) {
		if x.ID == "C02-l5-radiculopathy" {
			c = x
		}
	}
	// Enough intakes that the FHIR Bundle (~10 KB each) overflows every socket buffer.
	const n = 2000
	err := ts.db.Update(context.Background(), func(tx *sql.Tx) error {
		for i := range n {
			a := c.Valid()
			at := clk.Now().Add(-time.Duration(i) * time.Minute)
			in := intake.Intake{ID: fmt.Sprintf("gone-%05d", i), CreatedAt: at, SubmissionDate: intake.DateOf(at),
				QuestionnaireVersion: intake.Canonical, Lang: "en", Answers: a}
			res := screening.Run(a, c.Date(), screening.Settings{GuardianAge: 18})
			if _, err := db.InsertIntake(tx, db.Submission{Intake: in, Screening: res}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.addUser(t, "gone@clinic.test", db.RoleFrontDesk)
	b := ts.browser("")
	b.mustLogin(t, "gone@clinic.test")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.app.Listener(ln)
	t.Cleanup(func() { ts.app.Shutdown() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /staff/export.fhir.json HTTP/1.1\r\nHost: x\r\nCookie: %s=%s\r\n\r\n", sessionCookie, b.cookies[sessionCookie])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("export: %v %v", resp, err)
	}
	conn.(*net.TCPConn).SetLinger(0) // reset, not a graceful close
	conn.Close()

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		rows := ts.auditRows(t, db.AuditQuery{Action: db.ActionExportFinished})
		if len(rows) == 1 {
			r := rows[0]
			if r.Outcome != db.OutcomeClientGone || r.RowCount >= n || !strings.HasPrefix(r.Range, "fhir ") {
				t.Errorf("export_finished %+v: want client gone with fewer than %d rows", r, n)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no export_finished row after the client hung up")
}

type deadlineRecorder struct{ last time.Time }

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error { d.last = t; return nil }

// fasthttp sets the write deadline once per response; a long export pushes it
// forward on every write, so only a stalled client, not a big export, times out.
func TestExportPushesWriteDeadline(t *testing.T) {
	rec := &deadlineRecorder{}
	var sink strings.Builder
	cw := &connWriter{w: bufio.NewWriter(&sink), conn: rec}
	for range 3 {
		before := time.Now()
		if _, err := cw.Write([]byte("row\n")); err != nil {
			t.Fatal(err)
		}
		if rec.last.Before(before.Add(writeTimeout)) {
			t.Fatalf("deadline %v not pushed to now + %v", rec.last, writeTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cw.Flush(); err != nil || sink.String() != "row\nrow\nrow\n" {
		t.Errorf("flush: %v, %q", err, sink.String())
	}
}
