// Command worker runs OpenResolve's River workers, resolving and delivering callbacks
// (internal/app.NewWorker).
package main

import (
	"os"

	"github.com/openresolve/openresolve/internal/app"
)

func main() { os.Exit(app.Main("worker", app.NewWorker)) }
