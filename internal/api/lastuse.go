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

// lastUse remembers when this process last recorded each key's use.
type lastUse struct {
	mu     sync.Mutex // guards last, closed and wg.Add against close's wg.Wait
	last   map[string]time.Time
	closed bool
	wg     sync.WaitGroup
}

func newLastUse() *lastUse { return &lastUse{last: map[string]time.Time{}} }

// touch records, in the background, that key was used now, unless it was recorded within
// usageEvery. A failed write is retried by the key's next request.
func (s *Server) touch(keyID string) {
	u := s.lastUse
	now := time.Now()
	u.mu.Lock()
	if u.closed || now.Sub(u.last[keyID]) < usageEvery {
		u.mu.Unlock()
		return
	}
	u.last[keyID] = now
	u.wg.Add(1)
	u.mu.Unlock()

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

// close waits for the writes under way; a request still served after it records nothing.
func (u *lastUse) close() {
	u.mu.Lock()
	u.closed = true
	u.mu.Unlock()
	u.wg.Wait()
}
