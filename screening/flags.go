package screening

import (
	"slices"
	"strings"
)

// flagList collects fired rules in the order they are evaluated; sortFlags
// puts them in the spec's order afterwards.
type flagList []Flag

// add records a fired rule. Each call gets its own source slice, so results never share memory.
func (l *flagList) add(id string, sev Severity, cat Category, msg string, source ...string) {
	*l = append(*l, Flag{ID: id, Severity: sev, Category: cat, Message: msg, Source: source})
}

// needling records a dry-needling flag; every needling flag is a caution (spec §3).
func (l *flagList) needling(id string, kind Kind, msg string, source ...string) {
	*l = append(*l, Flag{ID: id, Severity: SeverityCaution, Category: CategoryNeedling, Kind: kind, Message: msg, Source: source})
}

// sortFlags orders flags by severity rank, then id compared byte-wise.
func sortFlags(fs []Flag) {
	slices.SortFunc(fs, func(x, y Flag) int {
		if rx, ry := x.Severity.Rank(), y.Severity.Rank(); rx != ry {
			return rx - ry
		}
		return strings.Compare(x.ID, y.ID)
	})
}

// list joins phrases for a message: "a", "a and b", "a, b and c".
func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// capitalise upper-cases the first letter of an ASCII phrase.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
