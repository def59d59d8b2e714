package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/store"
)

// Result counts what an import did. Rows repeated within the input count as updates of the
// row they repeat; rows that carry a suppressed identifier are Suppressed, not Rejected.
type Result struct {
	Inserted   int64 `json:"inserted"`
	Updated    int64 `json:"updated"`
	Rejected   int64 `json:"rejected"`
	Suppressed int64 `json:"suppressed"`
}

// Importer loads records into the graph.
type Importer struct {
	Pool *pgxpool.Pool
	// BatchSize is the number of rows per COPY and upsert; 20,000 when zero.
	BatchSize int
	// Reject is told about every rejected row; nil ignores them.
	Reject func(line int, reason string)
	// Progress is called after every batch with the rows read so far; nil ignores it.
	Progress func(read int64)
	// Mode chooses between the upsert and the bulk load (bulk.go); ModeAuto when empty.
	Mode Mode
}

// ErrUnknownKind is returned for a kind that is not one of Kinds.
var ErrUnknownKind = errors.New("unknown kind")

// Import reads src to the end and upserts its valid rows as kind. A rejected row never stops
// the others; an error is returned only when reading the source or the database fails, and
// then the batches already committed stay. Reading and converting the next batch overlaps
// with the upsert of the last one.
func (im *Importer) Import(ctx context.Context, kind string, src Source) (Result, error) {
	k, ok := kinds[kind]
	if !ok {
		return Result{}, fmt.Errorf("%w %q (want one of %s)", ErrUnknownKind, kind, strings.Join(Kinds, ", "))
	}
	return k.importFrom(ctx, im, src)
}

func (k kind[T]) importFrom(ctx context.Context, im *Importer, src Source) (Result, error) {
	bulk, err := im.bulk(ctx, k.tables, src)
	if err != nil {
		return Result{}, err
	}
	if bulk {
		return k.loadBulk(ctx, im, src)
	}
	return k.load(ctx, im, src, false)
}

// load reads src to the end and merges its batches, into the live tables or, with bulk, into
// their copies (bulk.go).
func (k kind[T]) load(ctx context.Context, im *Importer, src Source, bulk bool) (Result, error) {
	size := im.BatchSize
	if size <= 0 {
		size = 20_000
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type batch struct {
		rows []T
		read int64 // records read up to the end of this batch
	}
	batches := make(chan batch, 1)
	var (
		res     Result // Rejected is written by the reader, the rest by the writer
		readErr error
	)
	go func() {
		defer close(batches)
		var read int64
		rows := make([]T, 0, size)
		send := func() bool {
			select {
			case batches <- batch{rows, read}:
				rows = make([]T, 0, size)
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			rec, err := src.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr = err
				return
			}
			read++
			if rec.Err != nil {
				im.reject(&res, rec.Line, rec.Err.Error())
				continue
			}
			row, err := k.convert(rec.Fields, int32(rec.Line))
			if err != nil {
				im.reject(&res, rec.Line, err.Error())
				continue
			}
			rows = append(rows, row)
			if len(rows) == size && !send() {
				return
			}
		}
		if len(rows) > 0 {
			send()
		}
	}()

	var inserted, updated, suppressed int64
	for b := range batches {
		ins, supp, err := k.upsert(ctx, im.Pool, b.rows, bulk)
		if err != nil {
			cancel()
			for range batches { // let the reader finish
			}
			return Result{Inserted: inserted, Updated: updated, Rejected: res.Rejected, Suppressed: suppressed}, err
		}
		inserted += ins
		suppressed += supp
		updated += max(int64(len(b.rows))-ins-supp, 0) // repeats within the batch count as updates
		if im.Progress != nil {
			im.Progress(b.read)
		}
	}
	// The reader has finished: batches is closed only after its last write.
	res.Inserted, res.Updated, res.Suppressed = inserted, updated, suppressed
	return res, readErr
}

func (im *Importer) reject(res *Result, line int, reason string) {
	res.Rejected++
	if im.Reject != nil {
		im.Reject(line, reason)
	}
}

// upsert stages one batch and merges it into the graph in one transaction, returning how many
// rows it inserted and how many it skipped as suppressed. With bulk it merges into the copies
// of a bulk load, and leaves to the load what after does.
func (k kind[T]) upsert(ctx context.Context, pool *pgxpool.Pool, rows []T, bulk bool) (inserted, suppressed int64, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if bulk {
			if err := store.New().GraphLoadScope(ctx, tx); err != nil {
				return err
			}
		}
		if k.prepare != nil {
			if err := k.prepare(ctx, tx, rows); err != nil {
				return err
			}
		}
		if _, err := k.stage(ctx, tx, rows); err != nil {
			return err
		}
		counts, err := k.merge(ctx, tx)
		if err != nil {
			return err
		}
		inserted, suppressed = counts[0], counts[1]
		if k.after != nil && !bulk {
			return k.after(ctx, tx, rows)
		}
		return nil
	})
	return inserted, suppressed, err
}
