package store

import (
	"context"
	"time"
)

// resolutionInsertBatch inserts many resolutions in one statement. It is written by hand
// because sqlc cannot type arrays with NULL elements (external ids and idempotency keys are
// optional).
const resolutionInsertBatch = `
INSERT INTO resolutions (
    id, api_key_id, endpoint, request, request_hash, external_id, callback_url,
    idempotency_key, requested_at
)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::bytea[], $6::text[], $7::text[],
                     $8::text[], $9::timestamptz[])
ON CONFLICT (api_key_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
RETURNING id`

// ResolutionInsertParams is one resolution to insert.
type ResolutionInsertParams struct {
	ID             string
	APIKeyID       string
	Endpoint       string
	Request        []byte
	RequestHash    []byte
	ExternalID     *string
	CallbackURL    string
	IdempotencyKey *string
	RequestedAt    time.Time
}

// ResolutionInsertBatch inserts rows and returns the ids it inserted; a row whose
// Idempotency-Key its API key already used (earlier, or earlier in rows) is skipped.
func (q *Queries) ResolutionInsertBatch(ctx context.Context, db DBTX, rows []ResolutionInsertParams) (map[string]bool, error) {
	n := len(rows)
	var (
		ids, keys, endpoints, urls = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		requests, hashes           = make([][]byte, n), make([][]byte, n)
		externalIDs, idemKeys      = make([]*string, n), make([]*string, n)
		requestedAt                = make([]time.Time, n)
	)
	for i, r := range rows {
		ids[i], keys[i], endpoints[i], urls[i] = r.ID, r.APIKeyID, r.Endpoint, r.CallbackURL
		requests[i], hashes[i] = r.Request, r.RequestHash
		externalIDs[i], idemKeys[i], requestedAt[i] = r.ExternalID, r.IdempotencyKey, r.RequestedAt
	}
	res, err := db.Query(ctx, resolutionInsertBatch, ids, keys, endpoints, requests, hashes, externalIDs, urls, idemKeys, requestedAt)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	inserted := make(map[string]bool, n)
	for res.Next() {
		var id string
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		inserted[id] = true
	}
	return inserted, res.Err()
}
