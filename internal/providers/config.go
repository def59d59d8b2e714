// Package providers asks the operator's upstream data providers when the identity graph has no
// answer (CONTRACT.md section 11): the providers of PROVIDERS_FILE, in order, each through a
// preset that knows its documented request and answer shapes (People Data Labs, Hunter) or a
// generic one the file describes. What a provider finds is written into the graph through the
// import's path, so the graph answers the next question; each call's outcome is stored before
// the next step, so a worker that dies resumes without paying twice; budgets are counted in
// Postgres, exactly, across every worker.
package providers

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// File is the document PROVIDERS_FILE names.
type File struct {
	Providers []Config `yaml:"providers"`
}

// Config is one provider as the operator describes it.
type Config struct {
	// Name is unique; it is shown in answers (sources), the status, metrics and the CLI.
	Name string `yaml:"name"`
	// Preset is a built-in request and answer mapping (Presets), or "generic".
	Preset    string   `yaml:"preset"`
	Endpoints []string `yaml:"endpoints"`
	URL       string   `yaml:"url"`
	// APIKeyEnv names the environment variable the secret is read from; it is never in the
	// file.
	APIKeyEnv        string   `yaml:"apiKeyEnv"`
	Timeout          Duration `yaml:"timeout"`
	RatePerSecond    float64  `yaml:"ratePerSecond"`
	MonthlyBudget    int64    `yaml:"monthlyBudget"`
	CacheFor         Duration `yaml:"cacheFor"`
	NegativeCacheFor Duration `yaml:"negativeCacheFor"`
	AllowedNetworks  []string `yaml:"allowedNetworks"`

	// The generic preset's request and answer: Method (GET by default) to URL and Path, a
	// template whose {field} placeholders take the request's normalized fields (linkedinUrl,
	// email, fullName, firstName, lastName, domain, companyName) and {apiKey} the secret, as do
	// the Headers' values; Fields maps each answer field (GenericFields) to a JSON Pointer into
	// the answer. A 404, or an answer where no field's pointer finds a value, is "nothing
	// found".
	Method  string            `yaml:"method"`
	Path    string            `yaml:"path"`
	Headers map[string]string `yaml:"headers"`
	Fields  map[string]string `yaml:"fields"`
}

// Duration is a Go duration written as a string ("10s", "2160h").
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 10s or 2160h", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Defaults of a provider's settings the file leaves out.
const (
	DefaultTimeout          = 10 * time.Second
	DefaultCacheFor         = 2160 * time.Hour // 90 days
	DefaultNegativeCacheFor = 168 * time.Hour  // a week
)

// Provider is a provider ready to be asked: its settings, checked, with its secret.
type Provider struct {
	Config
	preset  preset
	secret  string
	allowed []netip.Prefix
}

// Serves reports whether p answers questions of endpoint.
func (p *Provider) Serves(endpoint string) bool { return slices.Contains(p.Endpoints, endpoint) }

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// Parse reads a providers file and checks it; getenv supplies the secrets (nil reads none,
// for commands that only report). Every mistake is reported with the provider it belongs to,
// and none is started: an operator learns of a wrong file at start, not at the first
// question.
func Parse(doc []byte, getenv func(string) string) ([]*Provider, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("providers file: %w", err)
	}
	var out []*Provider
	seen := map[string]bool{}
	var errs []error
	for i, c := range f.Providers {
		p, err := check(c, getenv)
		if err == nil && seen[c.Name] {
			err = errors.New("the name is used twice")
		}
		if err != nil {
			name := c.Name
			if name == "" {
				name = fmt.Sprintf("#%d", i+1)
			}
			errs = append(errs, fmt.Errorf("provider %s: %w", name, err))
			continue
		}
		seen[c.Name] = true
		out = append(out, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("providers file: %w", err)
	}
	return out, nil
}

// Load reads the providers file at path; none when path is empty.
func Load(path string, getenv func(string) string) ([]*Provider, error) {
	if path == "" {
		return nil, nil
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("PROVIDERS_FILE: %w", err)
	}
	return Parse(doc, getenv)
}

func check(c Config, getenv func(string) string) (*Provider, error) {
	if !namePattern.MatchString(c.Name) {
		return nil, fmt.Errorf("name %q: want lowercase letters, digits, - or _, at most 40", c.Name)
	}
	pr, ok := presets[c.Preset]
	if !ok {
		return nil, fmt.Errorf("preset %q: want one of %s", c.Preset, strings.Join(PresetNames(), ", "))
	}
	if len(c.Endpoints) == 0 {
		return nil, errors.New("endpoints: name at least one")
	}
	for _, e := range c.Endpoints {
		if !slices.Contains(pr.endpoints, e) {
			return nil, fmt.Errorf("endpoint %q: preset %s serves %s", e, c.Preset, strings.Join(pr.endpoints, ", "))
		}
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("url %q: want an absolute http or https URL without userinfo", c.URL)
	}
	p := &Provider{Config: c, preset: pr}
	switch {
	case c.APIKeyEnv == "" && pr.needsKey:
		return nil, fmt.Errorf("apiKeyEnv: preset %s needs an API key", c.Preset)
	case c.APIKeyEnv != "" && getenv != nil:
		if p.secret = getenv(c.APIKeyEnv); p.secret == "" {
			return nil, fmt.Errorf("apiKeyEnv: %s is not set", c.APIKeyEnv)
		}
	}
	for _, n := range c.AllowedNetworks {
		pf, err := netip.ParsePrefix(strings.TrimSpace(n))
		if err != nil {
			return nil, fmt.Errorf("allowedNetworks: %q is not a CIDR", n)
		}
		p.allowed = append(p.allowed, pf.Masked())
	}
	if c.RatePerSecond < 0 || c.MonthlyBudget < 0 {
		return nil, errors.New("ratePerSecond and monthlyBudget are 0 (no limit) or more")
	}
	if p.Timeout == 0 {
		p.Timeout = Duration(DefaultTimeout)
	}
	if p.CacheFor == 0 {
		p.CacheFor = Duration(DefaultCacheFor)
	}
	if p.NegativeCacheFor == 0 {
		p.NegativeCacheFor = Duration(DefaultNegativeCacheFor)
	}
	if c.Preset == "generic" {
		if err := checkGeneric(c); err != nil {
			return nil, err
		}
	} else if c.Method != "" || c.Path != "" || len(c.Headers) > 0 || len(c.Fields) > 0 {
		return nil, fmt.Errorf("method, path, headers and fields belong to the generic preset, not %s", c.Preset)
	}
	return p, nil
}
