package daemon

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wirefeed/internal/partnertest"
	"wirefeed/internal/pgtest"
	"wirefeed/store"
)

// Two daemons share one database: what one pulls, the other serves once it
// has looked for section changes, though its own render cache held the feed.
func TestFeedsFollowAnotherDaemonsFetches(t *testing.T) {
	ctx := context.Background()
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	if pgtest.Enabled() {
		partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	}
	fetcher, server := openTestDaemon(t, path, Options{}), openTestDaemon(t, path, Options{})
	srv := httptest.NewServer(server.Handler())
	defer srv.Close()

	if err := server.syncSections(ctx); err != nil {
		t.Fatal(err)
	}
	before := string(partnertest.Get(t, srv.URL+"/feeds/politics.rss", "application/rss+xml"))
	if strings.Contains(before, "<item>") {
		t.Fatalf("politics has stories before any fetch:\n%s", before)
	}
	g := fetcher.current()
	src, _ := g.cfg.SourceByID("jiji")
	if rep := g.agg.Fetch(ctx, src); rep.Err != nil || rep.New == 0 {
		t.Fatalf("fetch: %+v", rep)
	}
	if cached := string(partnertest.Get(t, srv.URL+"/feeds/politics.rss", "application/rss+xml")); cached != before {
		t.Fatal("the serving daemon re-rendered before looking for changes; the test no longer shows the cache")
	}
	if err := server.syncSections(ctx); err != nil {
		t.Fatal(err)
	}
	after := string(partnertest.Get(t, srv.URL+"/feeds/politics.rss", "application/rss+xml"))
	if !strings.Contains(after, "Provided by Jiji Press") {
		t.Errorf("politics after the other daemon's fetch still lacks Jiji's stories:\n%s", after)
	}
	if all := string(partnertest.Get(t, srv.URL+"/feeds/headlines.json", "application/feed+json")); !strings.Contains(all, "Jiji Press") {
		t.Errorf("headlines (all sections) not refreshed:\n%s", all)
	}
}

// On PostgreSQL a daemon hears of another's changes as they commit, not at
// its next poll: with polling all but off, the serving daemon's feed still
// follows the other's pull.
func TestChangesAreAnnouncedOnPostgres(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skipf("set %s to run it (CI does)", pgtest.Env)
	}
	ctx := context.Background()
	p := partnertest.NewServer(t)
	path := partnertest.WriteConfig(t, p.URL)
	partnertest.EditConfig(t, path, "storage:\n", "storage:\n  postgres: \""+pgtest.Schema(t)+"\"\n")
	fetcher := openTestDaemon(t, path, Options{})
	server := openTestDaemon(t, path, Options{SyncEvery: time.Hour, Role: RoleServe})
	base := runDaemon(t, server, RunOptions{})
	listening := make(chan struct{})
	go server.store.ListenChanges(t.Context(), store.Listeners{Ready: func() { close(listening) }})
	<-listening // a second listener: once it is set up, so is (very likely) the daemon's own
	before := string(partnertest.Get(t, base+"/feeds/politics.rss", "application/rss+xml"))
	src, _ := fetcher.Config().SourceByID("jiji")
	if rep := fetcher.Aggregator().Fetch(ctx, src); rep.Err != nil || rep.New == 0 {
		t.Fatalf("fetch: %+v", rep)
	}
	committed := time.Now()
	deadline := time.After(10 * time.Second)
	for {
		after := string(partnertest.Get(t, base+"/feeds/politics.rss", "application/rss+xml"))
		if after != before && strings.Contains(after, "Provided by Jiji Press") {
			t.Logf("served %v after the other daemon's commit", time.Since(committed))
			return
		}
		select {
		case <-deadline:
			t.Fatal("the serving daemon never heard of the other's commit")
		default:
		}
	}
}
