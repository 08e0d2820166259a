package export

import "encoding/json"

// Hand-written FHIR R4 structures for the few resources we emit. Field order
// is the JSON order; empty fields are left out because FHIR forbids empty
// strings, arrays and objects.

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type codeableConcept struct {
	Coding []coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

type reference struct {
	Reference string `json:"reference"`
}

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type expression struct {
	Language   string `json:"language"`
	Expression string `json:"expression"`
}

// extension holds one value[x]; sub-extensions make a complex extension.
type extension struct {
	URL             string      `json:"url"`
	Extension       []extension `json:"extension,omitempty"`
	ValueBoolean    *bool       `json:"valueBoolean,omitempty"`
	ValueCode       string      `json:"valueCode,omitempty"`
	ValueDate       string      `json:"valueDate,omitempty"`
	ValueDecimal    json.Number `json:"valueDecimal,omitempty"`
	ValueExpression *expression `json:"valueExpression,omitempty"`
	ValueInteger    *int        `json:"valueInteger,omitempty"`
	ValueString     string      `json:"valueString,omitempty"`
}

type humanName struct {
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

type contactPoint struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type patientContact struct {
	Relationship []codeableConcept `json:"relationship,omitempty"`
	Name         *humanName        `json:"name,omitempty"`
}

type patient struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Identifier   []identifier     `json:"identifier,omitempty"`
	Name         []humanName      `json:"name,omitempty"`
	Telecom      []contactPoint   `json:"telecom,omitempty"`
	Gender       string           `json:"gender,omitempty"`
	BirthDate    string           `json:"birthDate,omitempty"`
	Contact      []patientContact `json:"contact,omitempty"`
}

type qrAnswer struct {
	ValueBoolean *bool   `json:"valueBoolean,omitempty"`
	ValueInteger *int    `json:"valueInteger,omitempty"`
	ValueDate    string  `json:"valueDate,omitempty"`
	ValueString  string  `json:"valueString,omitempty"`
	ValueCoding  *coding `json:"valueCoding,omitempty"`
}

type qrItem struct {
	LinkID string     `json:"linkId"`
	Answer []qrAnswer `json:"answer,omitempty"`
	Item   []qrItem   `json:"item,omitempty"`
}

type questionnaireResponse struct {
	ResourceType  string      `json:"resourceType"`
	ID            string      `json:"id"`
	Language      string      `json:"language,omitempty"`
	Identifier    *identifier `json:"identifier,omitempty"`
	Questionnaire string      `json:"questionnaire"`
	Status        string      `json:"status"`
	Subject       *reference  `json:"subject,omitempty"`
	Authored      string      `json:"authored,omitempty"`
	Item          []qrItem    `json:"item,omitempty"`
}

type prediction struct {
	Extension       []extension      `json:"extension,omitempty"`
	Outcome         *codeableConcept `json:"outcome,omitempty"`
	QualitativeRisk *codeableConcept `json:"qualitativeRisk,omitempty"`
	Rationale       string           `json:"rationale,omitempty"`
}

type riskAssessment struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Extension    []extension      `json:"extension,omitempty"`
	Identifier   []identifier     `json:"identifier,omitempty"`
	Status       string           `json:"status"`
	Method       *codeableConcept `json:"method,omitempty"`
	Code         *codeableConcept `json:"code,omitempty"`
	Subject      reference        `json:"subject"`
	Basis        []reference      `json:"basis,omitempty"`
	Prediction   []prediction     `json:"prediction,omitempty"`
}

type answerOption struct {
	Extension   []extension `json:"extension,omitempty"`
	ValueCoding coding      `json:"valueCoding"`
}

type enableWhen struct {
	Question      string  `json:"question"`
	Operator      string  `json:"operator"`
	AnswerBoolean *bool   `json:"answerBoolean,omitempty"`
	AnswerCoding  *coding `json:"answerCoding,omitempty"`
}

type questionnaireItem struct {
	Extension      []extension         `json:"extension,omitempty"`
	LinkID         string              `json:"linkId"`
	Text           string              `json:"text,omitempty"`
	Type           string              `json:"type"`
	EnableWhen     []enableWhen        `json:"enableWhen,omitempty"`
	EnableBehavior string              `json:"enableBehavior,omitempty"`
	Required       bool                `json:"required,omitempty"`
	Repeats        bool                `json:"repeats,omitempty"`
	MaxLength      int                 `json:"maxLength,omitempty"`
	AnswerOption   []answerOption      `json:"answerOption,omitempty"`
	Item           []questionnaireItem `json:"item,omitempty"`
}

type questionnaireResource struct {
	ResourceType string              `json:"resourceType"`
	ID           string              `json:"id"`
	Language     string              `json:"language"`
	URL          string              `json:"url"`
	Version      string              `json:"version"`
	Name         string              `json:"name"`
	Title        string              `json:"title"`
	Status       string              `json:"status"`
	SubjectType  []string            `json:"subjectType"`
	Description  string              `json:"description,omitempty"`
	Item         []questionnaireItem `json:"item"`
}

func ptr[T any](v T) *T { return &v }
