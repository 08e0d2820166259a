package ledger

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Writer appends entries to a ledger file. Each entry is one write(2) of one
// whole line, so a reader (or a crash of the writing process) never sees half
// a line from an interrupted buffer. Append is safe for concurrent use.
type Writer struct {
	mu sync.Mutex
	f  *os.File
}

// Create creates (or truncates) the ledger file at path with mode 0600.
func Create(path string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return &Writer{f: f}, nil
}

// Append writes e as one line. It returns an error if e is malformed (see the
// package doc) or the write fails.
func (w *Writer) Append(e Entry) error {
	e.At = e.At.UTC()
	if err := e.check(); err != nil {
		return fmt.Errorf("ledger: %s: %w", e.key(), err)
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	return nil
}

// Close closes the file.
func (w *Writer) Close() error { return w.f.Close() }

// Read returns every entry of the ledger file at path, in file order. It
// returns an error naming the line number for a line that is not a
// well-formed entry (see the package doc), and for unknown keys.
func Read(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var e Entry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("ledger: %s line %d: %w", path, n, err)
		}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("ledger: %s line %d: %w", path, n, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ledger: %s: %w", path, err)
	}
	return out, nil
}
