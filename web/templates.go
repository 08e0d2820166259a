package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates/*.html
var templateFS embed.FS

// page is the data every page's layout needs.
type page struct {
	Lang       string
	Title      string
	ClinicName string
	SkipText   string
	Script     string // static script file name, or ""
}

// messagePage is a simple page: a heading and paragraphs.
type messagePage struct {
	page
	Paragraphs []string
}

// donePage is the patient's confirmation page.
type donePage struct {
	messagePage
	Emergency                     bool
	EmergencyTitle, EmergencyText string
	// Tap-to-call links under the emergency advice; empty when not configured.
	CallEmergency, CallClinic string
	EmergencyTel, ClinicTel   template.URL // tel: links, built from digits only
}

// parseTemplates parses each page with the layout into its own set, so that
// every page can define "content" without colliding.
func parseTemplates() (map[string]*template.Template, error) {
	sets := map[string]*template.Template{}
	for _, name := range []string{"form", "done", "message"} {
		t, err := template.New(name).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		sets[name] = t
	}
	return sets, nil
}

// render executes a page into a buffer first, so a template failure becomes
// a clean error page rather than half a response.
func (s *Server) render(c *fiber.Ctx, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}
