// Package cli is the operator command, openresolve: migrations, API keys, callback replays
// and a development callback receiver.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/openresolve/openresolve/internal/apikey"
	"github.com/openresolve/openresolve/internal/callback"
	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/graph"
	"github.com/openresolve/openresolve/internal/store"
)

// Env is what a command runs with; main passes the process's own.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Main runs the command in args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		printOverview(env.Stdout, "")
		return 0
	}
	if args[0] == "help" { // "help keys create" is "keys create --help"
		if len(args) == 1 {
			printOverview(env.Stdout, "")
			return 0
		}
		args = append(args[1:], "--help")
	}
	cfg, err := config.FromEnv(env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "openresolve:", err)
		return 2
	}
	c := &command{env: env, cfg: cfg, logger: cfg.NewLogger(env.Stderr)}
	var run func(context.Context, []string) error
	switch strings.Join(firstN(args, 2), " ") {
	case "migrate up":
		run = c.migrateUp
	case "migrate status":
		run = c.migrateStatus
	case "keys create":
		run = c.keysCreate
	case "keys list":
		run = c.keysList
	case "keys revoke":
		run = c.keysRevoke
	case "keys rotate-secret":
		run = c.keysRotateSecret
	case "seed demo":
		run = c.seedDemo
	case "callbacks replay":
		run = c.callbacksReplay
	}
	rest := args[min(2, len(args)):]
	switch args[0] {
	case "listen":
		run, rest = c.listen, args[1:]
	case "import":
		run, rest = c.importFile, args[1:]
	case "healthcheck":
		run, rest = c.healthcheck, args[1:]
	}
	if run == nil {
		if len(args) >= 2 && isHelpFlag(args[1]) { // "keys --help": the keys commands
			printOverview(env.Stdout, args[0])
			return 0
		}
		fmt.Fprintf(env.Stderr, "openresolve: unknown command %q\n\n", strings.Join(args, " "))
		printOverview(env.Stderr, "")
		return 2
	}
	if err := run(ctx, rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "openresolve:", err)
		return 1
	}
	return 0
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

type command struct {
	env    Env
	cfg    config.Config
	logger *slog.Logger
}

// flags returns the flag set of a command; -h and --help print the command's help on
// standard output.
func (c *command) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("openresolve "+name, flag.ContinueOnError)
	fs.SetOutput(c.env.Stderr)
	setUsage(fs, name, c.env.Stdout)
	return fs
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

func (c *command) connect(ctx context.Context) (*pgxpool.Pool, error) {
	return store.Connect(ctx, c.cfg.DatabaseURL, store.PoolConfig{MaxConns: 4, Wait: 10 * time.Second}, c.logger)
}

