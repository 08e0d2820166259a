package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/backintake/backintake/internal/cases"
)

// TestSlowClients: 300 TCP connections that send nothing, half a header, or
// a header and half a body neither exhaust the server nor delay /healthz or
// a submission, and the server closes every one of them after its read
// timeout, including one that drips a byte every 300 ms. The server runs
// in-process with the read timeout cut to 2 s so the test is short; the
// production limits are checked separately (all at most 30 s).
func TestSlowClients(t *testing.T) {
	const stuck = 300
	const readTimeout = 2 * time.Second
	var prod fasthttp.Server
	hooks := serveHooks{app: func(app *fiber.App) {
		prod = *app.Server()
		app.Server().ReadTimeout = readTimeout
	}}
	ctx, cancel := context.WithCancel(context.Background())
	srv := startInProcess(t, ctx, filepath.Join(t.TempDir(), "data", "intake.db"), hooks)
	defer func() { cancel(); <-srv.done }()

	if prod.ReadTimeout <= 0 || prod.ReadTimeout > 30*time.Second || prod.IdleTimeout <= 0 || prod.IdleTimeout > 30*time.Second ||
		prod.WriteTimeout <= 0 || prod.WriteTimeout > 30*time.Second {
		t.Errorf("production timeouts read %v, idle %v, write %v: want each in (0, 30 s]", prod.ReadTimeout, prod.IdleTimeout, prod.WriteTimeout)
	}
	if prod.ReadBufferSize <= 0 || prod.ReadBufferSize > 16<<10 || prod.Concurrency < 4*stuck {
		t.Errorf("production header limit %d bytes, concurrency %d: want a header limit of at most 16 KiB and room for %d connections",
			prod.ReadBufferSize, prod.Concurrency, 4*stuck)
	}
	t.Logf("production limits: read %v, write %v, idle %v, header %d KiB, %d connections",
		prod.ReadTimeout, prod.WriteTimeout, prod.IdleTimeout, prod.ReadBufferSize>>10, prod.Concurrency)

	// Nothing at all; half a header; a header and half a body.
	partial := []string{
		"",
		"GET /healthz HTTP/1.1\r\nHost: clinic\r\nX-",
		"POST /api/v1/intakes HTTP/1.1\r\nHost: clinic\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{\"answers\":{",
	}
	opened := time.Now()
	conns := make([]net.Conn, 0, stuck)
	for i := range stuck {
		c, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, partial[i%len(partial)]); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// A slowloris: one header byte every 300 ms, never finished.
	drip, err := net.Dial("tcp", srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer drip.Close()
	go func() {
		for _, b := range []byte("GET /healthz HTTP/1.1\r\nHost: clinic\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") {
			if _, err := drip.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
	}()

	// /healthz and a submission while all of them hang.
	var lat []time.Duration
	for range 20 {
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		start := time.Now()
		resp, err := client.Get("http://" + srv.addr + "/healthz")
		if err != nil {
			t.Fatalf("GET /healthz with %d stuck connections: %v", stuck, err)
		}
		resp.Body.Close()
		lat = append(lat, time.Since(start))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %d", resp.StatusCode)
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if lat[len(lat)-1] > 2*time.Second {
		t.Errorf("slowest /healthz took %v with %d stuck connections, want under 2 s", lat[len(lat)-1], stuck)
	}
	all, err := cases.Screening()
	if err != nil {
		t.Fatal(err)
	}
	if id, status, err := postCase(&http.Client{Timeout: 10 * time.Second}, "http://"+srv.addr, all[0]); err != nil || id == "" {
		t.Fatalf("submission with %d stuck connections: %d %v", stuck, status, err)
	}
	// A header over the limit is refused, not buffered.
	req, _ := http.NewRequest("GET", "http://"+srv.addr+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("b", 12<<10))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("12 KiB header: %v %v, want 431", resp, err)
	} else {
		resp.Body.Close()
	}
	t.Logf("/healthz with %d stuck connections: median %v, slowest %v (20 requests)",
		stuck, lat[len(lat)/2].Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))

	// The server closes every stuck connection after its read timeout.
	var wg sync.WaitGroup
	closedAfter := make([]time.Duration, len(conns)+1)
	for i, c := range append(conns, drip) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(opened.Add(30 * time.Second))
			io.Copy(io.Discard, c) // ends when the server closes (or the 30 s deadline)
			closedAfter[i] = time.Since(opened)
		}()
	}
	wg.Wait()
	sort.Slice(closedAfter, func(i, j int) bool { return closedAfter[i] < closedAfter[j] })
	last := closedAfter[len(closedAfter)-1]
	if last >= 30*time.Second || last > readTimeout+5*time.Second {
		t.Errorf("last stuck connection closed %v after opening, want within the %v read timeout (+5 s slack)", last, readTimeout)
	}
	t.Logf("all %d stuck connections closed by the server %v to %v after opening (read timeout %v)",
		len(closedAfter), closedAfter[0].Round(time.Millisecond), last.Round(time.Millisecond), readTimeout)
	if got := fmt.Sprint(srv.db.Ping(context.Background())); got != "<nil>" {
		t.Errorf("database after the slow clients: %s", got)
	}
}
