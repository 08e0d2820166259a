package db

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFoldName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Nguyễn", "nguyen"},
		{norm.NFD.String("Nguyễn"), "nguyen"},
		{"Núñez", "nunez"},
		{"O’Brien", "obrien"},
		{"Kaʻiulani", "kaiulani"}, // ʻokina (U+02BB)
		{"O'Brien", "obrien"},
		{"Smith-Jones", "smithjones"},
		{"Mary Ann", "maryann"},
		{"Đặng", "dang"},
		{"Łukasz", "lukasz"},
		{"Strauß", "strauss"},
		{"Ørsted", "orsted"},
		{"Ἀθηνᾶ", "αθηνα"},
		{"शर्मा", "शर्मा"}, // Devanagari signs are letters: kept
		{"", ""},
	} {
		if got := FoldName(tc.in); got != tc.want {
			t.Errorf("FoldName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchWords(t *testing.T) {
	got := searchWords("  O’Brien   NGUYỄN - ")
	if len(got) != 2 || got[0] != "obrien" || got[1] != "nguyen" {
		t.Errorf("searchWords = %q", got)
	}
}
