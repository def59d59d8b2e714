package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/api/openapi"
)

// mountDocs serves the OpenAPI document at /openapi.json and its reference page at /docs.
func (s *Server) mountDocs() error {
	doc, err := openapi.JSON()
	if err != nil {
		return err
	}
	e := s.echo
	e.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/json", doc)
	})
	e.GET("/docs", func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:")
		return c.HTML(http.StatusOK, openapi.Page)
	})
	e.GET("/docs/redoc.standalone.js", func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=86400")
		return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", openapi.RedocJS)
	})
	return nil
}
