// Package store is OpenResolve's data layer: the sqlc-generated queries (from sql/), the
// connection pool and the migrations of both our tables and River's.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned for a row that does not exist, so callers need not import pgx.
var ErrNotFound = errors.New("not found")

// NotFound maps pgx.ErrNoRows to ErrNotFound and returns any other error unchanged.
func NotFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// CustomPlans runs each statement with a plan made for its own arguments (pgx's
// QueryExecModeCacheDescribe), never with a generic plan the server cached. The worker's steps
// read and write resolutions by arrays of ids, and a generic plan made while the table was
// small (a fresh install under load, before its first ANALYZE) scanned it whole from then on:
// reads by id went from 0.05 to 10 ms. Keyword-to-lead's generic plans, blind to how many
// words and segments the arrays hold, took 2.6 s where a custom one takes 20 ms. Every other
// statement keeps its prepared, generic plan.
type CustomPlans struct{ DB DBTX }

func (c CustomPlans) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return c.DB.Exec(ctx, sql, append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
}

func (c CustomPlans) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return c.DB.Query(ctx, sql, append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
}

func (c CustomPlans) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return c.DB.QueryRow(ctx, sql, append([]any{pgx.QueryExecModeCacheDescribe}, args...)...)
}

func (c CustomPlans) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error) {
	return c.DB.CopyFrom(ctx, table, columns, rows)
}

// PoolConfig tunes a pool beyond its URL.
type PoolConfig struct {
	// MaxConns caps the pool; pgx's default (4 or the CPU count) when zero.
	MaxConns int32
	// Wait is how long Connect keeps trying to reach the database before it gives up.
	Wait time.Duration
	// NoPreparedStatements is for a transaction-mode pooler, whose server connections change
	// between transactions: statements go as unnamed ones, described once per connection
	// (pgx's QueryExecModeCacheDescribe) instead of prepared by name.
	NoPreparedStatements bool
}

// Connect opens a pool and waits up to cfg.Wait for the database to answer, so that processes
// started together with Postgres (compose, make run) do not fail on its first second.
func Connect(ctx context.Context, url string, cfg PoolConfig, logger *slog.Logger) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if pc.ConnConfig.ConnectTimeout == 0 || pc.ConnConfig.ConnectTimeout > 5*time.Second {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if cfg.NoPreparedStatements {
		pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
	// Dead connections are noticed by the health check within this time even when idle.
	pc.HealthCheckPeriod = 5 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	deadline := time.Now().Add(cfg.Wait)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = pool.Ping(pctx)
		cancel()
		if err == nil {
			return pool, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			pool.Close()
			return nil, fmt.Errorf("connect to database: %w", err)
		}
		logger.Warn("database not reachable yet; retrying", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// IsUnavailable reports whether err means the database could not serve the request at the
// moment (connection refused or lost, timeout, shutdown, too many connections) rather than a
// bug or a constraint violation.
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return true
		}
		return false
	}
	// Anything else from pgx that is not a server error is a failure to talk to the server.
	return true
}
