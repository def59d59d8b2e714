package client_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/openresolve/openresolve/client"
)

// Start a resolution; the result arrives at the callback URL (see package webhook), and
// GetResolution reports progress meanwhile.
func Example() {
	c := client.New("http://localhost:8080", os.Getenv("OPENRESOLVE_API_KEY"))
	ctx := context.Background()
	a, err := c.Enrichment(ctx, client.EnrichmentRequest{
		Request: client.Request{
			CallbackURL:    "https://me.example.com/openresolve/callback",
			ExternalID:     "row-7",
			IdempotencyKey: "row-7", // a retry of this call cannot start a second resolution
		},
		CompanyName: "Acme Logistics",
		FullName:    "Jane Doe",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("accepted", a.ID)

	r, err := c.GetResolution(ctx, a.ID)
	if err != nil {
		log.Fatal(err)
	}
	if r.Status != "processing" {
		var res client.EnrichmentResult
		if err := r.Decode(&res); err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Status, res.MatchedBy, res.Confidence)
	}
}
