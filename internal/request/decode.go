// Package request reads and checks what clients send: a JSON object whose members are looked
// up by their camelCase or snake_case names, the callback URL, and the errors of the
// contract's table that bad input is answered with. It knows no HTTP framework.
package request

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

// Fields is a decoded JSON object: the raw value of each top-level member.
type Fields map[string]json.RawMessage

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 64 << 10

// MaxBulkBodyBytes is the largest bulk request body accepted.
const MaxBulkBodyBytes = 4 << 20

// Read checks the media type and size of r's body and decodes it as a JSON object.
func Read(r *http.Request) (Fields, error) { return read(r, MaxBodyBytes, ErrPayloadTooLarge) }

// ReadBulk is Read for a bulk request, whose body may hold up to MaxBulkBodyBytes.
func ReadBulk(r *http.Request) (Fields, error) {
	return read(r, MaxBulkBodyBytes, ErrBulkPayloadTooLarge)
}

func read(r *http.Request, max int64, tooLarge *Error) (Fields, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, ErrUnsupportedMediaType
	}
	if r.ContentLength > max {
		return nil, tooLarge
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	if err != nil {
		return nil, ErrInvalidJSON
	}
	if int64(len(raw)) > max {
		return nil, tooLarge
	}
	return Decode(raw)
}

// Items returns the array member camel of a bulk request: from 1 to max JSON objects, each
// decoded as a request of its own.
func (f Fields) Items(camel string, max int) ([]Fields, error) {
	raw, name, present := f.Lookup(camel)
	if !present {
		return nil, Invalid(name, "%s is required: a list of 1 to %d objects.", name, max)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, Invalid(name, "%s must be a list of 1 to %d objects.", name, max)
	}
	if len(list) == 0 || len(list) > max {
		return nil, Invalid(name, "%s must hold 1 to %d objects, not %d.", name, max, len(list))
	}
	items := make([]Fields, len(list))
	for i, v := range list {
		item, err := Decode(v)
		if err != nil {
			var re *Error
			if errors.As(err, &re) && re.Code == "invalid_json" && !bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
				return nil, Invalid(fmt.Sprintf("%s[%d]", name, i), "%s[%d] must be an object.", name, i)
			}
			return nil, err
		}
		items[i] = item
	}
	return items, nil
}

// Bool returns the boolean member camel; false when absent.
func (f Fields) Bool(camel string) (bool, error) {
	raw, name, present := f.Lookup(camel)
	if !present {
		return false, nil
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err != nil {
		return false, Invalid(name, "%s must be true or false.", name)
	}
	return v, nil
}

// Decode parses raw as one JSON object. Invalid UTF-8 is refused rather than silently
// replaced, so that what is stored is what was sent, and so is a member named twice: parsers
// disagree on which copy wins, and a request must mean one thing.
func Decode(raw []byte) (Fields, error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || !utf8.Valid(raw) {
		return nil, ErrInvalidJSON
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, ErrInvalidJSON
	}
	f := Fields{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, ErrInvalidJSON
		}
		key, ok := tok.(string)
		if !ok {
			return nil, ErrInvalidJSON
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, ErrInvalidJSON
		}
		if _, dup := f[key]; dup {
			return nil, &Error{Status: http.StatusBadRequest, Code: "invalid_json",
				Message: fmt.Sprintf("The member %q appears twice in the request body.", key)}
		}
		f[key] = v
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, ErrInvalidJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, ErrInvalidJSON // trailing data after the object
	}
	return f, nil
}

// Lookup returns the member named camel, or its snake_case spelling, and the spelling found.
// A JSON null counts as absent.
func (f Fields) Lookup(camel string) (json.RawMessage, string, bool) {
	for _, name := range []string{camel, snakeCase(camel)} {
		if v, ok := f[name]; ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return v, name, true
		}
	}
	return nil, camel, false
}

// Str returns the trimmed string member camel, at most maxLen characters; ok is false when it
// is absent or blank.
func (f Fields) Str(camel string, maxLen int) (value string, name string, ok bool, err error) {
	raw, name, present := f.Lookup(camel)
	if !present {
		return "", name, false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", name, false, Invalid(name, "%s must be a string.", name)
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return "", name, false, nil
	}
	if utf8.RuneCountInString(value) > maxLen {
		return "", name, false, Invalid(name, "%s must be at most %d characters.", name, maxLen)
	}
	return value, name, true, nil
}

// RequiredStr is Str for a member that must be present.
func (f Fields) RequiredStr(camel string, maxLen int) (string, string, error) {
	v, name, ok, err := f.Str(camel, maxLen)
	if err != nil {
		return "", name, err
	}
	if !ok {
		return "", name, Invalid(name, "%s is required.", name)
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

// IntIn returns the integer member camel, which must be a whole JSON number from lo to hi;
// def when absent.
func (f Fields) IntIn(camel string, lo, hi, def int) (int, error) {
	raw, name, present := f.Lookup(camel)
	if !present {
		return def, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil || bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) {
		return 0, Invalid(name, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	v, err := n.Int64()
	if err != nil || v < int64(lo) || v > int64(hi) {
		return 0, Invalid(name, "%s must be a whole number from %d to %d.", name, lo, hi)
	}
	return int(v), nil
}
