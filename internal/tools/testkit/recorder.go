package testkit

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
)

// Recorder is a pgx tracer (pgx.ConnConfig.Tracer) that keeps every statement run through
// it, with its arguments, so that each can be explained afterwards.
type Recorder struct {
	mu    sync.Mutex
	stmts []Statement
}

// Statement is one recorded statement.
type Statement struct {
	SQL  string
	Args []any
}

// TraceQueryStart implements pgx.QueryTracer.
func (r *Recorder) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	r.mu.Lock()
	r.stmts = append(r.stmts, Statement{d.SQL, d.Args})
	r.mu.Unlock()
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (r *Recorder) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Take returns the statements recorded since the last Take.
func (r *Recorder) Take() []Statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stmts
	r.stmts = nil
	return s
}
