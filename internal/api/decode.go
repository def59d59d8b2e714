package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 64 << 10

// readJSONBody checks the media type and size of r's body and decodes it as a JSON object.
func readJSONBody(r *http.Request) (fields, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, errUnsupportedMediaType
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, errPayloadTooLarge
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, errInvalidJSON
	}
	if len(raw) > MaxBodyBytes {
		return nil, errPayloadTooLarge
	}
	return decodeObject(raw)
}

// fields is a decoded request body: the raw value of each top-level member.
type fields map[string]json.RawMessage

// decodeObject parses raw as one JSON object. Invalid UTF-8 is refused rather than silently
// replaced, so that what is stored is what was sent, and so is a member named twice: parsers
// disagree on which copy wins, and a request must mean one thing.
func decodeObject(raw []byte) (fields, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || !utf8.Valid(raw) {
		return nil, errInvalidJSON
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errInvalidJSON
	}
	f := fields{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errInvalidJSON
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errInvalidJSON
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errInvalidJSON
		}
		if _, dup := f[key]; dup {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_json",
				Message: fmt.Sprintf("The member %q appears twice in the request body.", key)}
		}
		f[key] = v
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errInvalidJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errInvalidJSON // trailing data after the object
	}
	return f, nil
}

// lookup returns the member named camel, or its snake_case spelling, and the spelling found.
// A JSON null counts as absent.
func (f fields) lookup(camel string) (json.RawMessage, string, bool) {
	for _, name := range []string{camel, snakeCase(camel)} {
		if v, ok := f[name]; ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return v, name, true
		}
	}
	return nil, camel, false
}

// str returns the trimmed string member camel, at most maxLen characters; ok is false when it
// is absent or blank.
func (f fields) str(camel string, maxLen int) (value string, name string, ok bool, err error) {
	raw, name, present := f.lookup(camel)
	if !present {
		return "", name, false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", name, false, validationFailed(name, "%s must be a string.", name)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", name, false, nil
	}
	if utf8.RuneCountInString(value) > maxLen {
		return "", name, false, validationFailed(name, "%s must be at most %d characters.", name, maxLen)
	}
	return value, name, true, nil
}

// requiredStr is str for a member that must be present.
func (f fields) requiredStr(camel string, maxLen int) (string, string, error) {
	v, name, ok, err := f.str(camel, maxLen)
	if err != nil {
		return "", name, err
	}
	if !ok {
		return "", name, validationFailed(name, "%s is required.", name)
	}
	return v, name, nil
}

// snakeCase turns "callbackUrl" into "callback_url".
func snakeCase(camel string) string {
	var b strings.Builder
	for i, r := range camel {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// intIn returns the integer member camel, which must be a whole JSON number from lo to hi;
// def when absent.
func (f fields) intIn(camel string, lo, hi, def int) (int, error) {
	raw, name, present := f.lookup(camel)
	if !present {
		return def, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) {
		return 0, validationFailed(name, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	v, err := n.Int64()
	if err != nil || v < int64(lo) || v > int64(hi) {
		return 0, validationFailed(name, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	return int(v), nil
}
