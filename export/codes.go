package export

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/backintake/backintake/intake"
	"github.com/backintake/backintake/intake/messages"
)

// DefaultBase is the canonical base URL used when none is configured
// (setting INTAKE_FHIR_BASE). The .invalid top-level domain (RFC 2606) can
// never resolve, so a receiving system sees at once that the clinic has not set
// its own base; canonical URLs need not resolve, so the export stays valid.
const DefaultBase = "https://backintake.invalid/fhir"

// normaliseBase checks that base is an absolute http(s) URL with no query or
// fragment and returns it without a trailing "/"; "" gives DefaultBase.
func normaliseBase(base string) (string, error) {
	if base == "" {
		return DefaultBase, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("export: FHIR base %q is not an absolute http(s) URL without query or fragment", base)
	}
	return strings.TrimRight(base, "/"), nil
}

// codeSystem is the URL of our code system for a choice or multi item's codes:
// <base>/CodeSystem/<linkId>, except the body-chart regions, which
// pain.regions and numbness.regions share as <base>/CodeSystem/body-region.
func codeSystem(base string, it *intake.Item) string {
	if it.OptionSet == "region" {
		return base + "/CodeSystem/body-region"
	}
	return base + "/CodeSystem/" + it.LinkID
}

// english returns the English catalogue text for key, or fallback when the
// catalogue has none. Lookups are cached: the catalogue is embedded and never
// changes while the program runs, and go-i18n's Localize is slow per call.
func english(key, fallback string) string {
	englishMu.Lock()
	defer englishMu.Unlock()
	s, ok := englishCache[key]
	if !ok {
		s = messages.English().T(key)
		englishCache[key] = s
	}
	if s == "" {
		return fallback
	}
	return s
}

var (
	englishMu    sync.Mutex
	englishCache = map[string]string{}
)

// optionDisplay is the English label of an option code, or the code itself.
func optionDisplay(it *intake.Item, code string) string {
	return english(messages.Option(it, code), code)
}

// resourceID derives a FHIR resource id from an intake id: prefix + "-" + id
// when that fits FHIR's id rule ([A-Za-z0-9-.]{1,64}), else prefix + "-" + the
// first 128 bits of the id's SHA-256 in hex. Either way the same intake always
// gets the same id, and the intake id itself travels in an identifier.
func resourceID(prefix, intakeID string) string {
	id := prefix + "-" + intakeID
	if len(id) <= 64 && isFHIRIDChars(intakeID) && intakeID != "" {
		return id
	}
	sum := sha256.Sum256([]byte(intakeID))
	return prefix + "-" + hex.EncodeToString(sum[:16])
}

func isFHIRIDChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// CheckBase reports whether base is usable as the canonical base URL (an
// absolute http(s) URL without query or fragment; "" means DefaultBase), so
// that a bad setting is refused at start-up rather than on the first export.
func CheckBase(base string) error {
	_, err := normaliseBase(base)
	return err
}
