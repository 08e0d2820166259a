package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
)

// csp allows only our own files: no inline script or style, no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

var helmetHeaders = helmet.New(helmet.Config{
	ContentSecurityPolicy: csp,
	ReferrerPolicy:        "no-referrer",
	XFrameOptions:         "DENY",
	HSTSMaxAge:            31536000, // sent by helmet only when the request arrived over https
	HSTSExcludeSubdomains: false,
	PermissionPolicy:      "camera=(), microphone=(), geolocation=()",
})

// securityHeaders sets the security headers on every response and forbids
// caching of everything but static files (pages and API replies may hold PHI).
// Static handlers override Cache-Control after this runs.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	noStore(c)
	return helmetHeaders(c) // calls c.Next
}

// noStore marks a response that holds or echoes PHI as never to be cached.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
}
