package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
)

// riverUIPrefix is where River UI is mounted on the API.
const riverUIPrefix = "/riverui"

// mountRiverUI serves River UI at /riverui behind HTTP basic auth with the operator's
// credentials. Its background services run until ctx is done.
func (s *Server) mountRiverUI(ctx context.Context, client *river.Client[pgx.Tx], user, password string) error {
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    s.logger.With(slog.String("component", "riverui")),
		Prefix:    riverUIPrefix,
	})
	if err != nil {
		return err
	}
	if err := h.Start(ctx); err != nil {
		return err
	}
	auth := middleware.BasicAuthWithConfig(middleware.BasicAuthConfig{
		Realm: "River UI",
		Validator: func(u, p string, _ echo.Context) (bool, error) {
			// Both comparisons always run, so the time taken tells nothing about which failed.
			okUser := subtle.ConstantTimeCompare([]byte(u), []byte(user))
			okPassword := subtle.ConstantTimeCompare([]byte(p), []byte(password))
			return okUser&okPassword == 1, nil
		},
	})
	ui := s.echo.Group(riverUIPrefix, auth)
	ui.Any("", echo.WrapHandler(http.RedirectHandler(riverUIPrefix+"/", http.StatusFound)))
	ui.Any("/*", echo.WrapHandler(h))
	return nil
}
