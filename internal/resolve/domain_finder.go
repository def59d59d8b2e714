package resolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/openresolve/openresolve/internal/names"
)

// DomainFinderRequest is the stored request of /v1/organization-domain-finder.
type DomainFinderRequest struct {
	CompanyName string `json:"companyName"`
	// Country is an ISO 3166-1 alpha-2 code, or empty.
	Country string `json:"country,omitempty"`
}

// DomainFinder finds a company's domain: in the graph by name or alias (restricted to the
// country when one is given), otherwise by asking DNS which domains built from the name exist
// (an A, AAAA or MX record). DNS guesses never reach confidence 0.9: a registered domain that
// spells a name is often someone else's.
type DomainFinder struct {
	g   graph
	dns *net.Resolver
}

// dnsTimeout bounds each DNS look-up.
const dnsTimeout = 3 * time.Second

// Resolve implements Resolver.
func (d DomainFinder) Resolve(ctx context.Context, raw json.RawMessage) (Result, error) {
	var req DomainFinderRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return Result{}, Permanent(fmt.Errorf("decode organization-domain-finder request: %w", err))
	}
	out := map[string]any{"companyName": req.CompanyName, "domain": nil, "confidence": 0.0, "candidates": []any{}}
	cands, err := d.g.matchCompanyName(ctx, req.CompanyName, req.Country)
	if err != nil {
		return Result{}, err
	}
	type scored struct {
		domain     string
		confidence float64
		source     string
	}
	var list []scored
	seen := map[string]bool{}
	for _, c := range cands {
		if !seen[c.Domain] {
			seen[c.Domain] = true
			list = append(list, scored{c.Domain, floor2(c.Confidence), "graph"})
		}
	}
	if len(list) == 0 {
		guesses, err := d.guess(ctx, req.CompanyName, req.Country)
		if err != nil {
			return Result{}, err
		}
		for _, g := range guesses {
			list = append(list, scored{g.domain, g.confidence, "dns"})
		}
	}
	if len(list) == 0 {
		return Result{Fields: out}, nil
	}
	items := make([]any, len(list))
	for i, s := range list {
		items[i] = map[string]any{"domain": s.domain, "confidence": s.confidence, "source": s.source}
	}
	out["domain"], out["confidence"], out["candidates"] = list[0].domain, list[0].confidence, items
	return Result{Found: true, Fields: out}, nil
}

type guess struct {
	domain     string
	confidence float64
}

// candidateDomains builds the domains a company name is likely to use, with the prior
// confidence of each should it exist: the whole name joined, then hyphenated, then the first
// word alone; under .com and the country's own suffix.
func candidateDomains(name, country string) []guess {
	var ascii []string
	for _, w := range names.ParseCompany(name).Regular() {
		ascii = append(ascii, w.Text) // folded: lower-case ASCII letters and digits
	}
	if len(ascii) == 0 {
		return nil
	}
	suffixes := []string{"com"}
	if cc := countrySuffix(country); cc != "" && cc != "com" {
		suffixes = []string{cc, "com"}
	}
	type stem struct {
		label string
		prior float64
	}
	stems := []stem{{strings.Join(ascii, ""), 0.7}}
	if len(ascii) > 1 {
		stems = append(stems, stem{strings.Join(ascii, "-"), 0.6})
		if len(ascii[0]) >= 4 {
			stems = append(stems, stem{ascii[0], 0.35})
		}
	}
	var out []guess
	seen := map[string]bool{}
	for _, s := range stems {
		if len(s.label) > 63 {
			continue
		}
		for i, suf := range suffixes {
			d := s.label + "." + suf
			if seen[d] {
				continue
			}
			seen[d] = true
			// The country's own suffix first when a country is given; .com a little lower.
			out = append(out, guess{d, s.prior - 0.05*float64(i)})
		}
	}
	return out
}

// countrySuffix is where companies of a country usually register.
func countrySuffix(country string) string {
	switch country {
	case "":
		return ""
	case "US":
		return "com"
	case "GB":
		return "co.uk"
	case "AU", "NZ", "BR", "MX", "AR", "TR", "ZA", "JP", "KR", "IN", "SG", "MY", "HK", "CN":
		return map[string]string{"AU": "com.au", "NZ": "co.nz", "BR": "com.br", "MX": "com.mx",
			"AR": "com.ar", "TR": "com.tr", "ZA": "co.za", "JP": "co.jp", "KR": "co.kr", "IN": "in",
			"SG": "com.sg", "MY": "com.my", "HK": "com.hk", "CN": "cn"}[country]
	default:
		return strings.ToLower(country)
	}
}

// guess looks the candidates up in DNS, all at once. A name that does not exist is no
// answer; when every look-up fails for another reason (DNS unreachable), that is an error,
// so the resolution is retried rather than answered not_found.
func (d DomainFinder) guess(ctx context.Context, name, country string) ([]guess, error) {
	cands := candidateDomains(name, country)
	if len(cands) == 0 {
		return nil, nil
	}
	type answer struct {
		exists bool
		err    error
	}
	answers := make([]answer, len(cands))
	var wg sync.WaitGroup
	for i, c := range cands {
		wg.Go(func() {
			answers[i].exists, answers[i].err = d.exists(ctx, c.domain)
		})
	}
	wg.Wait()
	var out []guess
	failures := 0
	var lastErr error
	for i, a := range answers {
		switch {
		case a.err != nil:
			failures++
			lastErr = a.err
		case a.exists:
			out = append(out, cands[i])
		}
	}
	if failures == len(cands) {
		return nil, fmt.Errorf("DNS look-ups failed: %w", lastErr)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].confidence > out[j].confidence })
	for i := range out {
		out[i].confidence = floor2(out[i].confidence)
	}
	return out, nil
}

// exists reports whether domain has an address or a mail exchanger.
func (d DomainFinder) exists(ctx context.Context, domain string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, dnsTimeout)
	defer cancel()
	addrs, err := d.dns.LookupHost(ctx, domain)
	if err == nil && len(addrs) > 0 {
		return true, nil
	}
	if err != nil && !notFound(err) {
		return false, err
	}
	mx, err := d.dns.LookupMX(ctx, domain)
	if err == nil && len(mx) > 0 {
		return true, nil
	}
	if err != nil && !notFound(err) {
		return false, err
	}
	return false, nil
}

func notFound(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && (dnsErr.IsNotFound || (!dnsErr.IsTimeout && !dnsErr.IsTemporary))
}

// NewDNSResolver returns a resolver that asks the DNS server at addr (host:port) only, or the
// system's resolver when addr is empty (DNS_RESOLVER).
func NewDNSResolver(addr string) *net.Resolver {
	if addr == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
}
