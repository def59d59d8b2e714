package resolution

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestGroup: calls that arrive while a batch is being served share the next one; each gets
// its own answer, or its batch's error.
func TestGroup(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var mu sync.Mutex
	var batches [][]int
	g := newGroup(1, 100, time.Second, func(_ context.Context, ins []int) ([]int, error) {
		mu.Lock()
		batches = append(batches, ins)
		first := len(batches) == 1
		mu.Unlock()
		if first {
			<-release // hold the first batch while the others queue
		}
		if ins[0] < 0 {
			return nil, errors.New("batch failed")
		}
		out := make([]int, len(ins))
		for i, n := range ins {
			out[i] = n * 10
		}
		return out, nil
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() {
		out, err := g.do(ctx, 1)
		require.NoError(t, err)
		require.Equal(t, 10, out)
	})
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(batches) == 1 }, time.Second, time.Millisecond)
	results := make([]int, 5)
	for i := range 5 {
		wg.Go(func() {
			out, err := g.do(ctx, i+2)
			require.NoError(t, err)
			results[i] = out
		})
	}
	require.Eventually(t, func() bool { return len(g.in) == 5 }, time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	require.Equal(t, []int{20, 30, 40, 50, 60}, results)
	require.Len(t, batches, 2, "the five calls made while the first was served share one batch")
	require.ElementsMatch(t, []int{2, 3, 4, 5, 6}, batches[1])

	_, err := g.do(ctx, -1)
	require.ErrorContains(t, err, "batch failed")

	done, cancel := context.WithCancel(ctx)
	cancel()
	g.close()
	_, err = newGroup(1, 1, time.Second, func(context.Context, []int) ([]int, error) {
		t.Fatal("a call whose context ended before it was queued is not served")
		return nil, nil
	}).do(done, 1)
	require.ErrorIs(t, err, context.Canceled)
}

// TestGroupDeadline: a batch is served within the earliest deadline of its calls, or the
// group's timeout.
func TestGroupDeadline(t *testing.T) {
	t.Parallel()
	deadlines := make(chan time.Time, 2)
	g := newGroup(1, 10, time.Hour, func(ctx context.Context, ins []int) ([]int, error) {
		d, _ := ctx.Deadline()
		deadlines <- d
		return make([]int, len(ins)), nil
	})
	defer g.close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := g.do(ctx, 1)
	require.NoError(t, err)
	d, _ := ctx.Deadline()
	require.Equal(t, d, <-deadlines)
	_, err = g.do(context.Background(), 1)
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(time.Hour), <-deadlines, time.Minute)
}
