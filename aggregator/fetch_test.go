package aggregator

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// partner is a feed server that records the conditional headers it gets.
type partner struct {
	*httptest.Server
	mu       sync.Mutex
	body     []byte
	etag     string // "" sends none
	lastMod  string // "" sends none
	honour   bool   // answer 304 to matching validators
	requests int
	inm, ims []string // If-None-Match, If-Modified-Since of each request
}

func newPartner(t *testing.T, file string) *partner {
	t.Helper()
	p := &partner{honour: true}
	p.setFile(t, file)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.requests++
		p.inm = append(p.inm, r.Header.Get("If-None-Match"))
		p.ims = append(p.ims, r.Header.Get("If-Modified-Since"))
		if p.etag != "" {
			w.Header().Set("ETag", p.etag)
		}
		if p.lastMod != "" {
			w.Header().Set("Last-Modified", p.lastMod)
		}
		if p.honour && p.etag != "" && r.Header.Get("If-None-Match") == p.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(p.body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *partner) setFile(t *testing.T, file string) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.body = data
}

func (p *partner) last() (inm, ims string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inm[len(p.inm)-1], p.ims[len(p.ims)-1]
}

func (h *harness) state(t *testing.T, id string) store.Source {
	t.Helper()
	src, err := h.store.Source(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestNotModifiedCostsNoParseAndNoWrite(t *testing.T) {
	h := newHarness(t)
	p := newPartner(t, "nation.rss")
	p.etag, p.lastMod = `"v1"`, "Sat, 28 Nov 2026 11:00:00 GMT"
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	if rep := h.agg.Fetch(context.Background(), src); rep.Err != nil || rep.New != 6 {
		t.Fatalf("first fetch: %+v", rep)
	}
	if inm, ims := p.last(); inm != "" || ims != "" {
		t.Errorf("first request was conditional: %q %q", inm, ims)
	}
	st := h.state(t, "misc")
	if st.ETag != `"v1"` || st.LastModified != p.lastMod || st.BodyHash == "" || st.FetchedURL != p.URL || st.ItemsSeen != 6 {
		t.Fatalf("state after first fetch: %+v", st)
	}
	h.changed = nil

	rep := h.agg.Fetch(context.Background(), src)
	if rep.Err != nil || !rep.NotModified || rep.New+rep.Updated+rep.Unchanged != 0 {
		t.Fatalf("second fetch: %+v, want not modified", rep)
	}
	if inm, ims := p.last(); inm != `"v1"` || ims != p.lastMod {
		t.Errorf("second request sent If-None-Match %q, If-Modified-Since %q", inm, ims)
	}
	if n := h.agg.parses.Load(); n != 1 {
		t.Errorf("%d parses, want 1: a 304 must not be parsed", n)
	}
	if len(h.changed) != 0 {
		t.Errorf("a 304 changed sections %v", h.changed)
	}
	st = h.state(t, "misc")
	if st.LastStatus != 304 || st.Failures != 0 || st.ItemsSeen != 6 || st.ETag != `"v1"` || st.LastError != "" {
		t.Errorf("state after 304: %+v", st)
	}
}

func TestIdenticalBodyIsSkippedWhenServerIgnoresValidators(t *testing.T) {
	h := newHarness(t)
	p := newPartner(t, "nation.rss")
	p.etag, p.honour = `"always-new"`, false
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	h.agg.Fetch(context.Background(), src)
	rep := h.agg.Fetch(context.Background(), src)
	if rep.Err != nil || !rep.NotModified {
		t.Fatalf("same body again: %+v, want not modified", rep)
	}
	if n := h.agg.parses.Load(); n != 1 {
		t.Errorf("%d parses, want 1", n)
	}
	if st := h.state(t, "misc"); st.LastStatus != 200 || st.ItemsSeen != 6 {
		t.Errorf("state: %+v", st)
	}

	p.setFile(t, "nation_edited.rss")
	rep = h.agg.Fetch(context.Background(), src)
	if rep.Err != nil || rep.NotModified || rep.New != 1 || rep.Updated != 1 {
		t.Fatalf("changed body: %+v, want 1 new 1 updated", rep)
	}
}

// flakyStore fails SaveStories while fail is set.
type flakyStore struct {
	*store.Store
	fail bool
}

func (f *flakyStore) SaveStories(ctx context.Context, id string, stories []store.Story, now time.Time) (store.SaveResult, error) {
	if f.fail {
		return store.SaveResult{}, errors.New("disk full")
	}
	return f.Store.SaveStories(ctx, id, stories, now)
}

func TestValidatorsAreKeptOnlyOnceStored(t *testing.T) {
	h := newHarness(t)
	flaky := &flakyStore{Store: h.store, fail: true}
	agg := New(h.cfg, flaky, Options{Now: func() time.Time { return testNow }})
	p := newPartner(t, "nation.rss")
	p.etag = `"v1"`
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}

	rep := agg.Fetch(context.Background(), src)
	if rep.Err == nil || !errors.Is(rep.Err, ErrStore) || !strings.Contains(rep.Err.Error(), "store misc:") || !strings.Contains(rep.Err.Error(), "disk full") {
		t.Fatalf("failed write: %+v", rep)
	}
	if st := h.state(t, "misc"); st.ETag != "" || st.BodyHash != "" || st.Failures != 1 {
		t.Fatalf("validators kept after a failed write: %+v", st)
	}
	flaky.fail = false
	rep = agg.Fetch(context.Background(), src)
	if rep.Err != nil || rep.NotModified || rep.New != 6 {
		t.Fatalf("retry: %+v, want the body stored in full", rep)
	}
	if inm, _ := p.last(); inm != "" {
		t.Errorf("retry sent If-None-Match %q for a body never stored", inm)
	}
}

func TestValidatorsAreNotSentToAnotherURL(t *testing.T) {
	h := newHarness(t)
	p := newPartner(t, "nation.rss")
	p.etag, p.lastMod = `"v1"`, "Sat, 28 Nov 2026 11:00:00 GMT"
	h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: p.URL + "/a", Fallback: "other"})
	rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: p.URL + "/b", Fallback: "other"})
	if inm, ims := p.last(); inm != "" || ims != "" || rep.NotModified {
		t.Errorf("validators of /a sent to /b: %q %q, report %+v", inm, ims, rep)
	}
}

