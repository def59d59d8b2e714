// Package callback delivers resolution results to the callback URL a client gave: it signs
// them the Standard Webhooks way, sends them over an HTTP client that only dials permitted
// addresses, and decides from the answer whether and when to try again. Signing itself is the
// public webhook package's, which receivers use to verify.
package callback

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/openresolve/openresolve/webhook"
)

// NewSecret returns a fresh signing secret: the prefix and the base64 of 32 random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms.
	return webhook.SecretPrefix + base64.StdEncoding.EncodeToString(b)
}
