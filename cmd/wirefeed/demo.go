package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"wirefeed/config"
	"wirefeed/daemon"
	"wirefeed/internal/demo"
)

// runDemo serves the built-in sample feeds on a loopback port, points a
// throw-away daemon at them and runs it until interrupted. The demo's
// config is a file like any other (a temporary one, or -config PATH,
// kept), so the admin API, turned on by WIREFEED_ADMIN_TOKEN as for run,
// can be tried on it.
func runDemo(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	feeds, stopFeeds, err := demo.Feeds()
	if err != nil {
		return err
	}
	defer stopFeeds()
	dir, err := os.MkdirTemp("", "wirefeed-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	listen := e.listen
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	path := filepath.Join(dir, "config.yaml")
	if e.configSet {
		path = e.configPath
		if err := demoMayWrite(path); err != nil {
			return err
		}
	}
	text := demo.Text(listen, filepath.Join(dir, "demo.db"), feeds)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write the demo config: %w", err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	adjust := func(c *config.Config) {
		if token := os.Getenv("WIREFEED_ADMIN_TOKEN"); token != "" {
			c.Admin.Token = token
		}
	}
	adjust(cfg)
	if t := cfg.Admin.Token; t != "" && len(t) < config.MinAdminToken {
		return fmt.Errorf("admin token from WIREFEED_ADMIN_TOKEN is too short to be a secret: want at least %d characters", config.MinAdminToken)
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Log: e.log, Adjust: adjust})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Run(ctx, daemon.RunOptions{PollConfig: daemon.ConfigPollInterval, Ready: func(string) {
		fmt.Fprintf(e.stdout, "wirefeed demo: sample partner feeds at %s/\n", feeds)
		fmt.Fprintf(e.stdout, "wirefeed demo: config %s (edits and admin API changes apply at once)\n", path)
		if cfg.Admin.Token != "" {
			fmt.Fprintf(e.stdout, "wirefeed demo: admin API at %s/admin/ (token from WIREFEED_ADMIN_TOKEN)\n", cfg.Server.BaseURL)
		}
		fmt.Fprintf(e.stdout, "wirefeed demo: open %s/ (Ctrl-C to stop)\n", cfg.Server.BaseURL)
	}})
}

// demoMayWrite refuses to let the demo overwrite a config file it did not
// write itself.
func demoMayWrite(path string) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if strings.TrimSpace(line) != demo.Marker {
		return fmt.Errorf("%s exists and is not a demo config: the demo writes a config of its own at -config PATH; name a file that does not exist yet", path)
	}
	return nil
}
