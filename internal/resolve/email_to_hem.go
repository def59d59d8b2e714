package resolve

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openresolve/openresolve/internal/normalize"
)

// EmailToHEMRequest is the stored request of /v1/email-to-hem; Email is already normalized.
type EmailToHEMRequest struct {
	Email string `json:"email"`
}

// EmailToHEM answers with the md5, sha1 and sha256 of the normalized address. It needs no
// graph: every valid address has hashes, so it never answers not_found.
type EmailToHEM struct{}

// Resolve implements Resolver.
func (EmailToHEM) Resolve(_ context.Context, raw json.RawMessage) (Result, error) {
	var req EmailToHEMRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode email-to-hem request: %w", err))
	}
	// Normalizing again is cheap and keeps the answer right even for a request stored by an
	// older release with looser rules.
	email, err := normalize.Email(req.Email)
	if err != nil {
		return Result{}, Permanent(fmt.Errorf("stored email is invalid: %w", err))
	}
	h := normalize.HashEmail(email)
	return Result{Found: true, Fields: map[string]any{
		"email":  email,
		"md5":    h.MD5,
		"sha1":   h.SHA1,
		"sha256": h.SHA256,
	}}, nil
}
