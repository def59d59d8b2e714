// Command api serves OpenResolve's HTTP API (internal/app.NewAPI).
package main

import (
	"os"

	"github.com/openresolve/openresolve/internal/app"
)

func main() { os.Exit(app.Main("api", app.NewAPI)) }
