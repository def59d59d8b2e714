// Package apikey makes and recognizes API keys. A key is shown once, when it is made; the
// database keeps only its SHA-256 hash (keys are 192 random bits, so a fast hash is enough)
// and a short prefix for people to tell keys apart.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/store"
)

// Prefix starts every generated key, so that leaked keys are easy to search for.
const Prefix = "ork_"

// prefixLen is how much of a key is kept in clear for display.
const prefixLen = len(Prefix) + 6

// New returns a fresh random key.
func New() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return Prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the stored form of key.
func Hash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// DisplayPrefix returns the part of key kept in clear.
func DisplayPrefix(key string) string {
	if len(key) <= prefixLen {
		return strings.Repeat("*", len(key))
	}
	return key[:prefixLen]
}

// NewID returns a new key id.
func NewID() string { return "key_" + ulid.Make().String() }

// Created is a key just made: the only time its value and signing secret are shown.
type Created struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Key           string `json:"key"`
	SigningSecret string `json:"signingSecret"`
}

// Create makes a key named name and stores it.
func Create(ctx context.Context, db store.DBTX, name string) (Created, error) {
	return CreateWithQuota(ctx, db, name, nil)
}

// CreateWithQuota is Create for a key with a monthly quota (CONTRACT.md section 10); nil for
// none.
func CreateWithQuota(ctx context.Context, db store.DBTX, name string, quota *int64) (Created, error) {
	c := Created{ID: NewID(), Name: name, Key: New(), SigningSecret: callback.NewSecret()}
	err := store.New().APIKeyInsert(ctx, db, store.APIKeyInsertParams{
		ID: c.ID, Name: name, KeyHash: Hash(c.Key), KeyPrefix: DisplayPrefix(c.Key),
		SigningSecret: c.SigningSecret, Quota: quota,
	})
	return c, err
}

// Ensure makes sure a key with the given value exists (BOOTSTRAP_API_KEY); an existing key,
// revoked or not, is left alone.
func Ensure(ctx context.Context, db store.DBTX, key, name string) error {
	return store.New().APIKeyEnsure(ctx, db, store.APIKeyEnsureParams{
		ID: NewID(), Name: name, KeyHash: Hash(key), KeyPrefix: DisplayPrefix(key),
		SigningSecret: callback.NewSecret(),
	})
}
