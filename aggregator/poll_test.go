package aggregator

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

func TestPollPolicy(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	p := pollPolicy{maxDelay: 6 * time.Hour, jitter: func() float64 { return 0.999999 }}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	for _, tc := range []struct {
		name string
		got  time.Duration
		want time.Duration
	}{
		{"no hints", p.afterSuccess(now, hdr(), 0), 0},
		{"ttl minutes", p.afterSuccess(now, hdr(), 30), 30 * time.Minute},
		{"max-age beats shorter ttl", p.afterSuccess(now, hdr("Cache-Control", "public, max-age=3600"), 30), time.Hour},
		{"no-cache", p.afterSuccess(now, hdr("Cache-Control", "no-cache"), 0), 0},
		{"expires", p.afterSuccess(now, hdr("Expires", now.Add(90*time.Minute).Format(http.TimeFormat)), 0), 90 * time.Minute},
		{"hint capped", p.afterSuccess(now, hdr("Cache-Control", "max-age=9999999"), 0), 6 * time.Hour},
		{"429 seconds", p.afterFailure(now, 429, hdr("Retry-After", "120"), 1), 2 * time.Minute},
		{"503 date", p.afterFailure(now, 503, hdr("Retry-After", now.Add(time.Hour).Format(http.TimeFormat)), 1), time.Hour},
		{"retry-after capped", p.afterFailure(now, 429, hdr("Retry-After", "99999999"), 1), 6 * time.Hour},
		{"first failure", p.afterFailure(now, 500, hdr(), 1).Round(time.Second), time.Minute},
		{"fourth failure", p.afterFailure(now, 500, hdr(), 4).Round(time.Second), 8 * time.Minute},
		{"many failures capped", p.afterFailure(now, 0, hdr(), 40).Round(time.Second), 6 * time.Hour},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	low := pollPolicy{maxDelay: time.Hour, jitter: func() float64 { return 0 }}
	if d := low.afterFailure(now, 500, hdr(), 3); d != 2*time.Minute {
		t.Errorf("jitter floor: %v, want half the 4m step", d)
	}
}

// testPartner is a test partner feed server whose answer the test sets.
type testPartner struct {
	*httptest.Server
	mu     sync.Mutex
	hits   int
	status int
	header http.Header
}

func newTestPartner(t *testing.T) *testPartner {
	p := &testPartner{status: http.StatusOK, header: http.Header{}}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits++
		status, header := p.status, p.header.Clone()
		p.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		if status != http.StatusOK {
			http.Error(w, "partner says no", status)
			return
		}
		http.ServeFile(w, r, "testdata/feed.json")
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *testPartner) answer(status int, kv ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status, p.header = status, http.Header{}
	for i := 0; i < len(kv); i += 2 {
		p.header.Set(kv[i], kv[i+1])
	}
}

func (p *testPartner) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits
}

func TestRetryAfterDefersScheduledPulls(t *testing.T) {
	h := newHarness(t)
	p := newTestPartner(t)
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	clock := testNow
	h.agg.now = func() time.Time { return clock }

	p.answer(http.StatusTooManyRequests, "Retry-After", "120")
	rep := h.agg.FetchDue(context.Background(), src)
	if rep.Err == nil || !rep.NotBefore.Equal(testNow.Add(2*time.Minute)) {
		t.Fatalf("429 report: err %v, not before %v", rep.Err, rep.NotBefore)
	}
	p.answer(http.StatusOK)
	clock = testNow.Add(time.Minute)
	if rep := h.agg.FetchDue(context.Background(), src); !rep.Deferred || p.count() != 1 {
		t.Fatalf("pull inside Retry-After: %+v, %d requests", rep, p.count())
	}
	clock = testNow.Add(3 * time.Minute)
	if rep := h.agg.FetchDue(context.Background(), src); rep.Err != nil || rep.New != 3 {
		t.Fatalf("pull after Retry-After: %+v", rep)
	}
	st, _ := h.store.Source(context.Background(), "misc")
	if st.NotBefore != nil || st.Failures != 0 {
		t.Errorf("after success: not before %v, failures %d", st.NotBefore, st.Failures)
	}
}

func TestFailuresBackOffExponentiallyAndSuccessResets(t *testing.T) {
	h := newHarness(t)
	p := newTestPartner(t)
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	clock := testNow
	h.agg.now = func() time.Time { return clock }
	p.answer(http.StatusInternalServerError)
	var rests []time.Duration
	for range 5 {
		rep := h.agg.FetchDue(context.Background(), src)
		if rep.Err == nil || rep.Deferred {
			t.Fatalf("failing pull: %+v", rep)
		}
		rests = append(rests, rep.NotBefore.Sub(clock))
		clock = rep.NotBefore // the next tick after the rest
	}
	for i, d := range rests {
		step := backoffBase << i
		if d < step/2 || d > step {
			t.Errorf("rest after failure %d = %v, want within [%v, %v]", i+1, d, step/2, step)
		}
	}
	p.answer(http.StatusOK, "Cache-Control", "max-age=900")
	rep := h.agg.FetchDue(context.Background(), src)
	if rep.Err != nil || !rep.NotBefore.Equal(clock.Add(15*time.Minute)) {
		t.Fatalf("success with max-age: %+v", rep)
	}
	if st, _ := h.store.Source(context.Background(), "misc"); st.Failures != 0 {
		t.Errorf("failures after success = %d", st.Failures)
	}
}

