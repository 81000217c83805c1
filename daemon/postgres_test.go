package daemon

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
	"wirefeed/route"
	"wirefeed/web"
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
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	one, two := openTestDaemon(t, path, Options{}), openTestDaemon(t, path, Options{})
	if err := two.syncSections(ctx); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for _, a := range []*Daemon{one, two} {
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

	srv := httptest.NewServer(two.Handler())
	defer srv.Close()
	if err := two.syncSections(ctx); err != nil {
		t.Fatal(err)
	}
	feed := string(partnertest.Get(t, srv.URL+"/feeds/headlines.json", "application/feed+json"))
	if strings.Count(feed, `"id":"tag:`) != 10 || !strings.Contains(feed, "Provided by Nation") || !strings.Contains(feed, "Provided by Jiji Press") {
		t.Errorf("headlines served by the second daemon:\n%s", feed)
	}
	if metrics := string(partnertest.Get(t, srv.URL+"/metrics", "text/plain")); strings.Contains(metrics, "wirefeed_db_size_bytes 0\n") {
		t.Error("database size not read from PostgreSQL")
	}

	rows, err := web.SourceStatuses(ctx, one.Config(), one.store, nil, time.Now())
	if err != nil || len(rows) != 2 || rows[0].ItemsSeen == 0 || rows[1].ItemsSeen == 0 {
		t.Errorf("source states on PostgreSQL: %+v, %v", rows, err)
	}
	story, err := one.store.FindStory(ctx, "https://www.nationthailand.com/news/politics/40012345")
	if err != nil {
		t.Fatal(err)
	}
	var explained strings.Builder
	if err := route.WriteReport(ctx, &explained, one.Config(), one.store, story, true); err != nil || !strings.Contains(explained.String(), "routing under") {
		t.Errorf("route on PostgreSQL: %v\n%s", err, explained.String())
	}
}
