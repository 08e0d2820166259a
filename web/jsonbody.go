package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/backintake/backintake/intake"
)

// apiRequest is the body of POST /api/v1/intakes.
type apiRequest struct {
	Lang    string
	Answers intake.Raw
}

// errBadJSON wraps every reason a body is not an acceptable request; its text
// names the problem, never the content.
var errBadJSON = errors.New("bad request body")

// decodeAPIRequest parses {"lang": "..", "answers": {..}} strictly: valid
// UTF-8, one JSON object, no duplicate keys at any depth, no unknown top-level
// keys, numbers kept exact (json.Number).
func decodeAPIRequest(body []byte) (apiRequest, error) {
	if !utf8.Valid(body) {
		return apiRequest{}, fmt.Errorf("%w: the body is not valid UTF-8", errBadJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return apiRequest{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return apiRequest{}, fmt.Errorf("%w: unexpected data after the JSON object", errBadJSON)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return apiRequest{}, fmt.Errorf("%w: the body must be a JSON object", errBadJSON)
	}
	var req apiRequest
	for k, x := range top {
		switch k {
		case "lang":
			s, ok := x.(string)
			if !ok && x != nil {
				return apiRequest{}, fmt.Errorf("%w: \"lang\" must be a string", errBadJSON)
			}
			req.Lang = s
		case "answers":
			m, ok := x.(map[string]any)
			if !ok {
				return apiRequest{}, fmt.Errorf("%w: \"answers\" must be an object", errBadJSON)
			}
			req.Answers = intake.Raw(m)
		default:
			return apiRequest{}, fmt.Errorf("%w: unknown top-level key (allowed: lang, answers)", errBadJSON)
		}
	}
	if req.Answers == nil {
		return apiRequest{}, fmt.Errorf("%w: \"answers\" object is missing", errBadJSON)
	}
	return req, nil
}

// maxDepth bounds nesting; the API's values are at most three levels deep.
const maxDepth = 16

// readValue reads one JSON value token by token, rejecting duplicate object keys.
func readValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested too deeply", errBadJSON)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: malformed JSON", errBadJSON)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("%w: malformed JSON", errBadJSON)
				}
				k, _ := kt.(string)
				if _, dup := obj[k]; dup {
					return nil, fmt.Errorf("%w: duplicate key in a JSON object", errBadJSON)
				}
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				obj[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("%w: malformed JSON", errBadJSON)
			}
			return obj, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := readValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("%w: malformed JSON", errBadJSON)
			}
			return arr, nil
		}
		return nil, fmt.Errorf("%w: malformed JSON", errBadJSON)
	default:
		return t, nil
	}
}
