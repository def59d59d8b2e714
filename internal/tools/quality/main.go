package quality

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/openresolve/openresolve/internal/tools/labelled"
)

// Main is cmd/quality: it reads the flags in args, then measures the matching (make quality)
// or fits the calibration (make calibrate, --fit), and returns the exit code.
func Main(args []string) int {
	o := Options{Sizes: labelled.DefaultSizes, Log: os.Stderr}
	fs := flag.NewFlagSet("quality", flag.ContinueOnError)
	fs.Uint64Var(&o.Seed, "seed", 1, "the labelled set: the same seed gives the same companies and questions")
	fs.IntVar(&o.Sizes.Companies, "companies", o.Sizes.Companies, "companies in the graph")
	fs.IntVar(&o.Concurrency, "concurrency", 16, "questions asked at once")
	fs.StringVar(&o.BinDir, "bin", "bin", "directory of the api, worker and openresolve binaries")
	fit := fs.String("fit", "", "instead: fit the calibration on the set and write it to this Go file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if *fit != "" {
		companies := o.Sizes.Companies
		o.Sizes = labelled.FitSizes
		o.Sizes.Companies = companies
		err = Fit(ctx, o, *fit)
	} else {
		var rep *Report
		if rep, err = Run(ctx, o); err == nil {
			rep.Print(os.Stdout)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		return 1
	}
	return 0
}
