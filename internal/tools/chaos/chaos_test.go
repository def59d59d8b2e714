package chaos

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openresolve/openresolve/internal/tools/harness"
)

// bin holds the binaries the tests run, built once (TestMain).
var bin string

func TestMain(m *testing.M) {
	dir, err := harness.TestBinaries("../../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the chaos scenario with o (from 32 clients, a grace of two minutes, the binaries
// built), logging its table; it returns the report, the run's log and the table. The run's
// files stay when the test fails, to explain it.
func run(t *testing.T, o Options) (Report, string, string) {
	t.Helper()
	var log bytes.Buffer
	o.Concurrency, o.Grace, o.BinDir, o.Log = 32, 2*time.Minute, bin, &log
	rep, err := Run(context.Background(), o)
	require.NoError(t, err, log.String())
	t.Cleanup(func() {
		if !t.Failed() {
			_ = os.RemoveAll(rep.WorkDir)
		}
	})
	var table bytes.Buffer
	rep.Print(&table)
	t.Log("\n" + table.String())
	return rep, log.String(), table.String()
}

// TestChaosShort is the short version of make chaos: the real binaries, built here, through
// the same faults in 30 seconds of load from 32 clients: 3,500 requests, a tenth of them
// batches of 20 (10,150 resolutions), a fifth of the requests sent twice with their
// Idempotency-Key. Nothing lost, no repeat a killed worker does not explain, and usage exactly
// as the resolutions came out (Report.OK).
func TestChaosShort(t *testing.T) {
	rep, log, table := run(t, Options{Duration: 30 * time.Second, Requests: 3500})
	require.True(t, rep.OK(), "%s\n%s", log, table)
	require.Equal(t, rep.Sent, rep.Accepted, "every request was eventually accepted")
	require.Equal(t, rep.Accepted, rep.Callbacks)
	require.Equal(t, rep.Sent/BatchEvery, rep.Batches, "every batch delivered too")
	require.Zero(t, rep.Pending)
	require.Zero(t, rep.Failed)
	require.True(t, rep.Usage.OK(), "usage: %+v", rep.Usage)
	require.Equal(t, rep.Sent/ReplayEvery, rep.Replays)
	var resolutions int64
	for _, c := range rep.Usage.Want {
		resolutions += c.Accepted
	}
	require.EqualValues(t, rep.Sent-rep.Batches+rep.Batches*BatchItems, resolutions)
}

// TestUsageUnderChaos: 10,000 requests from 32 clients over 40 seconds, a tenth of them
// batches of 20 (29,000 resolutions), a fifth sent twice with their Idempotency-Key, while
// workers are SIGKILLed, the API is killed and Postgres crashes: GET /v1/usage and `openresolve
// usage --json` must say exactly what the resolutions are, and nothing may be lost. (Repeated
// deliveries are TestChaosShort's and make chaos's to judge; at this load they are only logged.)
func TestUsageUnderChaos(t *testing.T) {
	rep, _, table := run(t, Options{Duration: 40 * time.Second, Requests: 10000})
	require.True(t, rep.Usage.OK(), "usage: %+v\n%s", rep.Usage, table)
	require.Equal(t, rep.Sent, rep.Accepted)
	require.Empty(t, rep.Lost)
	require.Empty(t, rep.Unstored)
	require.Zero(t, rep.Mismatched)
	require.Equal(t, rep.Sent/ReplayEvery, rep.Replays)
	var resolutions int64
	for _, c := range rep.Usage.Want {
		resolutions += c.Accepted
	}
	require.EqualValues(t, 29000, resolutions)
}

// TestExplainDuplicate: a repeat is explained only by a worker's SIGKILL between the start of
// the delivery before it (at most attemptTimeout before its 2xx) and the repeat.
func TestExplainDuplicate(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	kill := Fault{What: "SIGKILL worker-1, restart after 1s", killed: at(10)}
	outage := Fault{What: "Postgres crash (immediate stop), restart after 2s"}
	for _, tc := range []struct {
		name     string
		times    []time.Time
		recorded int
		faults   []Fault
		want     bool
	}{
		{"a kill between the two", []time.Time{at(9.9), at(25)}, 1, []Fault{kill}, true},
		{"no fault at all", []time.Time{at(9.9), at(25)}, 1, nil, false},
		{"only a database outage", []time.Time{at(9.9), at(25)}, 1, []Fault{outage}, false},
		{"the kill came while the first was on the way", []time.Time{at(10.005), at(25)}, 1, []Fault{kill}, true},
		{"the kill came before the first could start", []time.Time{at(10).Add(attemptTimeout + time.Millisecond), at(25)}, 1, []Fault{kill}, false},
		{"the kill came after both", []time.Time{at(5), at(9)}, 1, []Fault{kill}, false},
		{"three, one kill explains one repeat", []time.Time{at(9), at(20), at(30)}, 1, []Fault{kill}, false},
		{"recorded as often as sent", []time.Time{at(9.9), at(25)}, 2, []Fault{kill}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := explainDuplicate("res_1", tc.times, tc.recorded, tc.faults)
			require.Equal(t, tc.want, d.Explained, d.Reason)
			require.Equal(t, len(tc.times), d.Times)
		})
	}
}
