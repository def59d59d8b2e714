package config_test

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/openresolve/openresolve/internal/cli"
	"github.com/openresolve/openresolve/internal/config"
)

// TestComposeFile parses compose.yaml (no Docker engine runs here) and checks it against the
// binaries: the commands exist and take those arguments, every variable is one the binaries
// read, and the health checks ask the addresses the services listen on.
func TestComposeFile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../compose.yaml")
	require.NoError(t, err)
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       string            `yaml:"build"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
			Deploy struct {
				Replicas int `yaml:"replicas"`
			} `yaml:"deploy"`
			Ports []string `yaml:"ports"`
		} `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &compose))

	dockerfile, err := os.ReadFile("../../Dockerfile")
	require.NoError(t, err)

	// The variables the binaries read, recorded from config.FromEnv itself.
	read := map[string]bool{}
	_, err = config.FromEnv(func(k string) string { read[k] = true; return "" })
	require.NoError(t, err)

	svc := compose.Services
	require.ElementsMatch(t, []string{"postgres", "pgbouncer", "migrate", "api", "worker"}, keys(svc))
	require.Equal(t, "service_healthy", svc["pgbouncer"].DependsOn["postgres"].Condition)
	require.Equal(t, "transaction", svc["pgbouncer"].Environment["POOL_MODE"])
	require.Equal(t, "service_healthy", svc["migrate"].DependsOn["postgres"].Condition)
	for _, name := range []string{"api", "worker"} {
		require.Equal(t, "service_completed_successfully", svc[name].DependsOn["migrate"].Condition, name)
	}
	require.Equal(t, 2, svc["worker"].Deploy.Replicas, "two workers")

	for name, s := range svc {
		if s.Image != "" { // Postgres, PgBouncer
			continue
		}
		require.Equal(t, ".", s.Build, name)
		bin := s.Command[0]
		require.DirExists(t, "../../cmd/"+bin, "%s runs %s", name, bin)
		require.Contains(t, string(dockerfile), "./cmd/"+bin, "the image builds %s", bin)
		require.Contains(t, s.Environment, "DATABASE_URL", name)
		for k := range s.Environment {
			require.True(t, read[k], "%s sets %s, which no binary reads", name, k)
		}
		if bin == "openresolve" {
			requireCLICommand(t, s.Command[1:])
		}
	}

	// Health checks ask each service where it listens, with a command the image has.
	apiCheck := svc["api"].Healthcheck.Test
	require.Equal(t, []string{"CMD", "openresolve", "healthcheck"}, apiCheck[:3])
	requireCLICommand(t, apiCheck[2:])
	require.Equal(t, "/readyz", mustURL(t, apiCheck[3]).Path)
	require.Equal(t, port(svc["api"].Environment["API_ADDR"]), mustURL(t, apiCheck[3]).Port())
	require.Equal(t, []string{"8080:8080"}, svc["api"].Ports)

	workerCheck := svc["worker"].Healthcheck.Test
	require.Equal(t, []string{"CMD", "openresolve", "healthcheck"}, workerCheck[:3])
	require.Equal(t, "/healthz", mustURL(t, workerCheck[3]).Path)
	require.Equal(t, port(svc["worker"].Environment["WORKER_METRICS_ADDR"]), mustURL(t, workerCheck[3]).Port())

	// Values with ${VAR:-default} take their defaults from the environment of `docker compose`.
	require.Regexp(t, regexp.MustCompile(`^\$\{BOOTSTRAP_API_KEY:-\S+\}$`), svc["api"].Environment["BOOTSTRAP_API_KEY"])
}

// requireCLICommand checks that the operator CLI knows the command (its --help succeeds).
func requireCLICommand(t *testing.T, args []string) {
	t.Helper()
	var words []string
	for _, a := range args {
		if strings.Contains(a, "://") {
			break
		}
		words = append(words, a)
	}
	var out, errOut bytes.Buffer
	code := cli.Main(context.Background(), append(slices.Clone(words), "--help"),
		cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	require.Equal(t, 0, code, "openresolve %v: %s", words, errOut.String())
	require.Contains(t, out.String(), "usage: openresolve "+strings.Join(words, " "))
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
