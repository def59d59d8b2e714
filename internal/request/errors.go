package request

import (
	"fmt"
	"net/http"
)

// Error is an error with a public face, one row of the contract's error table: the HTTP
// status, code and message the client sees, and the field to blame where there is one.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// RetryAfter, in whole seconds, is sent as the Retry-After header when positive.
	RetryAfter int `json:"-"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Invalid is a validation_failed error naming field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Field: field,
		Message: fmt.Sprintf(format, args...)}
}

// The errors of the contract's table that name no field.
var (
	ErrUnauthorized         = fail(http.StatusUnauthorized, "unauthorized", "A valid API key is required in the x-api-key header or as a Bearer token.")
	ErrNotFound             = fail(http.StatusNotFound, "not_found", "No such resource.")
	ErrMethodNotAllowed     = fail(http.StatusMethodNotAllowed, "method_not_allowed", "This method is not allowed on this resource.")
	ErrPayloadTooLarge      = fail(http.StatusRequestEntityTooLarge, "payload_too_large", "The request body is larger than 64 KiB.")
	ErrBulkPayloadTooLarge  = fail(http.StatusRequestEntityTooLarge, "payload_too_large", "The bulk request body is larger than 4 MiB.")
	ErrUnsupportedMediaType = fail(http.StatusUnsupportedMediaType, "unsupported_media_type", "The request body must be JSON, sent with Content-Type: application/json.")
	ErrInvalidJSON          = fail(http.StatusBadRequest, "invalid_json", "The request body is not a JSON object.")
	ErrIdempotencyMismatch  = fail(http.StatusUnprocessableEntity, "idempotency_mismatch", "This Idempotency-Key was already used with a different request.")
	ErrUnavailable          = fail(http.StatusServiceUnavailable, "unavailable", "The service cannot take requests right now; nothing was stored. Try again shortly.")
	ErrInternal             = fail(http.StatusInternalServerError, "internal_error", "Something went wrong on our side.")
)

func fail(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}
