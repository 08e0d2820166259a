// Package intake is the domain of backintake: the back-pain questionnaire as one
// definition (items, types, options, enableWhen, limits, sections), the answers a
// patient gives, and their validation and normalisation.
//
// The definition drives the HTML form, validation, storage, screening, the PDF and
// every export; nothing else re-types a linkId or an option code.
package intake

// Type is an item's answer type, as in spec/questionnaire.md.
type Type string

// Item types.
const (
	TypeString Type = "string" // one line; MaxLen code points (default 100)
	TypeText   Type = "text"   // multi-line; MaxLen code points (4,000)
	TypeDate   Type = "date"   // YYYY-MM-DD
	TypeInt    Type = "int"    // whole number in [Min, Max]
	TypeBool   Type = "bool"   // yes/no
	TypeChoice Type = "choice" // one code of Options
	TypeMulti  Type = "multi"  // a set of codes of Options
)

// Format is an extra rule on a string item's content.
type Format string

// String formats.
const (
	FormatNone  Format = ""
	FormatName  Format = "name"  // letters, combining marks, spaces, ' ’ - . and at least one letter
	FormatPhone Format = "phone" // digits, spaces, + ( ) -, with 7-20 ASCII digits
	FormatEmail Format = "email" // validator's email rule
)

// Op is an enableWhen operator (the FHIR R4 subset this questionnaire uses).
type Op string

// enableWhen operators.
const (
	OpEquals    Op = "="      // the answer equals Answer (for a multi: contains it)
	OpNotEquals Op = "!="     // the answer is given and differs from Answer
	OpExists    Op = "exists" // an answer is given
)

// Condition is one enableWhen clause: Question's answer compared with Answer
// (a bool or a code string; unused for OpExists).
type Condition struct {
	Question string
	Op       Op
	Answer   any
}

// Item is one question. LinkID is its form field name, JSON key, stored key,
// FHIR linkId and CSV column.
type Item struct {
	LinkID  string
	Section string // id of the Section it belongs to
	Type    Type

	// Required means required whenever the item is enabled ("req" and "req if").
	Required bool
	// EnableWhen lists conditions of which any one enables the item (FHIR
	// enableBehavior "any"); empty means always enabled unless GuardianRule is set.
	EnableWhen []Condition
	// GuardianRule enables the item only while the patient's age on the
	// submission date is below the guardian-age setting.
	GuardianRule bool

	Options   []string // choice and multi codes, in display and storage order
	OptionSet string   // catalogue key set for option labels; "" means per item
	Exclusive string   // multi: the code that must stand alone ("none", "nothing")

	Min, Max  int    // int range, inclusive
	MaxLen    int    // string and text: maximum length in code points
	Format    Format // string content rule
	MustBeYes bool   // bool: only "yes" is accepted (consent)

	// NotAfterSubmission and NotBefore bound a date (birth date: future_date, too_early).
	NotAfterSubmission bool
	NotBefore          string // YYYY-MM-DD
}

// Section is a group of items shown under one heading.
type Section struct {
	ID    string // about, pain, symptoms, safety, needling, daily, consent
	Items []*Item
}

// HasOption reports whether code is one of the item's options.
func (it *Item) HasOption(code string) bool {
	for _, o := range it.Options {
		if o == code {
			return true
		}
	}
	return false
}

// Enableable reports whether the item has any enable rule (it may be hidden).
func (it *Item) Enableable() bool { return len(it.EnableWhen) > 0 || it.GuardianRule }
