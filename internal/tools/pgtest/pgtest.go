// Package pgtest gives each test its own real Postgres database, copied from a migrated
// template, so tests may commit, run River clients and LISTEN/NOTIFY without seeing each other.
//
// The server is DATABASE_URL (make test starts a project-local one). The template is built
// once per schema version, guarded by an advisory lock so that parallel test binaries share it.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/store"
	"github.com/openresolve/openresolve/internal/tools/toolsdb"
	"github.com/openresolve/openresolve/migrations"
)

// ServerURL is the URL of the server tests use: DATABASE_URL or the development default.
func ServerURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return config.DefaultDatabaseURL
}

// WithDatabase returns u naming database db instead.
func WithDatabase(u, db string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	p.Path = "/" + db
	return p.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// NewDatabase creates a fresh, migrated database for t, drops it when t ends, and returns
// its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx) })
	if templateErr != nil {
		t.Fatalf("pgtest: template database: %v (is Postgres running? make test starts one)", templateErr)
	}
	return createDatabase(t, "TEMPLATE "+templateName)
}

// NewEmptyDatabase creates a database with no tables at all, dropped when t ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	return createDatabase(t, "")
}

func createDatabase(t testing.TB, options string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ort_" + hex.EncodeToString(b)
	if err := adminExec(context.Background(), fmt.Sprintf("CREATE DATABASE %s %s", name, options)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		_ = adminExec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return WithDatabase(ServerURL(), name)
}

// NewPool opens a pool on url, closed when t ends.
func NewPool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := store.Connect(context.Background(), url, store.PoolConfig{MaxConns: 20}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// schemaHash names the template after everything that shapes the schema.
func schemaHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s\n%d\n", path, len(b))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return "", err
	}
	for _, v := range m.AllVersions() {
		fmt.Fprintf(h, "river %d %s\n", v.Version, v.SQLUp)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func ensureTemplate(ctx context.Context) (string, error) {
	hash, err := schemaHash()
	if err != nil {
		return "", err
	}
	name := "ort_template_" + hash
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	q := toolsdb.New()
	if err := q.TestTemplateLock(ctx, conn); err != nil {
		return "", err
	}
	defer q.TestTemplateUnlock(ctx, conn) //nolint:errcheck

	exists, err := q.TestDatabaseExists(ctx, conn, name)
	if err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Build under another name and rename when complete, so a crash never leaves a
	// half-migrated template behind.
	building := name + "_building"
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, WithDatabase(ServerURL(), building))
	if err != nil {
		return "", err
	}
	err = store.Migrate(ctx, pool, io.Discard)
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func parseHostPort(u string) (string, error) {
	p, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	if p.Port() == "" {
		return p.Hostname() + ":5432", nil
	}
	return p.Host, nil
}

func replaceHost(u, hostport string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	p.Host = hostport
	return p.String()
}
