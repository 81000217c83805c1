package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
)

// Flags may come after the arguments: `fetch jiji -config x.yaml` reads
// x.yaml, not ./config.yaml, and does not take "-config" for a source.
func TestFlagsAfterArguments(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	t.Chdir(t.TempDir()) // no config.yaml here to fall back on
	code, out, errOut := wirefeed(t, "fetch", "jiji", "-config", path)
	if code != 0 || !strings.Contains(out, "jiji") || strings.Contains(out+errOut, "-config") || strings.Contains(out, "nation") {
		t.Fatalf("fetch jiji -config PATH: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := wirefeed(t, "fetch", "jiji", "-bogus"); code != 2 || !strings.Contains(errOut, "-bogus") {
		t.Errorf("an unknown flag after the arguments: exit %d, %q; want it refused", code, errOut)
	}
	if code, out, _ := wirefeed(t, "check", "-config", path, "--", "extra"); code != 1 || out != "" {
		t.Errorf("check -- extra: exit %d; want the argument after -- refused as an argument", code)
	}
}

// `run -listen` moves an unset base_url with it, so the links on / lead
// back to the address served; a base_url the config sets stays.
func TestBaseURLFollowsListen(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, `  base_url: "https://news.example.com"`+"\n", "")
	e := &env{configPath: path, listen: "127.0.0.1:18001"}
	cfg, err := e.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.BaseURL != "http://127.0.0.1:18001" {
		t.Errorf("base_url %q, want http://127.0.0.1:18001", cfg.Server.BaseURL)
	}
	e.configPath = partnertest.WriteConfig(t, p.URL)
	if cfg, err = e.loadConfig(); err != nil || cfg.Server.BaseURL != "https://news.example.com" {
		t.Errorf("a configured base_url became %q (%v)", cfg.Server.BaseURL, err)
	}
}

// `wirefeed sources` runs in a process of its own: its NEXT RUN is the run
// the daemon holding the scheduler lease recorded, and UNDATED counts the
// stories that came without a readable date.
func TestSourcesShowsTheSchedulersNextRunAndUndatedStories(t *testing.T) {
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	p.Set("/nation", "fidelity.rss", false)
	wirefeed(t, "fetch", "-config", path)

	d := openTestDaemon(t, path)
	next := time.Now().Add(3*time.Hour + 17*time.Minute).UTC().Truncate(time.Second)
	if err := d.Store().SetNextRun(context.Background(), "nation", next); err != nil {
		t.Fatal(err)
	}
	d.Close()

	code, out, errOut := wirefeed(t, "sources", "-config", path)
	if code != 0 {
		t.Fatalf("sources: exit %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(lines[0], "UNDATED") || len(lines) != 3 {
		t.Fatalf("sources:\n%s", out)
	}
	fields := strings.Fields(lines[1])
	if fields[0] != "nation" || !strings.Contains(lines[1], next.Format("2006-01-02 15:04:05")) {
		t.Errorf("nation line %q: want the recorded next run %s", lines[1], next)
	}
	// SOURCE, LAST ATTEMPT (date, time, zone), LAST SUCCESS (3), HTTP, ITEMS, UNDATED
	if len(fields) < 10 || fields[8] != "5" || fields[9] != "1" {
		t.Errorf("nation line %q: want 5 items, 1 undated", lines[1])
	}
}
