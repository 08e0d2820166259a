package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/backintake/backintake/internal/cases"
)

// TestFormTokenSurvivesRestart: a patient opens the form, the server
// restarts, and the answers are still accepted with the old tokens.
func TestFormTokenSurvivesRestart(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "data", "intake.db")
	srv := startServer(t, dbPath)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.Base + "/intake")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	field := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]+)"`).FindSubmatch(page)
		if m == nil {
			t.Fatalf("no %s in the form", name)
		}
		return string(m[1])
	}
	csrf, submission := field("_csrf"), field("_submission")

	if code := srv.Stop(t); code != 0 {
		t.Fatalf("server did not exit cleanly on SIGTERM: exit status %d\n%s", code, srv.Stderr())
	}
	srv2 := startServer(t, dbPath)
	// The new server listens on another port: carry the cookie over.
	u1, _ := url.Parse(srv.Base + "/intake")
	u2, _ := url.Parse(srv2.Base + "/intake")
	jar.SetCookies(u2, jar.Cookies(u1))

	all, _ := cases.Screening()
	var c10 cases.Case
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C10") {
			c10 = c
		}
	}
	values := url.Values{"_csrf": {csrf}, "_submission": {submission}}
	for k, raw := range c10.Answers {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		switch x := v.(type) {
		case bool:
			values.Set(k, map[bool]string{true: "yes", false: "no"}[x])
		case []any:
			for _, e := range x {
				values.Add(k, fmt.Sprint(e))
			}
		default:
			values.Set(k, fmt.Sprint(x))
		}
	}
	resp, err = client.PostForm(srv2.Base+"/intake", values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("POST after a restart: %d, want 303 (the form's tokens must survive a restart)", resp.StatusCode)
	}
}