func TestGoneDisablesUntilTheURLChanges(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	p := newTestPartner(t)
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	h.store.SyncSources(ctx, []store.Source{{ID: "misc", URL: p.URL}})
	p.answer(http.StatusGone)
	if rep := h.agg.FetchDue(ctx, src); !rep.Disabled || rep.Err == nil {
		t.Fatalf("410: %+v", rep)
	}
	p.answer(http.StatusOK)
	if rep := h.agg.FetchDue(ctx, src); !rep.Disabled || p.count() != 1 {
		t.Fatalf("scheduled pull of a gone source: %+v, %d requests", rep, p.count())
	}
	if st, _ := h.store.Source(ctx, "misc"); !st.Disabled {
		t.Fatal("410 not recorded")
	}
	// The editor points the source elsewhere: it comes back.
	moved := p.URL + "/moved"
	h.store.SyncSources(ctx, []store.Source{{ID: "misc", URL: moved}})
	h2 := New(h.cfg, h.store, Options{Now: func() time.Time { return testNow }})
	if rep := h2.FetchDue(ctx, config.Source{ID: "misc", URL: moved, Fallback: "other"}); rep.Disabled || rep.Err != nil {
		t.Fatalf("after the URL changed: %+v", rep)
	}
}

func TestPerHostLimit(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	inFlight, most := 0, 0
	entered := make(chan struct{}, 3)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		http.ServeFile(w, r, "testdata/feed.json")
	}))
	defer srv.Close()
	var wg sync.WaitGroup
	for _, id := range []string{"nation", "jiji", "misc"} {
		wg.Go(func() {
			h.agg.Fetch(context.Background(), config.Source{ID: id, URL: srv.URL + "/" + id, Fallback: "other"})
		})
	}
	<-entered
	<-entered
	for range 100 {
		runtime.Gosched() // give a third request every chance to arrive
	}
	close(release)
	wg.Wait()
	if most > h.cfg.Fetch.PerHost {
		t.Errorf("%d fetches on one host at once, limit %d", most, h.cfg.Fetch.PerHost)
	}
}

func TestPermanentRedirectMovesTheSource(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	p := newTestPartner(t)
	var oldHits int
	var mu sync.Mutex
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		oldHits++
		mu.Unlock()
		http.Redirect(w, r, p.URL+"/new-feed", http.StatusMovedPermanently)
	}))
	defer old.Close()
	src := config.Source{ID: "misc", URL: old.URL + "/feed", Fallback: "other"}
	rep := h.agg.Fetch(ctx, src)
	if rep.Err != nil || rep.Moved != p.URL+"/new-feed" || rep.New != 3 {
		t.Fatalf("first pull: %+v", rep)
	}
	rep = h.agg.Fetch(ctx, src)
	if rep.Err != nil || rep.Moved != "" || oldHits != 1 || p.count() != 2 {
		t.Fatalf("second pull: %+v; old address hit %d times, new %d", rep, oldHits, p.count())
	}
	if st, _ := h.store.Source(ctx, "misc"); st.DiscoveredURL != p.URL+"/new-feed" || st.DiscoveredFrom != src.URL {
		t.Errorf("stored move: %q from %q", st.DiscoveredURL, st.DiscoveredFrom)
	}
}

func TestTemporaryRedirectIsNotAMove(t *testing.T) {
	h := newHarness(t)
	p := newTestPartner(t)
	tmp := httptest.NewServer(http.RedirectHandler(p.URL+"/today", http.StatusFound))
	defer tmp.Close()
	rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: tmp.URL, Fallback: "other"})
	if rep.Err != nil || rep.Moved != "" {
		t.Fatalf("302: %+v", rep)
	}
}

func TestPruneKeepsWhatSectionsShow(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/jiji", "jiji.rss")
	h.fetch(t, "jiji")
	h.cfg.Retention = config.Retention{MaxAge: config.Duration(time.Hour), MaxPerSource: 1000}
	h.agg.now = func() time.Time { return testNow.Add(30 * 24 * time.Hour) }
	// Every stored story is old, but each is in a section's window.
	if res, err := h.agg.Prune(context.Background()); err != nil || res.Stories != 0 {
		t.Fatalf("prune with every story on show: %+v, %v", res, err)
	}
	for i := range h.cfg.Sections {
		h.cfg.Sections[i].Limit = 1
	}
	res, err := h.agg.Prune(context.Background())
	if err != nil || res.Stories != 4 {
		t.Fatalf("prune with 1-story windows: %+v, %v; want the 4 no section shows", res, err)
	}
}
