package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"wirefeed/config"
	"wirefeed/daemon"
	"wirefeed/internal/progress"
)

// runDaemon runs the daemon until interrupted, reloading its config on
// SIGHUP and when the file changes.
func runDaemon(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected arguments %q", args)
	}
	role, err := daemon.ParseRole(e.role)
	if err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Log: e.log, Adjust: e.applyFlags, Role: role})
	if err != nil {
		return err
	}
	defer d.Close()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloads := make(chan struct{})
	go func() {
		for range hup {
			select {
			case reloads <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return d.Run(ctx, daemon.RunOptions{Reloads: reloads, PollConfig: daemon.ConfigPollInterval})
}

// runFetch pulls the sources now, showing each one's result as it
// finishes (see package progress).
func runFetch(ctx context.Context, e *env, ids []string) error {
	d, cfg, err := e.openDaemon(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	total := len(ids)
	if total == 0 {
		total = len(cfg.Sources)
	}
	width, terminal := progress.TerminalWidth(e.stdout)
	display := progress.New(e.stdout, terminal, width, total)
	stop := display.Start()
	reports := d.Aggregator().FetchAllProgress(ctx, display.Progress(), ids...)
	stop()
	failed := 0
	for _, rep := range reports {
		if rep.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d sources failed", failed, total)
	}
	return nil
}

// openDaemon loads the config the flags name and opens the daemon on it.
func (e *env) openDaemon(ctx context.Context) (*daemon.Daemon, *config.Config, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	d, err := daemon.Open(ctx, cfg, daemon.Options{Log: e.log, Adjust: e.applyFlags})
	if err != nil {
		return nil, nil, err
	}
	return d, cfg, nil
}
