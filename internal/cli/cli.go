// Package cli is the operator command, openresolve: migrations, API keys, graph imports,
// callback replays and a development callback receiver. Each command is a row of the table
// commands, defined beside its code with its help.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/openresolve/openresolve/internal/config"
	"github.com/openresolve/openresolve/internal/store"
)

// command is one operator command.
type command struct {
	name     string // as typed: "keys create"
	synopsis string // the arguments after the name
	summary  string // one line for the overview
	detail   string // paragraphs for --help; the summary when empty
	run      func(s *session, ctx context.Context, args []string) error
}

// commands is every command, in the order the overview lists them.
var commands = []*command{
	migrateUp, migrateStatus,
	keysCreate, keysList, keysRevoke, keysRotateSecret, keysQuota,
	importFile, seedDemo,
	callbacksReplay,
	forget, purge,
	usageReport, providersStatus,
	healthcheck, listen,
}

// Env is what a command runs with; main passes the process's own.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// session is one run of one command.
type session struct {
	env    Env
	cfg    config.Config
	logger *slog.Logger
	cmd    *command
	pool   *pgxpool.Pool // see db
}

// Main runs the command in args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || isHelpFlag(args[0]) || slices.Equal(args, []string{"help"}) {
		printOverview(env.Stdout, "")
		return 0
	}
	if args[0] == "help" { // "help keys create" is "keys create --help"
		args = append(args[1:], "--help")
	}
	cmd, rest := find(args)
	if cmd == nil {
		if len(args) >= 2 && isHelpFlag(args[1]) { // "keys --help": the keys commands
			printOverview(env.Stdout, args[0])
			return 0
		}
		fmt.Fprintf(env.Stderr, "openresolve: unknown command %q\n\n", strings.Join(args, " "))
		printOverview(env.Stderr, "")
		return 2
	}
	cfg, err := config.FromEnv(env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "openresolve:", err)
		return 2
	}
	s := &session{env: env, cfg: cfg, logger: cfg.NewLogger(env.Stderr), cmd: cmd}
	err = cmd.run(s, ctx, rest)
	if s.pool != nil {
		s.pool.Close()
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "openresolve:", err)
		return 1
	}
	return 0
}

// find returns the command args name, and the arguments after its name.
func find(args []string) (*command, []string) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return c, args[len(words):]
		}
	}
	return nil, nil
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// flags returns the flag set of the session's command; -h and --help print its help on
// standard output.
func (s *session) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("openresolve "+s.cmd.name, flag.ContinueOnError)
	fs.SetOutput(s.env.Stderr)
	c, out := s.cmd, s.env.Stdout
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: openresolve %s %s\n", c.name, c.synopsis)
		if c.detail != "" {
			fmt.Fprintf(out, "\n%s\n", c.detail)
		} else {
			fmt.Fprintf(out, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(out, "\nflags:\n")
			fs.SetOutput(out)
			fs.PrintDefaults()
			fs.SetOutput(s.env.Stderr)
		}
	}
	return fs
}

// parseInterspersed parses flags that may stand before, between or after the positional
// arguments, as "import people.csv people --json" users type them.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// dbNoFlags is db for a command with no flags of its own: args may only ask for its help.
func (s *session) dbNoFlags(ctx context.Context, args []string) (*pgxpool.Pool, error) {
	if err := s.flags().Parse(args); err != nil {
		return nil, err
	}
	return s.db(ctx)
}

// db connects to the database on first use; Main closes the pool when the command ends.
func (s *session) db(ctx context.Context) (*pgxpool.Pool, error) {
	if s.pool == nil {
		p, err := store.Connect(ctx, s.cfg.DatabaseURL, store.PoolConfig{MaxConns: 4, Wait: 10 * time.Second}, s.logger)
		if err != nil {
			return nil, err
		}
		s.pool = p
	}
	return s.pool, nil
}

// printOverview writes the list of commands, or only those under prefix ("keys").
func printOverview(w io.Writer, prefix string) {
	fmt.Fprint(w, "usage: openresolve <command> [arguments]\n\ncommands:\n")
	for _, c := range commands {
		if prefix != "" && !strings.HasPrefix(c.name, prefix+" ") && c.name != prefix {
			continue
		}
		line := c.name
		if c.synopsis != "" {
			line += " " + c.synopsis
		}
		if len(line) <= 30 {
			fmt.Fprintf(w, "  %-30s %s\n", line, c.summary)
		} else {
			fmt.Fprintf(w, "  %s\n  %-30s %s\n", line, "", c.summary)
		}
	}
	fmt.Fprint(w, "\n`openresolve <command> --help` explains one. Configuration comes from the environment\n(DATABASE_URL, ...); see README.md.\n")
}
