package main

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"wirefeed/internal/pgtest"
)

// Two daemons on one PostgreSQL database pull the same partners at the same
// time: every story is stored once, each serves what the other stored, and
// the commands that read the database find it there. CI runs this with
// WIREFEED_TEST_POSTGRES set (see .ci/run).
func TestTwoDaemonsOnPostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skipf("set %s to run it (CI does)", pgtest.Env)
	}
	ctx := context.Background()
	p := newPartnerServer(t)
	path := writeConfig(t, p)
	withConfigEdit(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	one, two := openTestApp(t, path), openTestApp(t, path)
	if err := two.syncSections(ctx); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for _, a := range []*app{one, two} {
		wg.Go(func() {
			for _, rep := range a.current().agg.FetchAll(ctx) {
				if rep.Err != nil {
					t.Errorf("fetch %s: %v", rep.Source, rep.Err)
				}
			}
		})
	}
	wg.Wait()
	// 6 Nation stories and 8 Jiji ones, one of them Nation's story again.
	if n, err := one.store.CountStories(ctx); err != nil || n != 14 {
		t.Fatalf("stored %d stories (%v), want 14: each once", n, err)
	}

	srv := httptest.NewServer(two)
	defer srv.Close()
	if err := two.syncSections(ctx); err != nil {
		t.Fatal(err)
	}
	feed := string(get(t, srv.URL+"/feeds/headlines.json", "application/feed+json"))
	if strings.Count(feed, `"id":"tag:`) != 10 || !strings.Contains(feed, "Provided by Nation") || !strings.Contains(feed, "Provided by Jiji Press") {
		t.Errorf("headlines served by the second daemon:\n%s", feed)
	}
	if metrics := string(get(t, srv.URL+"/metrics", "text/plain")); strings.Contains(metrics, "wirefeed_db_size_bytes 0\n") {
		t.Error("database size not read from PostgreSQL")
	}

	code, out, errOut := wirefeed(t, "sources", "-config", path)
	if code != 0 || !strings.Contains(out, "nation") || !strings.Contains(out, "jiji") {
		t.Errorf("sources on PostgreSQL: exit %d\n%s%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "postgres:") {
		t.Fatal("config lost its storage.postgres")
	}
	code, out, errOut = wirefeed(t, "route", "-config", path, "https://www.nationthailand.com/news/politics/40012345")
	if code != 0 || !strings.Contains(out, "routing under") {
		t.Errorf("route on PostgreSQL: exit %d\n%s%s", code, out, errOut)
	}
}
