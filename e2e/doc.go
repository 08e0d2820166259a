// Package e2e holds backintake's real-browser end-to-end tests: Debian's
// Chromium, driven by chromedp, against the real `intake serve` binary on a
// random loopback port with a temporary SQLite database. The tests cover the
// patient questionnaire (phone and desktop, en/es/vi, keyboard only), the
// emergency advice, the staff pages, accessibility (axe-core, WCAG 2.2 AA tags)
// and measurable layout rules, and save a screenshot of every step.
//
// The package has no non-test code; run it with `go test ./e2e/`. Without
// chromium the tests skip (and fail when CI=true). Screenshots go to $E2E_SHOTS,
// or to a fresh folder under os.TempDir(); the tests print its path.
package e2e
