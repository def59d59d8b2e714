// Command quality measures how well names are matched (make quality), or fits the confidence
// calibration (make calibrate).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openresolve/openresolve/internal/tools/labelled"
	"github.com/openresolve/openresolve/internal/tools/quality"
)

func main() { os.Exit(run()) }

func run() int {
	o := quality.Options{Sizes: labelled.DefaultSizes, Log: os.Stderr}
	flag.Uint64Var(&o.Seed, "seed", 1, "the labelled set: the same seed gives the same companies and questions")
	flag.IntVar(&o.Sizes.Companies, "companies", o.Sizes.Companies, "companies in the graph")
	flag.IntVar(&o.Concurrency, "concurrency", 16, "questions asked at once")
	flag.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	fit := flag.String("fit", "", "instead: fit the calibration on the set and write it to this Go file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *fit != "" {
		companies := o.Sizes.Companies
		o.Sizes = labelled.FitSizes
		o.Sizes.Companies = companies
		if err := quality.Fit(ctx, o, *fit); err != nil {
			fmt.Fprintln(os.Stderr, "quality:", err)
			return 1
		}
		return 0
	}
	rep, err := quality.Run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		return 1
	}
	rep.Print(os.Stdout)
	return 0
}
