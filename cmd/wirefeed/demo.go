package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"wirefeed/daemon"
	"wirefeed/internal/demo"
)

// runDemo serves the built-in sample feeds on a loopback port, points a
// throw-away daemon at them and runs it until interrupted.
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
	cfg, err := demo.Config(listen, filepath.Join(dir, "demo.db"), feeds)
	if err != nil {
		return err
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Log: e.log})
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Run(ctx, daemon.RunOptions{Ready: func(string) {
		fmt.Fprintf(e.stdout, "wirefeed demo: sample partner feeds at %s/\n", feeds)
		fmt.Fprintf(e.stdout, "wirefeed demo: open %s/ (Ctrl-C to stop)\n", cfg.Server.BaseURL)
	}})
}
