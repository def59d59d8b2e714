package harness

import (
	"fmt"
	"os"
	"os/exec"
)

// TestBinaries builds the api, worker and openresolve binaries of the module at root into a
// new temporary directory, for a test package's TestMain, and returns it; the caller removes
// it.
func TestBinaries(root string) (string, error) {
	dir, err := os.MkdirTemp("", "openresolve-bin-")
	if err != nil {
		return "", err
	}
	build := exec.Command("go", "build", "-o", dir+"/", "./cmd/api", "./cmd/worker", "./cmd/openresolve")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return "", fmt.Errorf("build: %w: %s", err, out)
	}
	return dir, nil
}
