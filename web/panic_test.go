package web

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPanicGivesGeneric500 registers test-only routes that panic with values
// holding a (fake) patient's name: the reply is the generic 500 page (or
// JSON error for /api/) with a reference that matches the log line's
// request_id, neither the reply nor the log holds the name, and the next
// request is served normally.
func TestPanicGivesGeneric500(t *testing.T) {
	const name = "Zebulon Quixwell-Panictest"
	logs := &syncBuffer{}
	ts := newTestServer(t, func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	ts.app.Post("/test/panic-string", func(*fiber.Ctx) error { panic("cannot render intake for " + name) })
	ts.app.Post("/test/panic-error", func(*fiber.Ctx) error { panic(fmt.Errorf("patient %s: %w", name, errors.New("boom"))) })
	ts.app.Post("/api/v1/test-panic", func(*fiber.Ctx) error { panic(struct{ Given string }{name}) })

	reRef := regexp.MustCompile(`Reference: ([0-9A-Za-z_-]{10})|reference ([0-9A-Za-z_-]{10})`)
	for _, path := range []string{"/test/panic-string", "/test/panic-error", "/api/v1/test-panic"} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest("POST", path, strings.NewReader("patient.given_name="+name))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, body := ts.do(t, req)
			if resp.StatusCode != fiber.StatusInternalServerError {
				t.Fatalf("status %d, want 500", resp.StatusCode)
			}
			if strings.Contains(body, "Zebulon") || strings.Contains(body, "boom") || strings.Contains(body, "panic") {
				t.Errorf("the 500 reply shows the panic value:\n%s", body)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", resp.Header.Get("Cache-Control"))
			}
			m := reRef.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no reference in the 500 reply:\n%s", body)
			}
			ref := m[1] + m[2]
			if api := strings.HasPrefix(path, "/api/"); api != strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q for %s", resp.Header.Get("Content-Type"), path)
			}
			if !strings.Contains(logs.String(), `"request_id":"`+ref+`"`) {
				t.Errorf("no log line with request_id %s:\n%s", ref, logs.String())
			}
		})
	}
	if strings.Contains(logs.String(), "Zebulon") || strings.Contains(logs.String(), "Quixwell") {
		t.Errorf("the log holds the patient's name:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "panic recovered") {
		t.Errorf("the log does not say a panic was recovered:\n%s", logs.String())
	}

	// The process is still up and serving.
	resp, body := ts.do(t, httptest.NewRequest("GET", "/healthz", nil))
	if resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("GET /healthz after the panics: %d %q", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, httptest.NewRequest("GET", "/intake", nil)); resp.StatusCode != 200 {
		t.Fatalf("GET /intake after the panics: %d", resp.StatusCode)
	}
}
