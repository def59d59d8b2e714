package api

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/store"
)

// keyCache remembers API keys the database knows, so most requests skip the look-up. It is
// trusted only while a connection LISTENs on openresolve_api_keys, where a trigger announces
// every change to api_keys (migration 00004): each announcement empties it, so a revoked key is
// refused as soon as the revocation's announcement arrives, milliseconds after its commit.
// Without the listening connection the cache is off and every request asks the database.
// With DATABASE_POLL_ONLY (a transaction-mode pooler holds no LISTEN) it polls the change
// count of api_key_changes every keyPollInterval instead (see poll).
// Unknown keys are never cached, so random keys cannot fill it.
type keyCache struct {
	mu   sync.Mutex
	live bool
	gen  uint64 // bumped on every reset: a look-up that began before one may not store
	keys map[string]cachedKey
}

type cachedKey struct {
	id      string
	revoked bool
	quota   *int64 // the monthly quota; nil for none
}

func newKeyCache() *keyCache { return &keyCache{keys: map[string]cachedKey{}} }

// get returns the cached key for hash, and the generation to pass to put after a look-up.
func (c *keyCache) get(hash []byte) (cachedKey, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		return cachedKey{}, false, c.gen
	}
	k, ok := c.keys[string(hash)]
	return k, ok, c.gen
}

// put stores a key looked up while the cache was at generation gen.
func (c *keyCache) put(hash []byte, k cachedKey, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live && gen == c.gen && len(c.keys) < 100_000 {
		c.keys[string(hash)] = k
	}
}

func (c *keyCache) reset(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	clear(c.keys)
}

// listen keeps a connection LISTENing until ctx ends, resetting the cache on every
// announcement, and switching it off whenever the connection is lost.
func (c *keyCache) listen(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) {
	for ctx.Err() == nil {
		err := func() error {
			pc, err := pool.Acquire(ctx)
			if err != nil {
				return err
			}
			conn := pc.Hijack() // ours alone: a LISTEN must not go back to the pool
			defer conn.Close(context.WithoutCancel(ctx))
			if err := store.New().APIKeyChangesListen(ctx, conn); err != nil {
				return err
			}
			c.reset(true) // from here on, every change is announced
			for {
				if _, err := conn.WaitForNotification(ctx); err != nil {
					return err
				}
				c.reset(true)
			}
		}()
		c.reset(false)
		if ctx.Err() != nil {
			return
		}
		logger.Debug("API key cache off until the database is reachable", slog.Any("error", err))
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// keyPollInterval is how often an API that cannot listen reads the change count: a revoked
// key is refused within this time (the contract allows 5 s).
const keyPollInterval = 2 * time.Second

// poll reads the change count of api_keys every keyPollInterval until ctx ends, emptying
// the cache whenever it moved; the cache is off while the count cannot be read.
func (c *keyCache) poll(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) {
	var last int64
	live := false
	for ctx.Err() == nil {
		qctx, cancel := context.WithTimeout(ctx, keyPollInterval)
		n, err := store.New().APIKeyChangeCount(qctx, pool)
		cancel()
		switch {
		case err != nil:
			if live && ctx.Err() == nil {
				logger.Debug("API key cache off until the database is reachable", slog.Any("error", err))
			}
			c.reset(false)
			live = false
		case !live || n != last:
			c.reset(true)
			last, live = n, true
		}
		select {
		case <-ctx.Done():
		case <-time.After(keyPollInterval):
		}
	}
}
