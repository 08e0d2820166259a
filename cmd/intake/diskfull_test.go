package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/backintake/backintake/db"
	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/internal/cases"
)

// The disk-full tests drive the real HTTP path while the database cannot
// grow. Every reply is a 2xx whose intake is stored whole, or a 503 with
// Retry-After (the patient form re-rendered with every answer); no intake is
// half-stored; once space returns the same process stores again.

// TestDiskFullMaxPageCount runs everywhere: the server runs in-process and
// the writer's connection gets PRAGMA max_page_count at the file's current
// size (through Writer.Do), so inserts fail with SQLITE_FULL as on a full disk.
func TestDiskFullMaxPageCount(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := startInProcess(t, ctx, dbPath, serveHooks{})
	defer func() { cancel(); <-srv.done }()
	f := newFaultClient(t, "http://"+srv.addr)
	f.mustStore(t) // the database works before the fault

	setMaxPages(t, srv.writer, true)
	f.untilFull(t, 60)
	f.formKeepsAnswers(t)

	setMaxPages(t, srv.writer, false)
	f.mustStore(t)
	f.formStores(t)
	f.check(t, dbPath)
}

// TestDiskFullTmpfs fills a real file system: the real binary runs on a 4 MB
// tmpfs, a filler file takes every free block, and SQLite's writes fail with
// ENOSPC. Mounting needs root (CI runs as root and fails without it);
// elsewhere the test skips and TestDiskFullMaxPageCount still covers the
// behaviour.
func TestDiskFullTmpfs(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m,mode=0700"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot mount a tmpfs: %v (CI runs as root)", err)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	dbPath := filepath.Join(dir, "data", "intake.db")
	srv := startServer(t, dbPath, "INTAKE_PATIENT_RATE=100000/min")
	f := newFaultClient(t, srv.Base)
	f.mustStore(t)

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	f.untilFull(t, 400)
	f.formKeepsAnswers(t)
	if resp, err := http.Get(srv.Base + "/healthz"); err == nil {
		t.Logf("GET /healthz on a full disk: %d", resp.StatusCode)
		resp.Body.Close()
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	f.mustStore(t)
	f.formStores(t)
	if code := srv.Stop(t); code != 0 {
		t.Fatalf("exit status %d after SIGTERM\n%s", code, srv.Stderr())
	}
	f.check(t, dbPath)
}

// fill writes path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := file.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// setMaxPages limits the writer connection's file to its current size, or lifts the limit.
func setMaxPages(t *testing.T, w *db.Writer, limit bool) {
	t.Helper()
	err := w.Do(context.Background(), func(tx *sql.Tx) error {
		n := 1 << 30
		if limit {
			if err := tx.QueryRow(`PRAGMA page_count`).Scan(&n); err != nil {
				return err
			}
		}
		_, err := tx.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, n))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// faultClient submits intakes and remembers what was acknowledged.
type faultClient struct {
	base   string
	client *http.Client
	c      cases.Case
	seq    int
	acked  []string // ids from 201s
	forms  int      // 303s from the form
	full   int      // 503s seen
}

func newFaultClient(t *testing.T, base string) *faultClient {
	t.Helper()
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	return &faultClient{base: base, c: all[0], client: &http.Client{
		Timeout: 30 * time.Second, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// answers is the case with a fresh 3,000-character note, so that every
// intake needs new pages.
func (f *faultClient) answers() map[string]json.RawMessage {
	f.seq++
	a := map[string]json.RawMessage{}
	for k, v := range f.c.Answers {
		a[k] = v
	}
	note, _ := json.Marshal(fmt.Sprintf("note %d %s", f.seq, strings.Repeat("lorem ipsum ", 250)))
	a["notes.text"] = note
	return a
}

// post sends one API submission and checks the reply is a 201 or a proper 503.
func (f *faultClient) post(t *testing.T) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"lang": "en", "answers": f.answers()})
	resp, err := f.client.Post(f.base+"/api/v1/intakes", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusCreated:
		var out struct{ ID string }
		if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
			t.Fatalf("201 without an id: %s", b)
		}
		f.acked = append(f.acked, out.ID)
	case http.StatusServiceUnavailable:
		f.full++
		var out struct{ Errors []struct{ Code string } }
		if resp.Header.Get("Retry-After") == "" || json.Unmarshal(b, &out) != nil || len(out.Errors) != 1 || out.Errors[0].Code != "unavailable" {
			t.Fatalf("503 without Retry-After or the unavailable code: %v %s", resp.Header, b)
		}
	default:
		t.Fatalf("API reply %d on a full disk: %s", resp.StatusCode, b)
	}
	return resp.StatusCode
}

func (f *faultClient) mustStore(t *testing.T) {
	t.Helper()
	if status := f.post(t); status != http.StatusCreated {
		t.Fatalf("API submission: %d, want 201", status)
	}
}

// untilFull submits until three 503s in a row, at most max times.
func (f *faultClient) untilFull(t *testing.T, max int) {
	t.Helper()
	before := len(f.acked)
	inRow := 0
	for i := 0; i < max && inRow < 3; i++ {
		if f.post(t) == http.StatusServiceUnavailable {
			inRow++
		} else {
			inRow = 0
		}
	}
	if inRow < 3 {
		t.Fatalf("no three 503s in a row after %d submissions: the database never filled", max)
	}
	t.Logf("%d more intakes stored before the disk was full, then 503 with Retry-After", len(f.acked)-before)
}

