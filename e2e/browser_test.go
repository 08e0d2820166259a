package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/backintake/backintake/internal/testtool"
)

// Viewports: a phone (390×844, mobile emulation) and a desktop (1280 wide).
const (
	phoneW, phoneH     = 390, 844
	desktopW, desktopH = 1280, 900
)

// tabTimeout bounds the browser steps of one test: a selector that never
// appears fails the test instead of hanging it.
const tabTimeout = 3 * time.Minute

var (
	workDir  string // temporary folder for the binary and the browser profile
	shotsDir string // screenshots of every step (printed by every test)
	shotSeq  atomic.Int64

	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc
	browserErr    error
)

func TestMain(m *testing.M) {
	var err error
	workDir, err = os.MkdirTemp("", "backintake-e2e-work-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shotsDir = os.Getenv("E2E_SHOTS")
	if shotsDir == "" {
		shotsDir = filepath.Join(os.TempDir(), "backintake-e2e-"+time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if browserCancel != nil {
		browserCancel()
	}
	os.RemoveAll(workDir)
	os.Exit(code)
}

// chromiumPath finds Debian's chromium (or another Chrome on PATH).
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser returns the one browser of this test binary, started on first use.
// Every test gets its own tab in its own browser context (own cookies).
func browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		testtool.Missing(t, "chromium not found: install the Debian package chromium (scripts/test does)")
	}
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.NoFirstRun,
			chromedp.UserDataDir(filepath.Join(workDir, "profile")),
		)
		if os.Geteuid() == 0 {
			opts = append(opts, chromedp.NoSandbox) // Chromium refuses its sandbox as root
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelCtx := chromedp.NewContext(alloc)
		browserCtx = ctx
		browserCancel = func() { cancelCtx(); cancelAlloc() }
		browserErr = chromedp.Do(ctx) // starts the browser, with no timeout
	})
	if browserErr != nil {
		t.Fatalf("start chromium: %v", browserErr)
	}
	return browserCtx
}

// tab opens a new tab in a fresh browser context with the given viewport and
// returns a context whose steps time out after tabTimeout.
func tab(t testing.TB, width, height int64, mobile bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // opens the tab, with no timeout
		t.Fatalf("open tab: %v", err)
	}
	var view chromedp.Action[chromedp.Void]
	if mobile {
		view = chromedp.EmulateViewport(width, height, chromedp.EmulateMobile)
	} else {
		view = chromedp.EmulateViewport(width, height)
	}
	tctx, tcancel := context.WithTimeout(ctx, tabTimeout)
	t.Cleanup(tcancel)
	do(t, tctx, view)
	t.Logf("screenshots: %s", shotsDir)
	return tctx
}

// do runs browser steps and fails the test on the first error.
func do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression and decodes its result into T.
func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.80q: %v", js, err)
	}
	return v
}

// navigate loads a page and returns its HTTP status.
func navigate(t testing.TB, ctx context.Context, url string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	return resp.Status
}

// clickAndWait runs a step that submits a form or follows a link (a click,
// a key press), waits for the next page to load and returns its HTTP status
// (after redirects).
func clickAndWait(t testing.TB, ctx context.Context, step chromedp.Action[chromedp.Void]) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, step)
	if err != nil {
		t.Fatalf("navigation: %v", err)
	}
	if resp == nil {
		t.Fatal("navigation: no response")
	}
	return resp.Status
}

// click is a mouse click on the first element matching a CSS selector.
func click(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }

var reShotName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// shot saves a full-page PNG of the current page as <test>-NN-<step>.png.
func shot(t testing.TB, ctx context.Context, step string) string {
	t.Helper()
	return savePNG(t, ctx, step, chromedp.FullScreenshot(100))
}

// viewShot saves what is on screen now (the viewport) as <test>-NN-<step>.png.
func viewShot(t testing.TB, ctx context.Context, step string) string {
	t.Helper()
	return savePNG(t, ctx, step, chromedp.CaptureScreenshot())
}

func savePNG(t testing.TB, ctx context.Context, step string, capture chromedp.Action[[]byte]) string {
	t.Helper()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		t.Fatalf("screenshot %s: %v", step, err)
	}
	name := fmt.Sprintf("%s-%02d-%s.png", t.Name(), shotSeq.Add(1), step) // a test's steps sort together
	path := filepath.Join(shotsDir, reShotName.ReplaceAllString(strings.ReplaceAll(name, "/", "-"), "_"))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// pageText is the visible text of the page.
func pageText(t testing.TB, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `document.body.innerText`)
}

// location is the current URL.
func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}
