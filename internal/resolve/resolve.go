// Package resolve answers identity questions. Each endpoint has a request type, filled and
// normalized by the API (internal/endpoint), and a Resolver that answers it from the identity
// graph, run by the worker on the request as it was stored. It knows nothing of HTTP, River or
// the states a resolution goes through.
package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"net"

	"github.com/openresolve/openresolve/internal/store"
)

// Result is what a resolver found: whether it found anything, and the fields that stand at
// the top level of the callback body.
type Result struct {
	Found  bool
	Fields map[string]any
}

// Resolver answers one kind of request. request is the JSON the API stored for it. An error
// means the question could not be answered now (the job is retried); "nothing matched" is a
// Result that did not find, not an error.
type Resolver interface {
	Resolve(ctx context.Context, request json.RawMessage) (Result, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, request json.RawMessage) (Result, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, request json.RawMessage) (Result, error) {
	return f(ctx, request)
}

// Deps are what the graph resolvers read from.
type Deps struct {
	// Graph is the identity graph's database: the main one, or a read replica.
	Graph store.DBTX
	// DNS answers the domain finder's look-ups; the system's resolver when nil.
	DNS *net.Resolver
}

func (d Deps) graph() graph { return graph{db: d.Graph, q: store.New()} }

// The resolvers, one constructor per endpoint (internal/endpoint lists them).

// NewEnrichment returns the enrichment resolver.
func NewEnrichment(d Deps) Resolver { return Enrichment{d.graph()} }

// NewDeanonymization returns the deanonymization resolver.
func NewDeanonymization(d Deps) Resolver { return Deanonymization{d.graph()} }

// NewLinkedInToPhone returns the linkedin-to-phone resolver.
func NewLinkedInToPhone(d Deps) Resolver { return LinkedInToPhone{d.graph()} }

// NewLinkedInToHEM returns the linkedin-to-hem resolver.
func NewLinkedInToHEM(d Deps) Resolver { return LinkedInToHEM{d.graph()} }

// NewEmailToHEM returns the email-to-hem resolver.
func NewEmailToHEM(Deps) Resolver { return EmailToHEM{} }

// NewIPToCompany returns the ip-to-company resolver.
func NewIPToCompany(d Deps) Resolver { return IPToCompany{d.graph()} }

// NewDomainFinder returns the organization-domain-finder resolver.
func NewDomainFinder(d Deps) Resolver {
	dns := d.DNS
	if dns == nil {
		dns = net.DefaultResolver
	}
	return DomainFinder{d.graph(), dns}
}

// NewKeywordToLead returns the keyword-to-lead resolver.
func NewKeywordToLead(d Deps) Resolver { return KeywordToLead{g: d.graph(), countTo: LeadCountTo} }

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
