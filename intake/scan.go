package intake

import "encoding/json"

// scanFlat decodes the JSON that json.Marshal writes for an Answers: one
// object whose values are strings, whole numbers, booleans or arrays of
// strings, calling put for each member (put returns false to stop). It returns
// false for anything else (the caller then uses encoding/json), so it never
// has to be a complete JSON parser.
func scanFlat(b []byte, put func(key []byte, v any) bool) bool {
	s := flatScanner{b: b}
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return s.end()
	}
	for {
		key, ok := s.rawKey()
		if !ok || !s.consume(':') {
			return false
		}
		v, ok := s.value()
		if !ok || !put(key, v) {
			return false
		}
		if s.consume(',') {
			continue
		}
		return s.consume('}') && s.end()
	}
}

// rawKey reads an object key without escapes (linkIds never need any).
func (s *flatScanner) rawKey() ([]byte, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	for s.i = start; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			return nil, false
		case '"':
			s.i++
			return s.b[start : s.i-1], true
		}
	}
	return nil, false
}

type flatScanner struct {
	b []byte
	i int
}

func (s *flatScanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\t' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *flatScanner) consume(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *flatScanner) end() bool { s.ws(); return s.i == len(s.b) }

// str reads a string; escaped strings go through encoding/json.
func (s *flatScanner) str() (string, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return "", false
	}
	start, escaped := s.i, false
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '\\':
			escaped = true
			s.i++
		case c == '"':
			s.i++
			if !escaped {
				return string(s.b[start+1 : s.i-1]), true
			}
			var out string
			if json.Unmarshal(s.b[start:s.i], &out) != nil {
				return "", false
			}
			return out, true
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

func (s *flatScanner) value() (any, bool) {
	s.ws()
	if s.i >= len(s.b) {
		return nil, false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '[':
		s.i++
		list := []string{}
		if s.consume(']') {
			return list, true
		}
		for {
			v, ok := s.str()
			if !ok {
				return nil, false
			}
			list = append(list, v)
			if s.consume(',') {
				continue
			}
			return list, s.consume(']')
		}
	case c == 't' || c == 'f':
		for _, lit := range []string{"true", "false"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				return lit == "true", true
			}
		}
	case c == '-' || (c >= '0' && c <= '9'):
		neg := c == '-'
		if neg {
			s.i++
		}
		n, digits := 0, 0
		for ; s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9'; s.i++ {
			if digits++; digits > 9 { // far beyond any item's range: let encoding/json decide
				return nil, false
			}
			n = n*10 + int(s.b[s.i]-'0')
		}
		if digits == 0 || (s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E')) {
			return nil, false
		}
		if neg {
			n = -n
		}
		return n, true
	}
	return nil, false
}
