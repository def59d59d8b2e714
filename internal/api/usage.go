package api

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// usageEvery is how often at most the API records that a key was used: `keys list` shows the
// time to the minute, and a busy key costs one small write a minute rather than one a request.
const usageEvery = time.Minute

// usage remembers when this process last recorded each key's use.
type usage struct {
	mu   sync.Mutex
	last map[string]time.Time
	wg   sync.WaitGroup
}

func newUsage() *usage { return &usage{last: map[string]time.Time{}} }

// touch records, in the background, that key was used now, unless it was recorded within
// usageEvery. A failed write is retried by the key's next request.
func (s *Server) touch(keyID string) {
	u := s.usage
	now := time.Now()
	u.mu.Lock()
	if now.Sub(u.last[keyID]) < usageEvery {
		u.mu.Unlock()
		return
	}
	u.last[keyID] = now
	u.mu.Unlock()

	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), s.dbTimeout)
		defer cancel()
		if err := s.queries.APIKeyTouch(ctx, s.pool, keyID); err != nil {
			s.logger.Debug("record API key use", slog.String("api_key_id", keyID), slog.Any("error", err))
			u.mu.Lock()
			delete(u.last, keyID)
			u.mu.Unlock()
		}
	}()
}
