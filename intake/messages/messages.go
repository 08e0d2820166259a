// Package messages is the catalogue of every patient-facing text (questions,
// answer labels, help, section titles, validation messages, page text) in each
// supported language, loaded with go-i18n from the embedded locales/*.json
// files. English is the source; staff pages, the PDF and exports use it.
//
// Keys (see keys.go): section.<id>.title, item.<linkId>.text, item.<linkId>.help,
// item.<linkId>.low/.high (0-10 anchors), item.<linkId>.option.<code> or
// option.<set>.<code>, answer.yes/answer.no, error.<code>, and page keys.
package messages

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Supported lists the patient languages, default first (BCP 47 tags).
var Supported = []string{"en", "es", "vi"}

// IsSupported reports whether lang is exactly one of Supported.
func IsSupported(lang string) bool {
	for _, s := range Supported {
		if s == lang {
			return true
		}
	}
	return false
}

//go:embed locales/*.json
var locales embed.FS

var (
	bundle   *i18n.Bundle
	printers = map[string]*Printer{}
	ids      = map[string][]string{} // language → message ids defined in its files
	loadOnce sync.Once
	loadErr  error
)

func load() {
	bundle = i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	files, _ := fs.Glob(locales, "locales/*.json")
	for _, f := range files {
		data, err := locales.ReadFile(f)
		if err != nil {
			loadErr = err
			return
		}
		// File names are <part>.<lang>.json; go-i18n reads the language from the name.
		mf, err := bundle.ParseMessageFileBytes(data, path.Base(f))
		if err != nil {
			loadErr = fmt.Errorf("messages: %s: %w", f, err)
			return
		}
		for _, m := range mf.Messages {
			ids[mf.Tag.String()] = append(ids[mf.Tag.String()], m.ID)
		}
	}
	for _, l := range Supported {
		printers[l] = &Printer{lang: l, loc: i18n.NewLocalizer(bundle, l)}
	}
}

// Load parses the embedded catalogues once and returns any parse error.
func Load() error { loadOnce.Do(load); return loadErr }

// Printer looks up messages in one language.
type Printer struct {
	lang string
	loc  *i18n.Localizer
}

// For returns the Printer for lang, or English when lang is not supported.
// It panics if the embedded catalogues do not parse (a build defect caught by tests).
func For(lang string) *Printer {
	if err := Load(); err != nil {
		panic(err)
	}
	if p, ok := printers[lang]; ok {
		return p
	}
	return printers["en"]
}

// English returns the English Printer.
func English() *Printer { return For("en") }

// Lang returns the printer's language tag.
func (p *Printer) Lang() string { return p.lang }

// T returns message id filled with data (text/template fields such as
// {{.Max}}), in the printer's language, falling back to English, or "" when
// no catalogue has the id.
func (p *Printer) T(id string, data ...map[string]any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := p.loc.Localize(cfg)
	if err != nil {
		return ""
	}
	return s
}

// Has reports whether the printer's own language (not a fallback) defines id.
func (p *Printer) Has(id string) bool {
	_, tag, err := p.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id})
	return err == nil && strings.HasPrefix(tag.String(), p.lang)
}

// Keys returns every message id defined in lang's own files, in file order.
func Keys(lang string) []string {
	if err := Load(); err != nil {
		panic(err)
	}
	return append([]string(nil), ids[lang]...)
}
