// Command bench measures OpenResolve beside its yardsticks (make bench; internal/tools/bench).
package main

import (
	"os"

	"github.com/openresolve/openresolve/internal/tools/bench"
)

func main() { os.Exit(bench.Main(os.Args[1:])) }
