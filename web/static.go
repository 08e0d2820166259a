package web

import (
	"embed"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// static serves the embedded CSS and script; they hold no PHI and may be cached.
func (s *Server) static(c *fiber.Ctx) error {
	name := path.Clean(c.Params("*"))
	data, err := staticFS.ReadFile("static/" + name)
	if err != nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Response().Header.Del(fiber.HeaderPragma)
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	return c.Send(data)
}

// healthz answers 200 when the database answers.
func (s *Server) healthz(c *fiber.Ctx) error {
	if err := s.deps.DB.Ping(c.UserContext()); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
	}
	return c.SendString("ok")
}
