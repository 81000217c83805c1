package publisher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCachePanicReachesWaitersAndIsNotCached(t *testing.T) {
	c := newCache()
	key := cacheKey{"nation", "rss"}
	started, release := make(chan struct{}), make(chan struct{})
	waited := make(chan error)
	c.joined = func() { close(release) }
	go func() {
		<-started
		_, err := c.get(context.Background(), key, func() (*rendering, error) {
			t.Error("a waiter rendered")
			return nil, nil
		})
		waited <- err
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not reach the caller")
			}
		}()
		c.get(context.Background(), key, func() (*rendering, error) {
			close(started)
			<-release
			panic("boom")
		})
	}()
	if err := <-waited; !errors.Is(err, errPanicked) {
		t.Errorf("waiter got %v, want errPanicked", err)
	}
	c.joined = nil
	res, err := c.get(context.Background(), key, func() (*rendering, error) {
		return newRendering([]byte("ok"), time.Time{}, "text/plain", "no-store"), nil
	})
	if err != nil || string(res.plain.body) != "ok" {
		t.Errorf("after a panic: %v, %v; want a fresh rendering", res, err)
	}
}

func TestCacheWaiterGivesUpWithItsContext(t *testing.T) {
	c := newCache()
	key := cacheKey{"nation", "rss"}
	started, release := make(chan struct{}), make(chan struct{})
	go c.get(context.Background(), key, func() (*rendering, error) {
		close(started)
		<-release
		return newRendering(nil, time.Time{}, "text/plain", "no-store"), nil
	})
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	c.joined = cancel
	if _, err := c.get(ctx, key, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	close(release)
}

func TestConditionalGet(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	res := get(t, h, "GET", "/feeds/economy.json")
	etag, lastMod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"exact", []string{"If-None-Match", etag}, http.StatusNotModified},
		{"list", []string{"If-None-Match", `"other", ` + etag}, http.StatusNotModified},
		{"weak", []string{"If-None-Match", "W/" + etag}, http.StatusNotModified},
		{"star", []string{"If-None-Match", "*"}, http.StatusNotModified},
		{"stale etag", []string{"If-None-Match", `"stale"`}, http.StatusOK},
		{"since", []string{"If-Modified-Since", lastMod}, http.StatusNotModified},
		{"since earlier", []string{"If-Modified-Since", "Mon, 03 Jun 2024 10:29:59 GMT"}, http.StatusOK},
		{"etag wins over date", []string{"If-None-Match", `"stale"`, "If-Modified-Since", lastMod}, http.StatusOK},
	} {
		res := get(t, h, "GET", "/feeds/economy.json", tc.header...)
		b := body(t, res)
		if res.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.want)
		}
		if tc.want == http.StatusNotModified {
			if b != "" {
				t.Errorf("%s: 304 with a body", tc.name)
			}
			if res.Header.Get("ETag") != etag {
				t.Errorf("%s: 304 ETag %q, want %q", tc.name, res.Header.Get("ETag"), etag)
			}
		}
	}
	if n := r.callCount(); n != 1 {
		t.Errorf("%d reader calls for one feed polled repeatedly, want 1", n)
	}
}

func TestCachingAndInvalidate(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	first := fetch(t, h, "/feeds/nation.rss")
	fetch(t, h, "/feeds/headlines.rss")
	if n := r.callCount(); n != 2 {
		t.Fatalf("%d reader calls after two first requests, want 2", n)
	}
	for range 5 {
		if fetch(t, h, "/feeds/nation.rss") != first {
			t.Fatal("cached feed changed")
		}
		fetch(t, h, "/feeds/headlines.rss")
	}
	if n := r.callCount(); n != 2 {
		t.Fatalf("%d reader calls after polling unchanged feeds, want still 2", n)
	}

	// Invalidating economy drops headlines (all: true) but not nation.
	p.Invalidate("economy")
	fetch(t, h, "/feeds/nation.rss")
	fetch(t, h, "/feeds/headlines.rss")
	if n := r.callCount(); n != 3 {
		t.Fatalf("%d reader calls after invalidating economy, want 3", n)
	}
	p.Invalidate("nation")
	fetch(t, h, "/feeds/nation.rss")
	fetch(t, h, "/feeds/nation.rss")
	if n := r.callCount(); n != 4 {
		t.Fatalf("%d reader calls after invalidating nation, want 4", n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if want := []string{"nation", "", "", "nation"}; fmt.Sprint(r.calls) != fmt.Sprint(want) {
		t.Errorf("reader asked for sections %q, want %q", r.calls, want)
	}
}

func TestConcurrentRequestsShareOneRendering(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	fetch(t, h, "/feeds/nation.atom")
	p.Invalidate("nation")

	const clients = 20
	r.block = make(chan struct{})
	r.entered = make(chan struct{}, clients)
	var waiting sync.WaitGroup
	waiting.Add(clients - 1)
	p.cache.joined = waiting.Done

	bodies := make([]string, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			res := get(t, h, "GET", "/feeds/nation.atom")
			if res.StatusCode != http.StatusOK {
				t.Errorf("client %d: status %d", i, res.StatusCode)
			}
			bodies[i] = body(t, res)
		})
	}
	<-r.entered    // one client is rendering...
	waiting.Wait() // ...and all the others wait for it
	close(r.block)
	wg.Wait()

	if n := r.callCount(); n != 2 {
		t.Errorf("%d reader calls, want 2 (one before the invalidation, one after)", n)
	}
	for i, b := range bodies {
		if b != bodies[0] || b == "" {
			t.Fatalf("client %d got a different or empty body", i)
		}
	}
}

func TestInvalidateDuringRendering(t *testing.T) {
	p, r := newTestPublisher(t)
	h := p.Handler()
	r.block = make(chan struct{})
	r.entered = make(chan struct{}, 2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		fetch(t, h, "/feeds/politics.json")
	}()
	<-r.entered
	// The stories change while the rendering reads them: its result may be
	// stale, so it must be served but not cached.
	p.Invalidate("politics")
	close(r.block)
	<-done
	fetch(t, h, "/feeds/politics.json")
	fetch(t, h, "/feeds/politics.json")
	if n := r.callCount(); n != 2 {
		t.Errorf("%d reader calls, want 2: a rendering overtaken by Invalidate was cached", n)
	}
}

func TestStoreErrorIsNotCached(t *testing.T) {
	p, r := newTestPublisher(t)
	p.log = slog.New(slog.DiscardHandler)
	h := p.Handler()
	r.err = errors.New("database is locked")
	res := get(t, h, "GET", "/feeds/nation.json")
	b := body(t, res)
	if res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if !strings.Contains(b, "nation") || strings.Contains(b, "locked") {
		t.Errorf("500 body %q: want the section named, not the internal error", b)
	}
	r.err = nil
	fetch(t, h, "/feeds/nation.json")
	if n := r.callCount(); n != 2 {
		t.Errorf("%d reader calls, want 2: the error was cached", n)
	}
}

func TestConcurrentRenderingsOfDifferentFeeds(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	h := p.Handler()
	var wg sync.WaitGroup
	for _, sec := range []string{"nation", "politics", "economy", "headlines"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			wg.Go(func() {
				res := get(t, h, "GET", "/feeds/"+sec+"."+ext, "Accept-Encoding", "gzip")
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s.%s: status %d", sec, ext, res.StatusCode)
				}
			})
		}
	}
	wg.Wait()
}
