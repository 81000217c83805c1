package publisher

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/store"
)

// A filtered rendering is kept briefly: the same request again costs no
// database read until the section changes.
func TestFilteredRenderingsAreCachedUntilTheSectionChanges(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	first := fetch(t, h, "/feeds/nation.rss?q=cabinet")
	if !strings.Contains(first, "Cabinet reshuffle") || strings.Contains(first, "Rains expected") {
		t.Fatalf("?q=cabinet:\n%s", first)
	}
	calls := r.callCount()
	if again := fetch(t, h, "/feeds/nation.rss?q=cabinet"); again != first || r.callCount() != calls {
		t.Errorf("the same filtered request read the store again (%d reads, was %d)", r.callCount(), calls)
	}
	fetch(t, h, "/feeds/nation.rss?q=rains")
	if r.callCount() != calls+1 {
		t.Errorf("another query was not rendered")
	}
	p.Invalidate("nation")
	fetch(t, h, "/feeds/nation.rss?q=cabinet")
	if r.callCount() != calls+2 {
		t.Errorf("after the section changed, the cached filtered rendering was served")
	}
}

// Uncached filtered renderings are bounded: maxFilteredRenders at once,
// maxFilteredQueue waiting, the rest answered at once with 503 and
// Retry-After. Before, each was rendered at once, and 1,000 concurrent
// ones took a gigabyte and every connection.
func TestFilteredRendersAreBounded(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	fetch(t, h, "/feeds/nation.rss") // cached before the store is held
	block := make(chan struct{})
	r.block, r.entered = block, make(chan struct{}, 1000)
	var wg sync.WaitGroup
	statuses := make(chan int, maxFilteredRenders+maxFilteredQueue)
	for i := range maxFilteredRenders + maxFilteredQueue {
		wg.Go(func() {
			statuses <- get(t, h, "GET", fmt.Sprintf("/feeds/nation.rss?q=word%d", i)).StatusCode
		})
	}
	for range maxFilteredRenders {
		<-r.entered // the renders in progress
	}
	for p.filtered.queue.Load() < maxFilteredQueue {
		runtime.Gosched() // the others queue
	}
	res := get(t, h, "GET", "/feeds/nation.rss?q=one-too-many")
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != retryAfterSeconds {
		t.Errorf("over the queue: %d, Retry-After %q; want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if got := fetch(t, h, "/feeds/nation.rss"); !strings.Contains(got, "Cabinet reshuffle") {
		t.Error("the cached feed was not served meanwhile")
	}
	if n := len(r.entered); n != 0 {
		t.Errorf("%d renders began beyond the %d allowed", n, maxFilteredRenders)
	}
	close(block)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK && s != http.StatusServiceUnavailable {
			t.Errorf("a queued request got %d", s)
		}
	}
}

// ?source= finds a partner's stories however many newer ones other
// partners sent: on a site of 1,692 stories a partner's own feed (listed in
// /opml) came back empty, because only the newest 1,000 were looked at.
func TestSourceFeedFindsOlderStories(t *testing.T) {
	st, err := store.OpenSQLite(filepath.Join(t.TempDir(), "wirefeed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if err := st.SyncSources(ctx, []store.Source{{ID: "nation"}, {ID: "jiji"}}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	add := func(source string, n int, from time.Time) {
		var batch []store.Story
		for i := range n {
			key := fmt.Sprintf("%s-%d", source, i)
			batch = append(batch, store.Story{Key: key, PublicID: "tag:x,2026:" + key, Title: "Story " + key,
				Published: from.Add(time.Duration(i) * time.Minute), ContentHash: key, Sections: []string{"nation"}})
		}
		if _, err := st.SaveStories(ctx, source, batch, from); err != nil {
			t.Fatal(err)
		}
	}
	add("jiji", 12, t0)
	add("nation", 1680, t0.Add(time.Hour))
	p := New(testConfig(), st)
	for _, path := range []string{"/feeds/all.rss?source=jiji", "/feeds/nation.json?source=jiji", "/feeds/headlines.atom?source=jiji&limit=20"} {
		if got := strings.Count(fetch(t, p.Handler(), path), "Story jiji-"); got != 12 {
			t.Errorf("%s: %d of jiji's 12 stories", path, got)
		}
	}
	if got := fetch(t, p.Handler(), "/feeds/all.rss?q=jiji-3"); !strings.Contains(got, "Story jiji-3") {
		t.Errorf("?q= did not find an old story")
	}
}
