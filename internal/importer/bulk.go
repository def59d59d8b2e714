package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"golang.org/x/sync/errgroup"

	"github.com/openresolve/openresolve/internal/store"
)

// Mode is how an import writes a kind into the graph.
type Mode string

const (
	// ModeAuto loads in bulk a file that is large against its table, and upserts otherwise.
	ModeAuto Mode = "auto"
	// ModeUpsert merges each batch into the live tables, keeping their indexes row by row: a
	// refresh of part of a large graph.
	ModeUpsert Mode = "upsert"
	// ModeBulk merges the input into a copy of the kind's tables that has only primary keys,
	// builds the other indexes once at the end, two at a time, and swaps the copy in
	// (migrations/00015_graph_load.sql). Resolvers read the live tables until the swap; writers
	// wait for it; a load that fails or dies leaves the graph as it was.
	ModeBulk Mode = "bulk"
)

// ParseMode reads a Mode by its name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeAuto, ModeUpsert, ModeBulk:
		return m, nil
	case "":
		return ModeAuto, nil
	}
	return "", fmt.Errorf("unknown import mode %q (want auto, upsert or bulk)", s)
}

// BulkMinBytes is the least input ModeAuto loads in bulk: below it, making and indexing a copy
// costs more than the rows' own index upkeep.
const BulkMinBytes = 16 << 20

// Sizer is a Source that knows how many bytes it reads.
type Sizer interface {
	Size() int64
}

// bulk reports whether a kind with these tables is loaded in bulk from src: always in
// ModeBulk, never in ModeUpsert, and in ModeAuto when src is at least BulkMinBytes and half
// the size of the tables, so that most of what the indexes will hold is new.
func (im *Importer) bulk(ctx context.Context, tables []string, src Source) (bool, error) {
	if len(tables) == 0 {
		return false, nil
	}
	switch im.Mode {
	case ModeBulk:
		return true, nil
	case ModeUpsert:
		return false, nil
	}
	sz, ok := src.(Sizer)
	if !ok || sz.Size() < BulkMinBytes {
		return false, nil
	}
	have, err := store.New().GraphTableBytes(ctx, im.Pool, tables[:1])
	return sz.Size()*2 >= have, err
}

// loadBulk loads src in ModeBulk. The transaction that holds the live tables against writers
// from the start is the one that swaps the copies in.
func (k kind[T]) loadBulk(ctx context.Context, im *Importer, src Source) (Result, error) {
	q := store.New()
	lock, err := im.Pool.Begin(ctx)
	if err != nil {
		return Result{}, err
	}
	defer lock.Rollback(context.WithoutCancel(ctx))
	if err := q.GraphLoadLock(ctx, lock, k.tables); err != nil {
		return Result{}, err
	}
	into := intoCopy
	if k.fresh != nil {
		fresh, err := q.GraphLoadFresh(ctx, lock, k.tables)
		if err != nil {
			return Result{}, err
		}
		if fresh {
			into = intoFresh
		}
	}
	if err := q.GraphLoadBegin(ctx, im.Pool, k.tables); err != nil {
		return Result{}, err
	}
	if into == intoCopy {
		if err := q.GraphLoadPrimaryKeys(ctx, im.Pool, k.tables); err != nil {
			return Result{}, err
		}
	}
	res, err := k.load(ctx, im, src, into)
	if err != nil {
		return Result{Rejected: res.Rejected}, err // nothing of it reached the graph
	}
	if k.finishBulk != nil {
		err := pgx.BeginFunc(ctx, im.Pool, func(tx pgx.Tx) error {
			if err := q.GraphLoadScope(ctx, tx); err != nil {
				return err
			}
			return k.finishBulk(ctx, tx)
		})
		if err != nil {
			return Result{Rejected: res.Rejected}, err
		}
	}
	indexes, err := q.GraphLoadIndexes(ctx, im.Pool, k.tables)
	if err != nil {
		return Result{Rejected: res.Rejected}, err
	}
	builds := make([]func(context.Context) error, len(indexes))
	for i, index := range indexes {
		builds[i] = func(ctx context.Context) error { return q.GraphLoadIndex(ctx, im.Pool, index) }
	}
	var repeats int64
	if into == intoFresh {
		// The primary key is built second, beside the longest build (the first).
		key := func(ctx context.Context) (err error) {
			repeats, err = k.primaryKey(ctx, im.Pool)
			return err
		}
		builds = slices.Insert(builds, min(1, len(builds)), key)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, build := range builds {
		g.Go(func() error { return build(gctx) })
	}
	if err := g.Wait(); err != nil {
		return Result{Rejected: res.Rejected}, err
	}
	if into == intoFresh {
		if err := q.GraphLoadUniqueKeysAttach(ctx, im.Pool, k.tables); err != nil {
			return Result{Rejected: res.Rejected}, err
		}
		res.Inserted, res.Updated = res.Inserted-repeats, res.Updated+repeats
	}
	if err := q.GraphLoadAnalyze(ctx, im.Pool, k.tables); err != nil {
		return Result{Rejected: res.Rejected}, err
	}
	if err := q.GraphLoadSwap(ctx, lock, k.tables); err != nil {
		return Result{Rejected: res.Rejected}, err
	}
	if err := lock.Commit(ctx); err != nil {
		return Result{Rejected: res.Rejected}, err
	}
	if k.afterBulk != nil {
		if err := k.afterBulk(ctx, im.Pool); err != nil {
			return res, err
		}
	}
	return res, nil
}

// primaryKey builds the unique index of the primary key on the copy of a fresh load, while
// other indexes are built beside it. When a key came again in a later batch the first try
// fails on it; then the rows its merge would have replaced are deleted (once the build beside
// it is done), and their number returned, before the second.
func (k kind[T]) primaryKey(ctx context.Context, pool *pgxpool.Pool) (repeats int64, err error) {
	q := store.New()
	err = q.GraphLoadUniqueKeys(ctx, pool, k.tables)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != pgerrcode.UniqueViolation {
		return 0, err
	}
	if repeats, err = k.dedupe(ctx, pool); err != nil {
		return 0, err
	}
	return repeats, q.GraphLoadUniqueKeys(ctx, pool, k.tables)
}