// formPage GETs /intake and returns the values the page would submit.
func (f *faultClient) formPage(t *testing.T) url.Values {
	t.Helper()
	resp, err := f.client.Get(f.base + "/intake")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /intake: %d", resp.StatusCode)
	}
	return pageValues(t, string(b))
}

// postForm posts the case's answers with the page's tokens.
func (f *faultClient) postForm(t *testing.T) (sent url.Values, resp *http.Response, body string) {
	t.Helper()
	page := f.formPage(t)
	sent = url.Values{}
	for k, raw := range f.answers() {
		var x any
		if err := json.Unmarshal(raw, &x); err != nil {
			t.Fatal(err)
		}
		switch y := x.(type) {
		case bool:
			sent.Set(k, map[bool]string{true: "yes", false: "no"}[y])
		case []any:
			for _, e := range y {
				sent.Add(k, fmt.Sprint(e))
			}
		default:
			sent.Set(k, fmt.Sprint(y))
		}
	}
	post := url.Values{}
	for k, v := range sent {
		post[k] = v
	}
	for _, k := range []string{"_csrf", "_submission", "_current_lang"} {
		post.Set(k, page.Get(k))
	}
	resp, err := f.client.PostForm(f.base+"/intake", post)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return sent, resp, string(b)
}

// formKeepsAnswers: on a full disk the form comes back as a 503 with
// Retry-After, and submitting the re-rendered page as it stands gives the
// same answers as the patient sent.
func (f *faultClient) formKeepsAnswers(t *testing.T) {
	t.Helper()
	sent, resp, body := f.postForm(t)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("form on a full disk: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	f.full++
	ctx := intake.Context{SubmissionDate: f.c.Date(), GuardianAge: 18}
	want, errs := intake.V1.Validate(intake.V1.FromForm(sent), ctx)
	if errs != nil {
		t.Fatalf("the posted answers are invalid: %v", errs)
	}
	shown := pageValues(t, body)
	got, errs := intake.V1.Validate(intake.V1.FromForm(shown), ctx)
	if errs != nil {
		t.Fatalf("the re-rendered form lost answers: %v", errs)
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("re-rendered form: %s differs", k)
			}
		}
		t.Fatal("the re-rendered form does not hold every answer")
	}
	if shown.Get("_csrf") == "" || shown.Get("_submission") == "" {
		t.Error("the re-rendered form has no fresh tokens")
	}
}

// formStores: the form is stored (303 to a receipt).
func (f *faultClient) formStores(t *testing.T) {
	t.Helper()
	_, resp, _ := f.postForm(t)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/intake/done/") {
		t.Fatalf("form after space returned: %d %s, want 303 to a receipt", resp.StatusCode, resp.Header.Get("Location"))
	}
	f.forms++
}

// check opens the database after the test: every acknowledged intake is
// stored, the stored intakes are exactly the acknowledged ones (API and
// form), each has its screening row and its receipt and nothing else, and
// integrity_check passes.
func (f *faultClient) check(t *testing.T, dbPath string) {
	t.Helper()
	checkStored(t, dbPath, f.acked)
	c, err := sql.Open("sqlite3", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var intakes, screenings, receipts, orphans int
	err = c.QueryRow(`SELECT (SELECT count(*) FROM intakes), (SELECT count(*) FROM screenings),
		(SELECT count(*) FROM receipts),
		(SELECT count(*) FROM intakes i WHERE NOT EXISTS (SELECT 1 FROM screenings s WHERE s.intake_id = i.id))`).
		Scan(&intakes, &screenings, &receipts, &orphans)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(f.acked) + f.forms; intakes != want || screenings != want || receipts != want || orphans != 0 {
		t.Errorf("stored %d intakes, %d screenings, %d receipts (%d intakes without screening); want %d of each: "+
			"a failed submission left rows or an acknowledged one is missing", intakes, screenings, receipts, orphans, want)
	}
	t.Logf("%d intakes acknowledged and stored, %d replies were 503", intakes, f.full)
}

// pageValues returns what the first form on an HTML page would submit as it
// stands: text inputs, checked radios and boxes, selected options,
// textareas, hidden fields (buttons are left out).
func pageValues(t *testing.T, page string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch {
			case !named:
			case n.Data == "input":
				typ, _ := attr(n, "type")
				val, _ := attr(n, "value")
				_, checked := attr(n, "checked")
				switch typ {
				case "radio", "checkbox":
					if checked {
						v.Add(name, val)
					}
				case "submit", "button":
				default:
					v.Add(name, val)
				}
			case n.Data == "textarea":
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				v.Add(name, strings.TrimPrefix(text, "\n"))
			case n.Data == "select":
				for o := n.FirstChild; o != nil; o = o.NextSibling {
					if _, sel := attr(o, "selected"); o.Type == html.ElementNode && sel {
						val, _ := attr(o, "value")
						v.Add(name, val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return v
}
