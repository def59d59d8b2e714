// Command chaos runs OpenResolve's binaries through crashes, restarts and outages under load
// and reconciles the result (make chaos; internal/tools/chaos). It exits 1 when anything
// accepted was lost.
package main

import (
	"os"

	"github.com/openresolve/openresolve/internal/tools/chaos"
)

func main() { os.Exit(chaos.Main(os.Args[1:])) }