func TestGzipIsRequestedAndDecoded(t *testing.T) {
	h := newHarness(t)
	data, _ := os.ReadFile("testdata/jiji.rss")
	h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			t.Errorf("Accept-Encoding = %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write(data)
		zw.Close()
	})
	if rep := h.fetch(t, "misc"); rep.Err != nil || rep.New != 8 {
		t.Fatalf("gzip feed: %+v", rep)
	}
}

// allocated returns how many bytes f allocated (in the whole process).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// gzipBomb serves 1 GiB of zeros as 1,024 concatenated gzip members of
// 1 MiB each, about 1 MB on the wire.
func gzipBomb(t *testing.T) http.HandlerFunc {
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		for range 1024 {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
		}
	}
}

func TestGzipBombStopsAtTheLimit(t *testing.T) {
	h := newHarness(t)
	h.feeds.handle("/misc", gzipBomb(t))
	var rep Report
	n := allocated(func() { rep = h.fetch(t, "misc") })
	if rep.Err == nil || !errors.Is(rep.Err, errTooLarge) || !strings.Contains(rep.Err.Error(), "fetch misc: body too large: over the 10 MiB limit (fetch.max_body)") {
		t.Fatalf("gzip bomb: %v", rep.Err)
	}
	if n > 48<<20 {
		t.Errorf("a gzip bomb cost %d MiB of allocations", n>>20)
	}
}

func TestLargeBodyFailsNamingTheLimit(t *testing.T) {
	const size = 50 << 20
	chunk := bytes.Repeat([]byte("<!-- padding -->\n"), 4096)
	for _, declared := range []bool{true, false} {
		t.Run("declared="+strconv.FormatBool(declared), func(t *testing.T) {
			h := newHarness(t)
			h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
				if declared {
					w.Header().Set("Content-Length", strconv.Itoa(size))
				}
				for sent := 0; sent < size; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			var rep Report
			n := allocated(func() { rep = h.fetch(t, "misc") })
			if rep.Err == nil || !strings.Contains(rep.Err.Error(), "fetch misc: body too large: over the 10 MiB limit (fetch.max_body)") {
				t.Fatalf("50 MiB body: %v", rep.Err)
			}
			if n > 40<<20 {
				t.Errorf("a 50 MiB body cost %d MiB of allocations", n>>20)
			}
		})
	}
}

func TestMaxBodyIsConfigurable(t *testing.T) {
	h := newHarness(t)
	h.cfg.Fetch.MaxBody = 4096
	h.feeds.serve("/misc", "nation.rss")
	if rep := h.fetch(t, "misc"); rep.Err == nil || !strings.Contains(rep.Err.Error(), "over the 4096 bytes limit (fetch.max_body)") {
		t.Fatalf("err = %v", rep.Err)
	}
}

