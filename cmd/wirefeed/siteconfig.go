package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"

	"wirefeed/daemon"
	"wirefeed/store"
)

// runConfig saves a file as the site's config in the database ("push") or
// prints the current one ("pull").
func runConfig(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "push" && args[0] != "pull") || (args[0] == "pull" && len(args) > 1) || len(args) > 2 {
		return fmt.Errorf("want 'config push [FILE]' or 'config pull', got %q", args)
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if cfg.Storage.Postgres == "" {
		return errors.New("the site's config lives in the database only with storage.postgres (or WIREFEED_POSTGRES); with SQLite the config file is the config")
	}
	st, err := daemon.OpenStore(cfg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if args[0] == "pull" {
		sc, err := st.LatestSiteConfig(ctx)
		if errors.Is(err, store.ErrNotFound) {
			return errors.New("no site config in the database yet: 'wirefeed config push' one, or start a daemon, which seeds it from its file")
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "# site config version %d, saved %s by %s\n", sc.Version, sc.SavedAt.Format("2006-01-02 15:04:05Z"), sc.Author)
		_, err = e.stdout.Write(sc.Document)
		return err
	}
	file := e.configPath
	if len(args) == 2 {
		file = args[1]
	}
	version, err := daemon.PushSiteConfig(ctx, st, file, "config push by "+whoami()+" from "+file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "saved %s as site config version %d; every daemon runs on it within a second\n", file, version)
	return nil
}

// whoami names the person running the command, for the config's history.
func whoami() string {
	name := "someone"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}