func (c *command) migrateUp(ctx context.Context, args []string) error {
	if err := c.flags("migrate up").Parse(args); err != nil {
		return err
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := store.Migrate(ctx, pool, c.env.Stdout); err != nil {
		return err
	}
	// A graph imported before the company-name index existed is indexed now.
	n, err := graph.IndexCompanyNames(ctx, pool)
	if err != nil {
		return fmt.Errorf("index company names: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(c.env.Stdout, "indexed the names of %d companies\n", n)
	}
	fmt.Fprintln(c.env.Stdout, "migrations are up to date")
	return nil
}

func (c *command) migrateStatus(ctx context.Context, args []string) error {
	if err := c.flags("migrate status").Parse(args); err != nil {
		return err
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	states, err := store.MigrationStatus(ctx, pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SET\tVERSION\tNAME\tSTATE")
	for _, s := range states {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", s.Set, s.Version, s.Name, state)
	}
	return tw.Flush()
}

func (c *command) keysCreate(ctx context.Context, args []string) error {
	fs := c.flags("keys create")
	name := fs.String("name", "", "a name to tell the key apart (required)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("keys create: --name is required")
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	k, err := apikey.Create(ctx, pool, strings.TrimSpace(*name))
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(c.env.Stdout).Encode(k)
	}
	fmt.Fprintf(c.env.Stdout, "id:             %s\nname:           %s\nkey:            %s\nsigning secret: %s\n\n"+
		"The key and the signing secret are shown only now: store them.\n", k.ID, k.Name, k.Key, k.SigningSecret)
	return nil
}

func (c *command) keysList(ctx context.Context, args []string) error {
	if err := c.flags("keys list").Parse(args); err != nil {
		return err
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	keys, err := store.New().APIKeyList(ctx, pool)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPREFIX\tNAME\tCREATED\tLAST USED\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s…\t%s\t%s\t%s\t%s\n", k.ID, k.KeyPrefix, k.Name, k.CreatedAt.UTC().Format(time.RFC3339),
			orDash(k.LastUsedAt), orDash(k.RevokedAt))
	}
	return tw.Flush()
}

func orDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *command) keysRevoke(ctx context.Context, args []string) error {
	fs := c.flags("keys revoke")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: openresolve keys revoke ID")
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := store.New().APIKeyRevoke(ctx, pool, fs.Arg(0))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no active key with id %s", fs.Arg(0))
	}
	fmt.Fprintf(c.env.Stdout, "revoked %s\n", fs.Arg(0))
	return nil
}

func (c *command) keysRotateSecret(ctx context.Context, args []string) error {
	fs := c.flags("keys rotate-secret")
	overlap := fs.Duration("overlap", 24*time.Hour, "how long the old secret keeps signing too")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *overlap < 0 {
		return errors.New("usage: openresolve keys rotate-secret ID [--overlap 24h] [--json]")
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	secret := callback.NewSecret()
	n, err := store.New().APIKeyRotateSecret(ctx, pool, store.APIKeyRotateSecretParams{
		ID: pos[0], SigningSecret: secret, OverlapSeconds: overlap.Seconds(),
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no active key with id %s", pos[0])
	}
	if *asJSON {
		return json.NewEncoder(c.env.Stdout).Encode(map[string]string{"id": pos[0], "signingSecret": secret})
	}
	fmt.Fprintf(c.env.Stdout, "signing secret: %s\n\nShown only now. Callbacks carry signatures with the old and the new secret for %s.\n", secret, *overlap)
	return nil
}

func (c *command) callbacksReplay(ctx context.Context, args []string) error {
	fs := c.flags("callbacks replay")
	status := fs.String("status", "", "replay every callback in this state: failed or delivered")
	since := fs.Duration("since", 0, "with --status: whose last attempt (or delivery) is at most this old, e.g. 1h")
	limit := fs.Int("limit", 10000, "with --status: replay at most this many")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *status == "" && len(ids) == 0:
		return errors.New("usage: openresolve callbacks replay ID... | --status failed --since 1h")
	case *status != "" && len(ids) > 0:
		return errors.New("callbacks replay: give resolution ids or --status, not both")
	case *status != "" && *status != "failed" && *status != "delivered":
		return fmt.Errorf("callbacks replay: --status must be failed or delivered, not %q", *status)
	case *status != "" && *since <= 0:
		return errors.New("callbacks replay: --status needs --since, such as --since 1h")
	}
	pool, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *status != "" {
		if ids, err = store.New().ResolutionsToReplay(ctx, pool, store.ResolutionsToReplayParams{
			CallbackStatus: *status, Since: time.Now().Add(-*since), MaxRows: int32(*limit),
		}); err != nil {
			return err
		}
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return err
	}
	var failed int
	for _, id := range ids {
		if err := replayCallback(ctx, pool, rc, id); err != nil {
			fmt.Fprintf(c.env.Stderr, "openresolve: %v\n", err)
			failed++
			continue
		}
		fmt.Fprintf(c.env.Stdout, "callback of %s queued for delivery\n", id)
	}
	if *status != "" {
		fmt.Fprintf(c.env.Stdout, "%d callbacks queued (%s within %s)\n", len(ids)-failed, *status, *since)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d callbacks could not be queued", failed, len(ids))
	}
	return nil
}

// ReplayCallback queues a new delivery of a finished resolution's callback, whether the last
// one was delivered or failed; the retry schedule starts again from the beginning.
func ReplayCallback(ctx context.Context, pool *pgxpool.Pool, id string) error {
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return err
	}
	return replayCallback(ctx, pool, rc, id)
}

// replayCallback is ReplayCallback with an insert-only River client made once per command.
func replayCallback(ctx context.Context, pool *pgxpool.Pool, rc *river.Client[pgx.Tx], id string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		attempts, err := store.New().ResolutionCallbackReset(ctx, tx, id)
		if errors.Is(err, pgx.ErrNoRows) {
			r, gerr := store.New().ResolutionGet(ctx, tx, id)
			switch {
			case gerr != nil:
				return fmt.Errorf("no resolution %s", id)
			case r.Status == "processing":
				return fmt.Errorf("resolution %s is still processing; its callback will follow", id)
			default:
				return fmt.Errorf("the callback of %s is already pending delivery", id)
			}
		}
		if err != nil {
			return err
		}
		_, err = rc.InsertTx(ctx, tx, callback.Args{ResolutionID: id, FirstAttempt: attempts}, nil)
		return err
	})
}
