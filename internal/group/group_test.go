package group

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
	g := New(1, 100, time.Second, func(_ context.Context, ins []int) ([]int, error) {
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
		out, err := g.Do(ctx, 1)
		require.NoError(t, err)
		require.Equal(t, 10, out)
	})
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(batches) == 1 }, time.Second, time.Millisecond)
	results := make([]int, 5)
	for i := range 5 {
		wg.Go(func() {
			out, err := g.Do(ctx, i+2)
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

	_, err := g.Do(ctx, -1)
	require.ErrorContains(t, err, "batch failed")

	done, cancel := context.WithCancel(ctx)
	cancel()
	g.Close()
	_, err = New(1, 1, time.Second, func(context.Context, []int) ([]int, error) {
		t.Fatal("a call whose context ended before it was queued is not served")
		return nil, nil
	}).Do(done, 1)
	require.ErrorIs(t, err, context.Canceled)
}

// TestGroupDeadline: a batch is served with the group's own timeout, whatever the calls'
// deadlines; a call whose deadline passed while it was queued is left out of its batch, and
// the live calls beside it are served.
func TestGroupDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	served := make(chan []int, 3)
	deadlines := make(chan time.Time, 3)
	g := New(1, 10, time.Hour, func(ctx context.Context, ins []int) ([]int, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, _ := ctx.Deadline()
		deadlines <- d
		served <- ins
		if ins[0] == 1 {
			<-release // hold the first batch while the next calls queue
		}
		return make([]int, len(ins)), nil
	})
	defer g.Close()
	bg := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() {
		_, err := g.Do(bg, 1)
		require.NoError(t, err)
	})
	require.Equal(t, []int{1}, <-served)
	require.WithinDuration(t, time.Now().Add(time.Hour), <-deadlines, time.Minute)

	expiring, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	var expiredErr error
	wg.Go(func() { _, expiredErr = g.Do(expiring, 2) })
	require.Eventually(t, func() bool { return len(g.in) == 1 }, time.Second, time.Millisecond)
	wg.Go(func() {
		_, err := g.Do(bg, 3)
		require.NoError(t, err, "a live call is served beside one that expired")
	})
	require.Eventually(t, func() bool { return len(g.in) == 2 }, time.Second, time.Millisecond)
	<-expiring.Done()
	close(release)
	wg.Wait()
	require.ErrorIs(t, expiredErr, context.DeadlineExceeded)
	select {
	case ins := <-served:
		require.Equal(t, []int{3}, ins, "the expired call is not served")
		require.WithinDuration(t, time.Now().Add(time.Hour), <-deadlines, time.Minute, "the group's timeout, not a call's")
	default:
		t.Fatal("the second batch was not served")
	}
}

// TestGroupClose: a group that closes serves the calls it holds, and refuses later ones
// with ErrStopping instead of failing on its closed queue.
func TestGroupClose(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	g := New(1, 10, time.Minute, func(_ context.Context, ins []int) ([]int, error) {
		started <- struct{}{}
		<-release
		return ins, nil
	})
	var wg sync.WaitGroup
	wg.Go(func() {
		out, err := g.Do(context.Background(), 7)
		require.NoError(t, err, "a call taken before close is served")
		require.Equal(t, 7, out)
	})
	<-started
	closed := make(chan struct{})
	go func() { g.Close(); close(closed) }()
	require.Eventually(t, func() bool { g.mu.RLock(); defer g.mu.RUnlock(); return g.closed }, time.Second, time.Millisecond)
	for range 100 {
		_, err := g.Do(context.Background(), 8)
		require.ErrorIs(t, err, ErrStopping)
	}
	select {
	case <-closed:
		t.Fatal("close returned while a call was being served")
	default:
	}
	close(release)
	wg.Wait()
	<-closed
	_, err := g.Do(context.Background(), 9)
	require.ErrorIs(t, err, ErrStopping)
}
