package db

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FoldName folds one name or search word for accent- and case-insensitive
// matching: lower case; diacritics on Latin, Greek and Cyrillic letters removed
// (NFD, then combining marks dropped: "Nguyễn" → "nguyen", "Núñez" → "nunez");
// letters with no decomposition mapped (đ→d, ø→o, ł→l, ß→ss, æ→ae, œ→oe, ı→i);
// apostrophes, hyphens, dots and spaces removed ("O’Brien" → "obrien"). Marks
// of other scripts (Devanagari vowel signs) are kept, since they are letters
// there. The result is NFC.
func FoldName(s string) string {
	var b strings.Builder
	var base rune // last non-mark rune written
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			if unicode.In(base, unicode.Latin, unicode.Greek, unicode.Cyrillic) {
				continue
			}
			b.WriteRune(r)
			continue
		}
		base = r
		if unicode.IsSpace(r) {
			continue
		}
		switch r {
		case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', '-', '‐', '‑', '–', '—', '.':
			continue
		}
		if m, ok := foldSpecial[unicode.ToLower(r)]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

// foldSpecial maps Latin letters that NFD does not split into base + mark.
var foldSpecial = map[rune]string{
	'đ': "d", 'ø': "o", 'ł': "l", 'ß': "ss", 'æ': "ae", 'œ': "oe", 'ı': "i", 'ħ': "h", 'þ': "th",
}

// NameKey is the stored search key of a patient: the folded given and family
// names joined by one space, so that a search word can match inside either.
func NameKey(given, family string) string {
	return FoldName(given) + " " + FoldName(family)
}

// searchWords folds a staff search query into words; each must occur in the
// name key. Words are split on spaces only, so "o'brien" and "O’ Brien" both
// become one word "obrien" or two words that both match.
func searchWords(q string) []string {
	var out []string
	for _, w := range strings.Fields(q) {
		if f := FoldName(w); f != "" {
			out = append(out, f)
		}
	}
	return out
}
