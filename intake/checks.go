package intake

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/go-playground/validator/v10"
)

// One validator for the process: it caches parsed tags and is safe for concurrent use.
var validate = newValidator()

// tagCodes maps each validator tag we generate to the spec's error code.
var tagCodes = map[string]Code{
	"gte": CodeRange, "lte": CodeRange,
	"max":        CodeTooLong,
	"singleline": CodeFormat, "multiline": CodeFormat,
	"personname": CodeFormat, "phone": CodeFormat,
	"email": CodeFormat, "datetime": CodeFormat,
}

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	for tag, fn := range map[string]func(string) bool{
		"singleline": func(s string) bool { return !strings.ContainsFunc(s, unicode.IsControl) },
		"multiline":  func(s string) bool { return !strings.ContainsFunc(s, isTextControl) },
		"personname": isPersonName,
		"phone":      isPhone,
	} {
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool { return fn(fl.Field().String()) }); err != nil {
			panic(err)
		}
	}
	return v
}

// tags builds the validator tag for an item's per-item checks, in the spec's
// order: range, then length, then content format.
func tags(it *Item) string {
	var t []string
	switch it.Type {
	case TypeInt:
		t = append(t, "gte="+strconv.Itoa(it.Min), "lte="+strconv.Itoa(it.Max))
	case TypeString:
		t = append(t, "max="+strconv.Itoa(it.MaxLen), "singleline")
		switch it.Format {
		case FormatName:
			t = append(t, "personname")
		case FormatPhone:
			t = append(t, "phone")
		case FormatEmail:
			t = append(t, "email")
		}
	case TypeText:
		t = append(t, "max="+strconv.Itoa(it.MaxLen), "multiline")
	case TypeDate:
		t = append(t, "datetime=2006-01-02")
	}
	return strings.Join(t, ",")
}

var itemTags = func() map[string]string {
	m := map[string]string{}
	for _, it := range V1.Items() {
		m[it.LinkID] = tags(it)
	}
	return m
}()

// checkVar runs the item's generated validator tags on a normalised value and
// returns the spec code of the first failing tag, or "".
func checkVar(it *Item, v any) Code {
	tag, ok := itemTags[it.LinkID]
	if !ok {
		tag = tags(it)
	}
	if tag == "" {
		return ""
	}
	err := validate.Var(v, tag)
	if err == nil {
		return ""
	}
	if ve, ok := err.(validator.ValidationErrors); ok && len(ve) > 0 {
		if c, ok := tagCodes[ve[0].Tag()]; ok {
			return c
		}
	}
	return CodeFormat
}

// isTextControl reports control characters other than line feed and tab.
func isTextControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }

// isPersonName: letters, combining marks, spaces, ' ’ - . and at least one letter.
func isPersonName(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.Is(unicode.M, r), r == ' ', r == '\'', r == '’', r == '-', r == '.':
		default:
			return false
		}
	}
	return letter
}

// isPhone: digits, spaces and + ( ) -, holding 7 to 20 ASCII digits.
func isPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +()-", r):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 20
}
