// Command wirefeed pulls partner news-wire feeds on a schedule, stores each
// story once and republishes the site's sections as RSS, Atom and JSON Feed.
//
// Usage:
//
//	wirefeed [run]            run the scheduler and the HTTP server
//	wirefeed fetch [SOURCE…]  pull sources once now and exit
//	wirefeed check            validate the config and exit
//	wirefeed sources          list each source's fetch state
//	wirefeed import opml FILE add the feeds of an OPML list to the config
//	wirefeed export opml      print the sources and sections as OPML
//	wirefeed route STORY      explain which sections a stored story goes to, and why
//	wirefeed reroute          place stored stories where the current config routes them
//	wirefeed demo             run against built-in sample feeds, no network
//	wirefeed version          print the version
//
// Every subcommand takes -config PATH (default $WIREFEED_CONFIG, else
// config.yaml) and -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
	_ "time/tzdata" // zone names resolve on machines without a zoneinfo database

	"wirefeed/aggregator"
	"wirefeed/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

func commands() []command {
	return []command{
		{"run", "", "run the scheduler and the HTTP server (the default)", runDaemon},
		{"fetch", "[SOURCE...]", "pull the named sources (default all) once now, print what changed and exit", runFetch},
		{"check", "", "validate the config and exit", runCheck},
		{"sources", "", "list each source's fetch state: last attempt and success, HTTP status, items, failures, next run, last error", runSources},
		{"import", "opml FILE", "add the feeds of an OPML list (a feed reader's, or an export) to the config file", runImport},
		{"export", "opml", "print the config's sources and sections as an OPML list", runExport},
		{"reroute", "", "place stored stories in the sections the current config routes them to (after rules or category maps changed)", runReroute},
		{"config", "push [FILE] | pull", "with storage.postgres: save FILE (default the -config file) as the site's config, shared by every daemon, or print the current one", runConfig},
		{"route", "[--explain] STORY", "show step by step why a stored story goes to its sections under the current config (STORY: its feed id, number or link)", runRoute},
		{"admin", "add-user NAME", "add an editor account for the console (the password is read from standard input)", runAdmin},
		{"demo", "", "run the daemon against built-in sample partner feeds (no network needed)", runDemo},
		{"version", "", "print the version and exit", runVersion},
	}
}

// env is what every subcommand gets: its output streams, the config path
// from flags, and a logger.
type env struct {
	stdout, stderr io.Writer
	configPath     string
	configSet      bool // -config was given
	listen         string
	fallback       string
	since          time.Duration
	dryRun         bool
	explain        bool
	role           string
	log            *slog.Logger
}

// errUsage marks an error already explained by the flag package.
var errUsage = errors.New("usage")

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "run" && len(args) > 0 && isHelpFlag(args[0]) {
		// wirefeed -h: every command, then the flags of run, the default.
		usage(stdout)
		if name == "run" {
			args = []string{"-h"}
		} else {
			return 0
		}
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "wirefeed: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}

	e := &env{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("wirefeed "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultConfig := os.Getenv("WIREFEED_CONFIG")
	if defaultConfig == "" {
		defaultConfig = "config.yaml"
	}
	fs.StringVar(&e.configPath, "config", defaultConfig, "config file `path` (env WIREFEED_CONFIG)")
	if cmd.name == "run" || cmd.name == "demo" {
		fs.StringVar(&e.listen, "listen", "", "override server.listen, e.g. 127.0.0.1:8080")
	}
	if cmd.name == "run" {
		fs.StringVar(&e.role, "role", "all", "with several daemons on one database: `all` (serve and pull), serve (never pull) or pull (pull; serve only /healthz, /readyz, /metrics, /status)")
	}
	if cmd.name == "import" {
		fs.StringVar(&e.fallback, "fallback", "", "`section` for imported feeds the list puts in no folder or category")
	}
	if cmd.name == "reroute" {
		fs.DurationVar(&e.since, "since", 0, "only stories first seen within this `duration`, e.g. 72h (default: every stored story)")
		fs.BoolVar(&e.dryRun, "dry-run", false, "say what would move, change nothing")
	}
	if cmd.name == "route" {
		fs.BoolVar(&e.explain, "explain", true, "show every routing step and the config line behind it (-explain=false: the sections only)")
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "\nusage: wirefeed %s [flags] %s\n\n%s\n\nflags (before or after the arguments):\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	if len(args) > 0 && isHelpFlag(args[0]) {
		fs.SetOutput(stdout) // asked for: not an error
	}
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fs.Visit(func(f *flag.Flag) { e.configSet = e.configSet || f.Name == "config" })
	e.log = slog.New(slog.NewTextHandler(stderr, nil))
	if err := cmd.run(ctx, e, positional); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "wirefeed %s: %v\n", cmd.name, err)
		}
		return 1
	}
	return 0
}

// parseInterleaved parses flags given before, between or after the
// arguments ("fetch jiji -config x.yaml") and returns the arguments; after
// "--" everything is an argument.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// isHelpFlag reports whether arg asks for help.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: wirefeed [command] [flags]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'wirefeed COMMAND -h' for a command's flags.")
}

// loadConfig loads the config named by the flags, applies them, and sets
// up logging as the config asks.
func (e *env) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(e.configPath)
	if err != nil {
		// With the site's config in the database the file may hold only
		// the daemon's own keys.
		node, nodeErr := config.LoadNode(e.configPath)
		if nodeErr != nil {
			return nil, err
		}
		e.applyFlags(node)
		if node.Storage.Postgres == "" {
			return nil, err
		}
		cfg = node
	}
	e.applyFlags(cfg)
	if t := cfg.Admin.Token; t != "" && len(t) < config.MinAdminToken {
		return nil, fmt.Errorf("admin token from WIREFEED_ADMIN_TOKEN is too short to be a secret: want at least %d characters", config.MinAdminToken)
	}
	e.log = newLogger(cfg.Log, e.stderr)
	return cfg, nil
}

// applyFlags overrides config values given on the command line or in the
// environment.
func (e *env) applyFlags(cfg *config.Config) {
	if e.listen != "" {
		cfg.Server.Listen = e.listen
		if !cfg.IsSet("server.base_url") {
			// An unset base_url follows the address served on, so the
			// links on / and in every feed lead back to it.
			cfg.Server.BaseURL = config.ListenURL(e.listen)
		}
	}
	if token := os.Getenv("WIREFEED_ADMIN_TOKEN"); token != "" {
		cfg.Admin.Token = token
	}
	if dsn := os.Getenv("WIREFEED_POSTGRES"); dsn != "" {
		cfg.Storage.Postgres = dsn
	}
}

// newLogger returns the structured logger the config asks for.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runVersion(_ context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	fmt.Fprintf(e.stdout, "wirefeed %s (%s)\n", aggregator.Version, runtime.Version())
	return nil
}

func runCheck(_ context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if err := cfg.CheckStorage(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: ok (%d sections, %d sources)\n", e.configPath, len(cfg.Sections), len(cfg.Sources))
	return nil
}
