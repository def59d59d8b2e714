package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Error is an error with a public face: the status, code and message the client sees, and
// the field to blame where there is one. Any other error becomes a plain 500 to the client
// while its text goes to the log.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// RetryAfter, in whole seconds, is sent as the Retry-After header when positive.
	RetryAfter int `json:"-"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func validationFailed(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Field: field,
		Message: fmt.Sprintf(format, args...)}
}

var (
	errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
		Message: "A valid API key is required in the x-api-key header or as a Bearer token."}
	errNotFound = &Error{Status: http.StatusNotFound, Code: "not_found",
		Message: "No such resource."}
	errMethodNotAllowed = &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message: "This method is not allowed on this resource."}
	errPayloadTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
		Message: "The request body is larger than 64 KiB."}
	errUnsupportedMediaType = &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
		Message: "The request body must be JSON, sent with Content-Type: application/json."}
	errInvalidJSON = &Error{Status: http.StatusBadRequest, Code: "invalid_json",
		Message: "The request body is not a JSON object."}
	errIdempotencyMismatch = &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_mismatch",
		Message: "This Idempotency-Key was already used with a different request."}
	errUnavailable = &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "The service cannot take requests right now; nothing was stored. Try again shortly."}
	errInternal = &Error{Status: http.StatusInternalServerError, Code: "internal_error",
		Message: "Something went wrong on our side."}
)

// errorHandler writes every error as the contract's JSON error document.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var apiErr *Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound:
			apiErr = errNotFound
		case http.StatusUnauthorized: // River UI's basic auth
			apiErr = &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
				Message: "Operator credentials are required."}
		case http.StatusMethodNotAllowed:
			apiErr = errMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			apiErr = errPayloadTooLarge
		case http.StatusUnsupportedMediaType:
			apiErr = errUnsupportedMediaType
		default:
			s.logger.ErrorContext(c.Request().Context(), "unexpected HTTP error", slog.Any("error", err))
			apiErr = errInternal
		}
	default:
		s.logger.ErrorContext(c.Request().Context(), "request failed",
			slog.String("path", c.Path()), slog.Any("error", err))
		apiErr = errInternal
	}
	if apiErr.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", fmt.Sprint(apiErr.RetryAfter))
	}
	c.Set(ctxErrorCode, apiErr.Code)
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(apiErr.Status)
		return
	}
	if isLeadStyle(c) {
		_ = c.JSON(apiErr.Status, map[string]any{"success": false, "message": apiErr.Message, "error": apiErr})
		return
	}
	_ = c.JSON(apiErr.Status, map[string]*Error{"error": apiErr})
}
