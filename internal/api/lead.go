package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/openresolve/openresolve/internal/endpoint"
)

// The second request style: POST /lead/resolution/<slug>, for clients written against that
// convention. The slug is the endpoint's name in snake_case; bodies are the same fields (the
// snake_case spelling is the natural one here), the jobs and callbacks are the same, and only
// the 202's shape differs.

// LeadAccepted is the body of the 202 in the lead style.
type LeadAccepted struct {
	Success    bool           `json:"success"`
	Message    string         `json:"message"`
	Resolution LeadResolution `json:"resolution"`
}

// LeadResolution is the resolution a LeadAccepted describes.
type LeadResolution struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	RequestedAt string `json:"requested_at"`
	CallbackURL string `json:"callback_url"`
}

// leadPrefix is where the lead-style routes live.
const leadPrefix = "/lead/resolution/"

func (s *Server) acceptLead(ep endpoint.Endpoint) echo.HandlerFunc {
	return s.acceptWith(ep, func(c echo.Context, a Accepted) error {
		return c.JSON(http.StatusAccepted, LeadAccepted{
			Success: true, Message: a.Message,
			Resolution: LeadResolution{ID: a.ID, Status: a.Status, RequestedAt: a.RequestedAt, CallbackURL: a.CallbackURL},
		})
	})
}

// isLeadStyle reports whether a request came in on a lead-style route, whose errors also
// carry "success": false.
func isLeadStyle(c echo.Context) bool { return strings.HasPrefix(c.Path(), leadPrefix) }
