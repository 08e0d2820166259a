package web

import (
	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"

	"github.com/backintake/backintake/intake/messages"
)

var langMatcher = func() language.Matcher {
	tags := make([]language.Tag, len(messages.Supported))
	for i, l := range messages.Supported {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
}()

// pickLang chooses the first page's language: ?lang= when supported, then
// Accept-Language through the x/text matcher, else English.
func pickLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); messages.IsSupported(l) {
		return l
	}
	if accept := c.Get(fiber.HeaderAcceptLanguage); accept != "" {
		tags, _, err := language.ParseAcceptLanguage(accept)
		if err == nil && len(tags) > 0 {
			_, i, conf := langMatcher.Match(tags...)
			if conf > language.No {
				return messages.Supported[i]
			}
		}
	}
	return messages.Supported[0]
}

// languageButtons lists every language with its own name.
func languageButtons(current string) []langButton {
	out := make([]langButton, len(messages.Supported))
	for i, l := range messages.Supported {
		out[i] = langButton{Code: l, Name: messages.For(l).T("page.lang_name"), Current: l == current}
	}
	return out
}