func TestTricklingBodyIsCutOffByTheDeadline(t *testing.T) {
	h := newHarness(t)
	h.cfg.Fetch.Timeout = config.Duration(100 * time.Millisecond)
	h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	})
	rep := h.fetch(t, "misc")
	if rep.Err == nil || !errors.Is(rep.Err, context.DeadlineExceeded) || !strings.Contains(rep.Err.Error(), "timed out after 100ms (fetch.timeout)") {
		t.Fatalf("trickle: %v", rep.Err)
	}
	if rep.Took > 2*time.Second {
		t.Errorf("trickle took %v", rep.Took)
	}
}

func TestRedirects(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/feed", "feed.json")
	redirect := func(to string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
	}
	h.feeds.handle("/a", redirect("/b"))
	h.feeds.handle("/b", redirect("/a"))
	for i := range 12 {
		h.feeds.handle("/r"+strconv.Itoa(i), redirect("/r"+strconv.Itoa(i+1)))
	}
	h.feeds.handle("/moved", redirect("/feed"))
	for _, tc := range []struct{ path, want string }{
		{"/a", "fetch misc: redirect loop: " + h.feeds.URL + "/b redirects back to " + h.feeds.URL + "/a"},
		{"/r0", "fetch misc: stopped after 10 redirects"},
		{"/moved", ""},
	} {
		rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: h.feeds.URL + tc.path, Fallback: "other"})
		switch {
		case tc.want == "" && (rep.Err != nil || rep.New != 3):
			t.Errorf("%s: %+v", tc.path, rep)
		case tc.want != "" && (rep.Err == nil || !strings.Contains(rep.Err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want %q", tc.path, rep.Err, tc.want)
		}
	}
	if st := h.state(t, "misc"); st.FinalURL != h.feeds.URL+"/feed" || st.LastStatus != 200 {
		t.Errorf("state after a redirect: final URL %q, status %d", st.FinalURL, st.LastStatus)
	}
}

func TestBillionLaughsStaysSmall(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/misc", "laughs.rss")
	var rep Report
	n := allocated(func() { rep = h.fetch(t, "misc") })
	if n > 16<<20 {
		t.Errorf("billion laughs cost %d MiB of allocations", n>>20)
	}
	if rep.Err != nil {
		return // failing is as good as yielding sanely
	}
	for _, st := range h.section(t, "other") {
		if len(st.Title)+len(st.Summary) > 1024 {
			t.Errorf("entity expanded into a %d-byte story", len(st.Title)+len(st.Summary))
		}
	}
}

func TestLimitsFailOneSourceOnly(t *testing.T) {
	h := newHarness(t)
	h.cfg.Fetch.Timeout = config.Duration(100 * time.Millisecond)
	h.cfg.Fetch.MaxBody = 1 << 20
	h.feeds.serve("/nation", "nation.rss")
	h.feeds.handle("/jiji", gzipBomb(t))
	h.feeds.handle("/misc", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<rss>"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	reps := h.agg.FetchAll(context.Background())
	if reps[0].Err != nil || reps[0].New != 6 {
		t.Errorf("nation: %+v", reps[0])
	}
	for i, want := range map[int]string{1: "aggregator: fetch jiji: body too large: over the 1 MiB limit", 2: "aggregator: fetch misc: timed out"} {
		if reps[i].Err == nil || !strings.HasPrefix(reps[i].Err.Error(), want) {
			t.Errorf("%s: err = %v, want %q...", reps[i].Source, reps[i].Err, want)
		}
	}
}

// A pull whose claim lapsed by the daemon's own clock (it was paused past
// it) sends no request: another daemon pulls the source now.
func TestALapsedClaimSendsNoRequest(t *testing.T) {
	h := newHarness(t)
	p := newPartner(t, "nation.rss")
	src := config.Source{ID: "misc", URL: p.URL, Fallback: "other"}
	until := new(atomic.Int64)
	until.Store(time.Now().Add(-time.Second).UnixNano())
	ctx := store.WithFence(context.Background(), store.Fence{Name: "pull/misc", Holder: "paused", Now: time.Now, Until: until})
	rep := h.agg.Fetch(ctx, src)
	if !errors.Is(rep.Err, ErrLapsed) || p.requests != 0 {
		t.Fatalf("lapsed claim: %v, %d requests sent", rep.Err, p.requests)
	}
	until.Store(time.Now().Add(time.Minute).UnixNano())
	if rep := h.agg.Fetch(context.Background(), src); rep.Err != nil || p.requests != 1 {
		t.Fatalf("without a fence: %v, %d requests", rep.Err, p.requests)
	}
}
