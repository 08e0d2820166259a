package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHealthzAndHeaders(t *testing.T) {
	ts := newTestServer(t)
	resp, body := ts.do(t, httptest.NewRequest("GET", "/healthz", nil))
	if resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}
	resp, _ = ts.do(t, httptest.NewRequest("GET", "/intake", nil))
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, resp.Header.Get(h), want)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline script or style")
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	resp, _ = ts.do(t, httptest.NewRequest("GET", "/static/app.css", nil))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || resp.Header.Get("Cache-Control") == "no-store" {
		t.Fatalf("static css: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	resp, _ = ts.do(t, httptest.NewRequest("GET", "/static/../server.go", nil))
	if resp.StatusCode != 404 {
		t.Fatalf("path traversal: %d", resp.StatusCode)
	}
}

// TestBodyOverTransportLimit: a body the transport refuses unread (declared
// over 1 MiB) still gets a 413 in the right shape: JSON for the API, the form
// page for patients.
func TestBodyOverTransportLimit(t *testing.T) {
	ts := newTestServer(t)
	base := strings.TrimPrefix(ts.listen(t), "http://")
	for _, tt := range []struct{ path, ctype, want string }{
		{"/api/v1/intakes", "application/json", `"too_large"`},
		{"/intake", "application/x-www-form-urlencoded", `name="_csrf"`},
	} {
		conn, err := net.Dial("tcp", base)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", tt.path, tt.ctype, 2<<20)
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != 413 || !strings.Contains(string(b), tt.want) {
			t.Fatalf("%s: %d, want 413 with %s", tt.path, resp.StatusCode, tt.want)
		}
	}
}
