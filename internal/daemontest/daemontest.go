// Package daemontest runs a whole daemon for the tests of the packages
// that serve through it (the reading site, the console): its config
// written from a template, its HTTP surface on a loopback port.
package daemontest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirefeed/config"
	"wirefeed/daemon"
)

// Daemon is a daemon serving in a test.
type Daemon struct {
	*daemon.Daemon
	Base string // its URL, http://127.0.0.1:PORT
	Path string // its config file
}

// Start writes configText, with BASE replaced by the daemon's own URL and
// DB by a database in a temporary folder (then each of replace's old, new
// pairs), opens the daemon on it and serves its HTTP surface until the
// test ends. pulls, when not nil, runs before the daemon serves.
func Start(t testing.TB, configText string, pulls func(*daemon.Daemon), replace ...string) *Daemon {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	pairs := append([]string{"BASE", base, "DB", filepath.Join(t.TempDir(), "wirefeed.db")}, replace...)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(strings.NewReplacer(pairs...).Replace(configText)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := daemon.Open(context.Background(), cfg, daemon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if pulls != nil {
		pulls(d)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: d.Handler()}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &Daemon{Daemon: d, Base: base, Path: path}
}
