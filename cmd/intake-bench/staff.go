package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/backintake/backintake/internal/cases"
)

var (
	csrfInput   = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	staticLinks = regexp.MustCompile(`(?:href|src)="/static/([^"?#]+)`)
)

// staffPage stores case C04 through the running server's API, signs in as a
// new therapist (created with `intake user add`) and saves the staff detail
// page of that intake, with the stylesheets and images it links under
// /static/, as dir/staff-intake.html for Chromium to print. It is the same
// intake pdf.BenchmarkRender and intake-bench-pdf render.
func staffPage(ctx context.Context, o options, srv *server, dbPath, dir string) (string, error) {
	c, err := caseC04()
	if err != nil {
		return "", err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(srv.base+"/api/v1/intakes", "application/json", bytes.NewReader(c.Body()))
	if err != nil {
		return "", err
	}
	var created struct{ ID string }
	err = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || err != nil || created.ID == "" {
		return "", fmt.Errorf("POST case %s: %s", c.ID, resp.Status)
	}

	var pw [16]byte
	rand.Read(pw[:])
	password := hex.EncodeToString(pw[:])
	email := "bench-" + password[:8] + "@example.org"
	cmd := exec.CommandContext(ctx, filepath.Join(o.bin, "intake"), "user", "add", "--email", email, "--role", "therapist", "--password-stdin")
	cmd.Env = append(os.Environ(), "INTAKE_DB="+dbPath)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("intake user add: %v: %s", err, strings.TrimSpace(string(out)))
	}

	jar, _ := cookiejar.New(nil)
	client.Jar = jar
	login, err := get(client, srv.base+"/staff/login")
	if err != nil {
		return "", err
	}
	m := csrfInput.FindSubmatch(login)
	if m == nil {
		return "", errors.New("staff login page has no _csrf field")
	}
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}}
	resp, err = client.PostForm(srv.base+"/staff/login", form)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/staff/login" {
		return "", fmt.Errorf("staff sign-in: %s at %s", resp.Status, resp.Request.URL.Path)
	}
	page, err := get(client, srv.base+"/staff/intakes/"+created.ID)
	if err != nil {
		return "", err
	}
	var family string
	_ = json.Unmarshal(c.Answers["patient.family_name"], &family)
	if family == "" || !bytes.Contains(page, []byte(html.EscapeString(family))) {
		return "", errors.New("staff detail page does not show the patient's name")
	}

	// Save what the page links under /static/ beside it and link it relatively.
	for _, m := range staticLinks.FindAllSubmatch(page, -1) {
		name := filepath.Clean(string(m[1]))
		if strings.HasPrefix(name, "..") {
			continue
		}
		body, err := get(client, srv.base+"/static/"+name)
		if err != nil {
			return "", err
		}
		p := filepath.Join(dir, "static", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, body, 0o600); err != nil {
			return "", err
		}
	}
	page = bytes.ReplaceAll(page, []byte(`="/static/`), []byte(`="static/`))
	out := filepath.Join(dir, "staff-intake.html")
	return out, os.WriteFile(out, page, 0o600)
}

func get(client *http.Client, u string) ([]byte, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", strings.TrimPrefix(u, "http://"), resp.Status)
	}
	return b, err
}

func caseC04() (cases.Case, error) {
	all, err := cases.Screening()
	if err != nil {
		return cases.Case{}, err
	}
	for _, c := range all {
		if strings.HasPrefix(c.ID, "C04") {
			return c, nil
		}
	}
	return cases.Case{}, errors.New("case C04 not found in testdata/cases")
}
