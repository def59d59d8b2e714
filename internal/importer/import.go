package importer

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"sync"

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
	// Lanes is how many batches are converted and merged at once, each on a connection of
	// its own; 2 (this machine's cores) when zero.
	Lanes int
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
	return k.load(ctx, im, src, intoLive)
}

// target is where load writes its batches.
type target int

const (
	intoLive  target = iota // merged into the live tables
	intoCopy                // merged into the copies of a bulk load (bulk.go)
	intoFresh               // copied into the empty copies of a fresh bulk load, unmerged
)

// load reads src to the end and writes its batches to into. Rows go to one of Lanes lanes by
// their natural key, each converting and writing its own rows in the order read, on its own
// connection: a key's repeats stay in one lane, so the last one read wins, as with one lane.
func (k kind[T]) load(ctx context.Context, im *Importer, src Source, into target) (Result, error) {
	size := im.BatchSize
	if size <= 0 {
		size = 20_000
	}
	lanes := im.Lanes
	if lanes <= 0 {
		lanes = 2
	}
	if k.route == nil {
		lanes = 1
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var (
		mu      sync.Mutex // guards res, read and the callbacks
		res     Result
		read    int64
		readErr error
	)
	reject := func(line int, reason string) {
		mu.Lock()
		defer mu.Unlock()
		im.reject(&res, line, reason)
	}
	const chunk = 512 // records handed to a lane at a time
	ins := make([]chan []Record, lanes)
	var wg sync.WaitGroup
	for i := range ins {
		ins[i] = make(chan []Record, 4)
		wg.Add(1)
		go func(in <-chan []Record) {
			defer wg.Done()
			err := k.lane(ctx, im, in, size, into, reject, func(rows, inserted, suppressed int64) {
				mu.Lock()
				defer mu.Unlock()
				res.Inserted += inserted
				res.Suppressed += suppressed
				res.Updated += max(rows-inserted-suppressed, 0) // repeats within a batch count as updates
				if im.Progress != nil {
					im.Progress(read)
				}
			})
			if err != nil {
				cancel(err)
			}
			for range in { // let the reader finish
			}
		}(ins[i])
	}

	seed := maphash.MakeSeed()
	pending := make([][]Record, lanes)
	send := func(i int) bool {
		select {
		case ins[i] <- pending[i]:
			pending[i] = make([]Record, 0, chunk)
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
			break
		}
		mu.Lock()
		read++
		mu.Unlock()
		if rec.Err != nil {
			reject(rec.Line, rec.Err.Error())
			continue
		}
		i := 0
		if lanes > 1 {
			i = int(maphash.String(seed, k.route(rec.Fields)) % uint64(lanes))
		}
		pending[i] = append(pending[i], rec)
		if len(pending[i]) == chunk && !send(i) {
			break
		}
	}
	for i := range pending {
		if len(pending[i]) > 0 {
			send(i)
		}
		close(ins[i])
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, readErr
}

// lane converts the records it is given and writes them in batches of size, one after the
// other, telling done what each batch did. A batch of a fresh load holds each key once: a row
// whose key the batch holds waits for the next batch (later), so that the batches that hold a
// key commit in the order read (graph_load_dedupe keeps the newest) and stay full.
func (k kind[T]) lane(ctx context.Context, im *Importer, in <-chan []Record, size int, into target,
	reject func(line int, reason string), done func(rows, inserted, suppressed int64)) error {
	rows := make([]T, 0, size)
	var keys map[string]struct{}
	var later []T
	words := newLeadWords()
	if into == intoFresh {
		keys = make(map[string]struct{}, size)
	}
	var flush func() error
	add := func(row T) error {
		if keys != nil {
			key := k.key(row)
			if _, again := keys[key]; again {
				later = append(later, row)
				return nil
			}
			keys[key] = struct{}{}
		}
		rows = append(rows, row)
		if len(rows) == size {
			return flush()
		}
		return nil
	}
	flush = func() error {
		var inserted, suppressed int64
		var err error
		if into == intoFresh {
			err = pgx.BeginFunc(ctx, im.Pool, func(tx pgx.Tx) error {
				if err := store.New().GraphLoadScope(ctx, tx); err != nil {
					return err
				}
				if k.derive != nil {
					if err := k.derive(ctx, tx, rows, words); err != nil {
						return err
					}
				}
				return k.fresh(ctx, tx, rows)
			})
			inserted = int64(len(rows))
			clear(keys)
		} else {
			inserted, suppressed, err = k.upsert(ctx, im.Pool, rows, into == intoCopy, words)
		}
		if err != nil {
			return err
		}
		done(int64(len(rows)), inserted, suppressed)
		rows = rows[:0]
		waiting := later
		later = nil
		for _, row := range waiting {
			if err := add(row); err != nil {
				return err
			}
		}
		return nil
	}
	for recs := range in {
		for _, rec := range recs {
			row, err := k.convert(rec.Fields, int32(rec.Line))
			if err != nil {
				reject(rec.Line, err.Error())
				continue
			}
			if err := add(row); err != nil {
				return err
			}
		}
	}
	for len(rows) > 0 && ctx.Err() == nil {
		if err := flush(); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (im *Importer) reject(res *Result, line int, reason string) {
	res.Rejected++
	if im.Reject != nil {
		im.Reject(line, reason)
	}
}

// upsert stages one batch and merges it into the graph in one transaction, returning how many
// rows it inserted and how many it skipped as suppressed. With bulk it merges into the copies
// of a bulk load, and leaves to the load what after does. words is the lane's (derive).
func (k kind[T]) upsert(ctx context.Context, pool *pgxpool.Pool, rows []T, bulk bool, words *leadWords) (inserted, suppressed int64, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		q := store.New()
		if err := q.ImportBatchMemory(ctx, tx); err != nil {
			return err
		}
		if bulk {
			if err := q.GraphLoadScope(ctx, tx); err != nil {
				return err
			}
		}
		prepare := k.prepare
		if bulk && k.prepareBulk != nil {
			prepare = k.prepareBulk
		}
		if prepare != nil {
			if err := prepare(ctx, tx, rows); err != nil {
				return err
			}
		}
		if k.derive != nil {
			if err := k.derive(ctx, tx, rows, words); err != nil {
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
