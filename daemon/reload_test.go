package daemon

import (
	"context"
	"crypto/sha256"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"wirefeed/internal/partnertest"
)

func TestFileWatchReadsContentsNotDates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("a: 1\n"), 0o644)
	w := fileWatch{path: path}
	first, ok := w.sum()
	if !ok || first != sha256.Sum256([]byte("a: 1\n")) {
		t.Fatal("digest of the file is not its contents'")
	}
	// Same bytes, new modification time: an editor saving without edits.
	later := time.Now().Add(time.Minute)
	os.WriteFile(path, []byte("a: 1\n"), 0o644)
	os.Chtimes(path, later, later)
	if sum, _ := w.sum(); sum != first {
		t.Fatal("rewrite with identical contents reads as a change")
	}
	// Replaced by rename, as deploy tools do.
	tmp := path + ".new"
	os.WriteFile(tmp, []byte("a: 2\n"), 0o644)
	os.Rename(tmp, path)
	if sum, _ := w.sum(); sum != sha256.Sum256([]byte("a: 2\n")) {
		t.Fatal("replaced file not read")
	}
	os.Remove(path)
	if _, ok := w.sum(); ok {
		t.Fatal("a missing file must keep the running config")
	}
}

func TestReloadAppliesValidEditsAndKeepsStateAndRejectsBadOnes(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	full, _ := os.ReadFile(path)
	// Start with Nation only.
	nationOnly := string(full[:strings.Index(string(full), "  - id: jiji")])
	os.WriteFile(path, []byte(nationOnly), 0o644)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	a := openTestDaemon(t, path, Options{})
	cfg := a.Config()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	if code := partnertest.Status(t, srv.URL+"/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before the scheduler runs = %d, want 503", code)
	}
	if code := partnertest.Status(t, srv.URL+"/healthz"); code != http.StatusOK {
		t.Errorf("healthz = %d", code)
	}

	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, RunOptions{Ready: func(s string) { addr <- s }}) }()
	<-addr
	if code := partnertest.Status(t, srv.URL+"/readyz"); code != http.StatusOK {
		t.Errorf("readyz while serving = %d, want 200", code)
	}
	// An invalid edit is rejected with its line, and the running config stays.
	os.WriteFile(path, []byte(strings.Replace(string(full), "fallback: other", "fallback: nowhere", 1)), 0o644)
	err := a.Reload(ctx)
	if err == nil || !strings.Contains(err.Error(), "config.yaml:27: sources[1].fallback") {
		t.Fatalf("bad reload error = %v", err)
	}
	if len(a.current().cfg.Sources) != 1 {
		t.Fatal("a rejected reload changed the running config")
	}

	// A valid edit adds Jiji without a restart.
	os.WriteFile(path, full, 0o644)
	if err := a.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	g := a.current()
	if _, ok := g.cfg.SourceByID("jiji"); !ok || a.NextRun("jiji").IsZero() {
		t.Fatal("reloaded config does not schedule jiji")
	}
	if rep := g.agg.Fetch(ctx, g.cfg.Sources[1]); rep.Err != nil && !rep.Skipped {
		t.Fatalf("fetch jiji after reload: %v", rep.Err)
	}
	if code := partnertest.Status(t, srv.URL+"/feeds/other.json"); code != http.StatusOK {
		t.Errorf("other.json after reload = %d", code)
	}
	if got := changedSources(cfg, g.cfg); len(got) != 1 || got[0] != "jiji" {
		t.Errorf("changed sources = %v, want [jiji]", got)
	}

	stop()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
