// Command quality measures how well names are matched (make quality), or fits the confidence
// calibration (make calibrate); internal/tools/quality.
package main

import (
	"os"

	"github.com/openresolve/openresolve/internal/tools/quality"
)

func main() { os.Exit(quality.Main(os.Args[1:])) }
