package daemon

import (
	"context"
	"testing"

	"wirefeed/config"
)

// openTestDaemon opens wirefeed on the config at path, as `wirefeed run`
// would before serving; it is closed when the test ends.
func openTestDaemon(t *testing.T, path string, opts Options) *Daemon {
	t.Helper()
	cfg, err := config.Load(path)
	if err != nil {
		// A daemon's own file, the site's config being in the database.
		if cfg, err = config.LoadNode(path); err != nil || cfg.Storage.Postgres == "" {
			t.Fatal(err)
		}
	}
	d, err := Open(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// serveOnce opens the daemon on the config at path, runs check against its
// base URL while it serves, then stops it as SIGTERM would and checks that
// it shut down cleanly.
func serveOnce[T any](t *testing.T, path string, check func(base string) T) T {
	t.Helper()
	d := openTestDaemon(t, path, Options{})
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx, RunOptions{Ready: func(s string) { addr <- s }}) }()
	var result T
	select {
	case base := <-addr:
		result = check("http://" + base)
	case err := <-done:
		t.Fatalf("serve returned early: %v", err)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	return result
}
