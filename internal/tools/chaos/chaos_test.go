package chaos

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestChaosShort is the short version of make chaos: the real binaries, built here, through
// the same faults in 20 seconds of load.
func TestChaosShort(t *testing.T) {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/api", "./cmd/worker", "./cmd/openresolve")
	build.Dir = "../../.."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	var log bytes.Buffer
	rep, err := Run(context.Background(), Options{
		Duration: 20 * time.Second, Grace: 2 * time.Minute, Requests: 400, Concurrency: 16,
		BinDir: bin, Log: &log,
	})
	require.NoError(t, err, log.String())
	t.Cleanup(func() {
		if !t.Failed() { // the logs are for explaining a failure
			_ = os.RemoveAll(rep.WorkDir)
		}
	})
	var table bytes.Buffer
	rep.Print(&table)
	t.Log("\n" + table.String())
	require.True(t, rep.OK(), "%s\n%s", log.String(), table.String())
	require.Equal(t, rep.Sent, rep.Accepted, "every request was eventually accepted")
	require.Equal(t, rep.Accepted, rep.Callbacks)
	require.Equal(t, rep.Sent/BatchEvery, rep.Batches, "every batch delivered too")
	require.Zero(t, rep.Pending)
	require.Zero(t, rep.Failed)
}
