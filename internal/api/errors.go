package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/request"
)

// errorHandler writes every error as the contract's JSON error document. A request.Error is
// written as it is; echo's own errors become their row of the table; anything else is a
// plain 500 to the client while its text goes to the log.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var apiErr *request.Error
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &apiErr):
	case errors.As(err, &httpErr):
		switch httpErr.Code {
		case http.StatusNotFound:
			apiErr = request.ErrNotFound
		case http.StatusUnauthorized: // River UI's basic auth
			apiErr = &request.Error{Status: http.StatusUnauthorized, Code: "unauthorized",
				Message: "Operator credentials are required."}
		case http.StatusMethodNotAllowed:
			apiErr = request.ErrMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			apiErr = request.ErrPayloadTooLarge
		case http.StatusUnsupportedMediaType:
			apiErr = request.ErrUnsupportedMediaType
		default:
			s.logger.ErrorContext(c.Request().Context(), "unexpected HTTP error", slog.Any("error", err))
			apiErr = request.ErrInternal
		}
	default:
		s.logger.ErrorContext(c.Request().Context(), "request failed",
			slog.String("path", c.Path()), slog.Any("error", err))
		apiErr = request.ErrInternal
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
	_ = c.JSON(apiErr.Status, map[string]*request.Error{"error": apiErr})
}
