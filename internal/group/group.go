// Package group serves calls in batches: calls that arrive while a batch is being served wait
// for the next one, so that under load many share one round trip, one statement and one
// commit (the accept and finish groups of internal/resolution, the learning of
// internal/providers).
package group

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrStopping is what a call made after its group began to close gets: the process is
// stopping and takes no more work (the API answers 503, a job is retried elsewhere).
var ErrStopping = errors.New("stopping: taking no more work")

// Group serves calls in batches: the calls that arrive while earlier batches are being served
// wait for the next one, which holds them all, so that under load many calls share one round
// trip, one statement and one commit; under light load a batch is one call and nothing waits.
// At most servers batches are served at once, each of at most max calls.
type Group[In, Out any] struct {
	in      chan *call[In, Out]
	serve   func(ctx context.Context, ins []In) ([]Out, error)
	max     int
	timeout time.Duration
	wg      sync.WaitGroup
	once    sync.Once

	mu     sync.RWMutex   // guards closed, and calls.Add against close's calls.Wait
	closed bool           // no call is taken any more
	calls  sync.WaitGroup // the calls in do
}

// call is one call waiting for its batch.
type call[In, Out any] struct {
	ctx  context.Context
	in   In
	out  Out
	err  error
	done chan struct{}
}

// New starts a Group. serve answers a batch, an Out for each In in order, or an error
// for the whole batch; it runs with a deadline of timeout, the group's own: the calls' own
// deadlines decide only whether a call is served at all (see run).
func New[In, Out any](servers, max int, timeout time.Duration, serve func(context.Context, []In) ([]Out, error)) *Group[In, Out] {
	g := &Group[In, Out]{in: make(chan *call[In, Out], 4096), serve: serve, max: max, timeout: timeout}
	for range servers {
		g.wg.Go(g.loop)
	}
	return g
}

// Close stops the group: it takes no more calls (they get ErrStopping), serves the ones it
// holds and those already on their way in, then ends.
func (g *Group[In, Out]) Close() {
	g.once.Do(func() {
		g.mu.Lock()
		g.closed = true
		g.mu.Unlock()
		g.calls.Wait() // the servers run until every call taken is served
		close(g.in)
	})
	g.wg.Wait()
}

// Do adds in to the next batch and waits for its outcome. A call whose ctx ends before its
// batch is served is not served, and gets ctx's error. Once its batch is being served, it
// waits for the outcome even past its deadline (the group's timeout bounds that wait): an
// outcome is never reported otherwise than it was (a request told of a failure for a row
// that then commits, say).
func (g *Group[In, Out]) Do(ctx context.Context, in In) (Out, error) {
	var zero Out
	if err := ctx.Err(); err != nil {
		return zero, err // select picks at random among ready cases: check first
	}
	g.mu.RLock() // every request takes it: calls do not wait for each other
	if g.closed {
		g.mu.RUnlock()
		return zero, ErrStopping
	}
	g.calls.Add(1)
	g.mu.RUnlock()
	defer g.calls.Done()
	c := &call[In, Out]{ctx: ctx, in: in, done: make(chan struct{})}
	select {
	case g.in <- c:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	<-c.done
	return c.out, c.err
}

func (g *Group[In, Out]) loop() {
	for first := range g.in {
		batch := []*call[In, Out]{first}
	gather:
		for len(batch) < g.max {
			select {
			case c, ok := <-g.in:
				if !ok {
					break gather
				}
				batch = append(batch, c)
			default:
				break gather
			}
		}
		g.run(batch)
	}
}

// run serves the calls of batch still wanted. A call whose ctx ended while it was queued (an
// API request past its deadline, under overload) is answered with its error and left out:
// the others are served with the group's own timeout, not the earliest of theirs, so one
// expired call never fails a batch of live ones.
func (g *Group[In, Out]) run(batch []*call[In, Out]) {
	live := batch[:0]
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = err
			close(c.done)
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	ins := make([]In, len(live))
	for i, c := range live {
		ins[i] = c.in
	}
	ctx, cancel := context.WithTimeout(context.Background(), g.timeout)
	outs, err := g.serve(ctx, ins)
	cancel()
	for i, c := range live {
		if err != nil {
			c.err = err
		} else {
			c.out = outs[i]
		}
		close(c.done)
	}
}
