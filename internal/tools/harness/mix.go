package harness

import "fmt"

// Request is one kind of request of a load: request i of the load goes to /v1/Path with Body(i).
type Request struct {
	Path string
	Body func(i int) map[string]any
}

// Mix is a request for each of the eight endpoints, against the demo graph, for load: request i
// goes to Mix[i%len(Mix)].
var Mix = []Request{
	{"enrichment", func(i int) map[string]any {
		if i%2 == 0 {
			return map[string]any{"companyName": "Acme Logistics, Inc.", "fullName": "Jane Doe"}
		}
		return map[string]any{"domain": "acmelogistics.com"}
	}},
	{"deanonymization", func(int) map[string]any { return map[string]any{"ip": "64.207.100.23"} }},
	{"linkedin-to-phone", func(int) map[string]any { return map[string]any{"linkedinUrl": "https://www.linkedin.com/in/janedoe"} }},
	{"linkedin-to-hem", func(int) map[string]any { return map[string]any{"linkedinUrl": "linkedin.com/in/janedoe"} }},
	{"email-to-hem", func(i int) map[string]any { return map[string]any{"email": fmt.Sprintf("user%d@example.com", i)} }},
	{"ip-to-company", func(int) map[string]any { return map[string]any{"ip": "64.207.100.7"} }},
	{"organization-domain-finder", func(int) map[string]any { return map[string]any{"companyName": "ACME LOGISTICS"} }},
	{"keyword-to-lead", func(int) map[string]any { return map[string]any{"keyword": "supply chain", "limit": 5} }},
}

// Only is the requests of Mix to path alone.
func Only(path string) []Request {
	for _, r := range Mix {
		if r.Path == path {
			return []Request{r}
		}
	}
	return nil
}
