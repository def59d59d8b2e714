// Package resolve answers identity questions. Each endpoint has a request type, filled and
// normalized by the API, and a Resolver, run by the worker on the request as it was stored.
package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"time"

	"github.com/riverqueue/river"

	"github.com/openresolve/openresolve/internal/store"
)

// Statuses of a finished resolution.
const (
	StatusProcessing = "processing"
	StatusCompleted  = "completed"
	StatusNotFound   = "not_found"
	StatusFailed     = "failed"
)

// Result is what a resolver found: StatusCompleted or StatusNotFound, and the fields that
// stand at the top level of the callback body.
type Result struct {
	Status string
	Fields map[string]any
}

// Resolver answers one kind of request. request is the JSON the API stored for it. An error
// means the question could not be answered now (the job is retried); "nothing matched" is a
// Result with StatusNotFound, not an error.
type Resolver interface {
	Resolve(ctx context.Context, request json.RawMessage) (Result, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, request json.RawMessage) (Result, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, request json.RawMessage) (Result, error) {
	return f(ctx, request)
}

// Endpoint names, as in the URL path /v1/<name> and the resolutions.endpoint column.
const (
	EndpointEnrichment      = "enrichment"
	EndpointDeanonymization = "deanonymization"
	EndpointLinkedInToPhone = "linkedin-to-phone"
	EndpointLinkedInToHEM   = "linkedin-to-hem"
	EndpointEmailToHEM      = "email-to-hem"
	EndpointIPToCompany     = "ip-to-company"
	EndpointDomainFinder    = "organization-domain-finder"
	EndpointKeywordToLead   = "keyword-to-lead"
)

// Resolvers returns the resolver of every endpoint, by endpoint name.
func Resolvers(deps Deps) map[string]Resolver {
	g := graph{db: deps.Graph, q: store.New()}
	dns := deps.DNS
	if dns == nil {
		dns = net.DefaultResolver
	}
	return map[string]Resolver{
		EndpointEnrichment:      Enrichment{g},
		EndpointDeanonymization: Deanonymization{g},
		EndpointLinkedInToPhone: LinkedInToPhone{g},
		EndpointLinkedInToHEM:   LinkedInToHEM{g},
		EndpointEmailToHEM:      EmailToHEM{},
		EndpointIPToCompany:     IPToCompany{g},
		EndpointDomainFinder:    DomainFinder{g, dns},
		EndpointKeywordToLead:   KeywordToLead{g},
	}
}

// QueueResolve is the River queue of resolve jobs.
const QueueResolve = "resolve"

// Args is the River job that resolves one stored resolution.
type Args struct {
	ResolutionID string `json:"resolution_id"`
}

// Kind implements river.JobArgs.
func (Args) Kind() string { return "resolve" }

// MaxAttempts is how many times a resolver is tried before the resolution is marked failed.
const MaxAttempts = 5

// InsertOpts implements river.JobArgsWithInsertOpts.
func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueResolve, MaxAttempts: MaxAttempts}
}

// Timeout bounds one run of a resolver.
const Timeout = 20 * time.Second

// permanentError marks a failure that no retry can fix, such as a stored request that does not
// decode.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the worker fails the resolution at once instead of retrying.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
