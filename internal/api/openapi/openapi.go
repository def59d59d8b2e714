// Package openapi holds the OpenAPI 3.1 description of the public contract, written as YAML
// (openapi.yaml) and served as JSON, and the reference page that renders it: Redoc's standalone
// bundle (redoc.standalone.js from the npm package redoc@2.5.4, MIT; the licences of what it
// bundles are in redoc.standalone.js.LICENSE.txt; `make docs-assets` fetches it again),
// embedded so the page needs nothing from the network. Redoc 3 was tried first: it is an ES
// module that reports usage to Redocly's servers, which a self-hosted page should not do.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed openapi.yaml
var source []byte

//go:embed redoc.standalone.js
var RedocJS []byte

// JSON returns the document as JSON. The x- keys at the top are YAML anchors for writing it,
// not part of the description, and are left out.
func JSON() ([]byte, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(source, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	for k := range doc {
		if strings.HasPrefix(k, "x-") {
			delete(doc, k)
		}
	}
	return json.Marshal(doc)
}

// Page is the reference page served at /docs; it loads the document and the script from the
// same server.
const Page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenResolve API reference</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
`
