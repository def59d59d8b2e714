// Package importer loads the identity graph: companies, people, emails, phones, networks and
// IP observations, from CSV or JSON Lines files or from the demo generator. Each batch is
// copied into its kind's staging table and merged into the graph by one statement
// (sql/import.sql), in one transaction.
package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// Record is one row of input: its line number in the file and its values by column name.
type Record struct {
	Line   int
	Fields map[string]string
	// Err is set when the line itself could not be read (a malformed CSV or JSON line); the
	// record is then rejected with this reason.
	Err error
}

// Source yields records; Next returns io.EOF after the last one.
type Source interface {
	Next() (Record, error)
}

// OpenFile opens a CSV (.csv) or JSON Lines (.jsonl, .ndjson, .json) file.
func OpenFile(path string) (Source, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s is a directory", path)
		}
		return nil, nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		src, err := NewCSV(f)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return sized{src, st.Size()}, f, nil
	case ".jsonl", ".ndjson", ".json":
		return sized{NewJSONLines(f), st.Size()}, f, nil
	default:
		f.Close()
		return nil, nil, fmt.Errorf("%s: unknown file type (want .csv, .jsonl or .ndjson)", path)
	}
}

// sized is a Source of a file of a known size.
type sized struct {
	Source
	size int64
}

func (s sized) Size() int64 { return s.size }

// ColumnName turns a header or JSON key into the column name: trimmed, lowercase snake_case
// ("linkedinUrl" and "LinkedIn URL" are both "linkedin_url").
func ColumnName(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case r == ' ' || r == '-' || r == '.':
			b.WriteByte('_')
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	return b.String()
}

// csvSource reads a CSV file with a header row.
type csvSource struct {
	r      *csv.Reader
	header []string
}

// NewCSV reads CSV with a header row from r.
func NewCSV(r io.Reader) (Source, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	h, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty: a header row is required")
		}
		return nil, fmt.Errorf("header: %w", err)
	}
	header := make([]string, len(h))
	for i, c := range h {
		header[i] = ColumnName(c)
	}
	return &csvSource{r: cr, header: header}, nil
}

func (s *csvSource) Next() (Record, error) {
	row, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return Record{}, io.EOF
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return Record{Line: perr.StartLine, Err: fmt.Errorf("malformed CSV: %v", perr.Err)}, nil
	}
	if err != nil {
		return Record{}, err
	}
	line, _ := s.r.FieldPos(0)
	if len(row) != len(s.header) {
		return Record{Line: line, Err: fmt.Errorf("has %d fields, the header has %d", len(row), len(s.header))}, nil
	}
	f := make(map[string]string, len(row))
	for i, v := range row {
		f[s.header[i]] = v
	}
	return Record{Line: line, Fields: f}, nil
}

// jsonLines reads one JSON object per line; blank lines are skipped.
type jsonLines struct {
	r    *bufio.Reader
	line int
}

// NewJSONLines reads JSON Lines from r.
func NewJSONLines(r io.Reader) Source { return &jsonLines{r: bufio.NewReaderSize(r, 1<<20)} }

func (s *jsonLines) Next() (Record, error) {
	for {
		b, err := s.r.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			return Record{}, err // io.EOF at the end
		}
		s.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			return Record{Line: s.line, Err: errors.New("not a JSON object")}, nil
		}
		f := make(map[string]string, len(obj))
		for k, raw := range obj {
			v, err := jsonValue(raw)
			if err != nil {
				return Record{Line: s.line, Err: fmt.Errorf("%s: %v", ColumnName(k), err)}, nil
			}
			f[ColumnName(k)] = v
		}
		return Record{Line: s.line, Fields: f}, nil
	}
}

// jsonValue turns a JSON value into the text a CSV cell would hold: strings as they are,
// numbers and booleans as written, arrays of those joined with ";", null as empty.
func jsonValue(raw json.RawMessage) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			switch y := e.(type) {
			case string:
				parts = append(parts, y)
			case json.Number:
				parts = append(parts, y.String())
			default:
				return "", errors.New("arrays may hold only strings and numbers")
			}
		}
		return strings.Join(parts, ";"), nil
	default:
		return "", errors.New("objects are not allowed here")
	}
}
