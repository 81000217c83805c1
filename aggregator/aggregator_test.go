package aggregator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// feedServer serves files from testdata by path; swap replaces what a path
// serves, to model a partner editing its feed.
type feedServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string           // URL path -> testdata file
	codes map[string]int              // URL path -> forced status
	funcs map[string]http.HandlerFunc // URL path -> handler of its own
}

func newFeedServer(t testing.TB) *feedServer {
	t.Helper()
	fs := &feedServer{files: map[string]string{}, codes: map[string]int{}, funcs: map[string]http.HandlerFunc{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		file, code, fn := fs.files[r.URL.Path], fs.codes[r.URL.Path], fs.funcs[r.URL.Path]
		fs.mu.Unlock()
		if fn != nil {
			fn(w, r)
			return
		}
		if code != 0 {
			http.Error(w, "forced failure", code)
			return
		}
		if file == "" {
			http.NotFound(w, r)
			return
		}
		// Validators follow the content, as a partner's would when it
		// edits its feed (file times would not: swaps go back in time).
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(data)))
		http.ServeContent(w, r, file, time.Time{}, bytes.NewReader(data))
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(path, file string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[path] = file
}

func (fs *feedServer) handle(path string, fn http.HandlerFunc) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.funcs[path] = fn
}

func (fs *feedServer) fail(path string, code int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.codes[path] = code
}

const testConfig = `
server: {base_url: "https://news.example.com"}
fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}
sections:
  - {id: nation, title: Nation}
  - {id: politics, title: Politics}
  - {id: economy, title: Economy}
  - {id: sports, title: Sports}
  - {id: other, title: Other}
  - {id: headlines, title: Headlines, all: true}
sources:
  - id: nation
    name: Nation
    url: FEEDS/nation
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: jiji
    name: Jiji Press
    url: FEEDS/jiji
    categories: {Politics: politics, Economy: economy, Sports: sports, Other: other}
    fallback: other
  - id: misc
    name: Misc
    url: FEEDS/misc
    fallback: other
`

type harness struct {
	cfg     *config.Config
	store   *store.Store
	agg     *Aggregator
	feeds   *feedServer
	changed []string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessConfig(t, testConfig)
}

// newHarnessConfig is newHarness with another config, whose feed URLs
// start with FEEDS.
func newHarnessConfig(t testing.TB, text string) *harness {
	t.Helper()
	h := &harness{feeds: newFeedServer(t)}
	cfg, err := config.Parse([]byte(strings.ReplaceAll(text, "FEEDS", h.feeds.URL)), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Storage.Path = filepath.Join(t.TempDir(), "test.db")
	h.cfg = cfg
	h.store, err = store.OpenSQLite(cfg.Storage.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.store.Close() })
	var sources []store.Source
	for _, src := range cfg.Sources {
		sources = append(sources, store.Source{ID: src.ID, Name: src.Name, URL: src.URL})
	}
	if err := h.store.SyncSources(context.Background(), sources); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	h.agg = New(cfg, h.store, Options{
		Now: func() time.Time { return testNow },
		OnChange: func(ids []string) {
			mu.Lock()
			defer mu.Unlock()
			h.changed = append(h.changed, ids...)
		},
	})
	return h
}

func (h *harness) fetch(t *testing.T, id string) Report {
	t.Helper()
	reps := h.agg.FetchAll(context.Background(), id)
	if len(reps) != 1 {
		t.Fatalf("FetchAll(%s) gave %d reports", id, len(reps))
	}
	return reps[0]
}

func (h *harness) section(t *testing.T, id string) []store.Story {
	t.Helper()
	got, err := h.store.SectionStories(context.Background(), id, 100)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func titles(stories []store.Story) []string {
	out := make([]string, len(stories))
	for i, st := range stories {
		out[i] = st.Title
	}
	return out
}

func TestEveryFeedFormatIsStored(t *testing.T) {
	for _, tc := range []struct {
		file  string
		items int
	}{
		{"nation.rss", 6}, {"jiji.rss", 8}, {"atom.xml", 3}, {"atom03.xml", 2},
		{"rdf.xml", 3}, {"rss091.xml", 2}, {"feed.json", 3}, {"noguid.rss", 3},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h := newHarness(t)
			h.feeds.serve("/misc", tc.file)
			rep := h.fetch(t, "misc")
			if rep.Err != nil {
				t.Fatal(rep.Err)
			}
			if rep.Items != tc.items || rep.New != tc.items {
				t.Fatalf("report %+v, want %d items all new", rep, tc.items)
			}
			stored := h.section(t, "other")
			if len(stored) != tc.items {
				t.Fatalf("section other holds %d stories, want %d", len(stored), tc.items)
			}
			for _, st := range stored {
				if st.Title == "" || st.PublicID == "" || st.Published.IsZero() || st.Updated.Before(st.Published) {
					t.Errorf("incomplete story: %+v", st)
				}
			}
		})
	}
}

func TestNationStoryFieldsAndRouting(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/nation", "nation.rss")
	if rep := h.fetch(t, "nation"); rep.Err != nil || rep.New != 6 {
		t.Fatalf("report %+v", rep)
	}
	nation := h.section(t, "nation")
	if len(nation) != 6 {
		t.Fatalf("nation section holds %d, want all 6", len(nation))
	}
	top := nation[0]
	if top.Link != "https://www.nationthailand.com/business/economy/40012399" {
		t.Errorf("newest story link = %q", top.Link)
	}
	if want := time.Date(2026, 11, 28, 2, 30, 0, 0, time.UTC); !top.Published.Equal(want) {
		t.Errorf("published = %v, want %v (+0700 converted to UTC)", top.Published, want)
	}
	if len(top.Authors) == 0 || top.Authors[0].Name == "" || top.Content == "" || top.Summary == "" {
		t.Errorf("author/content/summary lost: %+v", top)
	}
	if !slices.Equal(top.Categories, []string{"Business"}) {
		t.Errorf("categories = %v", top.Categories)
	}
	if got := len(h.section(t, "politics")); got != 2 {
		t.Errorf("politics holds %d Nation stories, want 2", got)
	}
	if got := len(h.section(t, "economy")); got != 1 {
		t.Errorf("economy holds %d, want 1", got)
	}
	var withEnclosure int
	for _, st := range nation {
		if len(st.Enclosures) == 1 && st.Enclosures[0].Type == "image/jpeg" && st.Enclosures[0].Length == 184320 {
			withEnclosure++
		}
	}
	if withEnclosure != 1 {
		t.Errorf("%d stories kept the enclosure, want 1", withEnclosure)
	}
}

func TestJijiCategoriesRouteWithFallback(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/jiji", "jiji.rss")
	if rep := h.fetch(t, "jiji"); rep.Err != nil || rep.New != 8 {
		t.Fatalf("report %+v", rep)
	}
	for section, want := range map[string]int{"politics": 2, "economy": 2, "sports": 2, "other": 2, "nation": 0} {
		if got := len(h.section(t, section)); got != want {
			t.Errorf("section %s holds %d Jiji stories, want %d", section, got, want)
		}
	}
	slices.Sort(h.changed)
	if !slices.Equal(h.changed, []string{"economy", "other", "politics", "sports"}) {
		t.Errorf("changed sections = %v", h.changed)
	}
}

// Include rules add sections from any source; exclude rules take them
// away, and an excluded story does not fall back.
func TestRoutingRules(t *testing.T) {
	rules := strings.Replace(testConfig, "  - {id: headlines, title: Headlines, all: true}\n", `  - id: japan
    include: [{title: Japan}]
  - {id: headlines, title: Headlines, all: true}
`, 1)
	rules = strings.Replace(rules, "  - {id: sports, title: Sports}\n", "  - {id: sports, title: Sports, exclude: [{title: Yokozuna}]}\n", 1)
	rules = strings.Replace(rules, "  - {id: other, title: Other}\n", "  - {id: other, title: Other, exclude: [{title: /Kyoto/}]}\n", 1)

	t.Run("jiji", func(t *testing.T) {
		h := newHarnessConfig(t, rules)
		h.feeds.serve("/jiji", "jiji.rss")
		if rep := h.fetch(t, "jiji"); rep.Err != nil || rep.New != 8 {
			t.Fatalf("report %+v", rep)
		}
		for section, want := range map[string][]string{
			"japan": {"Japan, Thailand sign pact to cut tariffs on auto parts, farm goods",
				"Japan beats Australia to reach Asian women's volleyball final"},
			"sports": {"Japan beats Australia to reach Asian women's volleyball final"},
			"other":  {"Nursery waiting lists fall to record low"},
		} {
			got := titles(h.section(t, section))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("section %s holds %q, want %q", section, got, want)
			}
		}
		// The Kyoto story, excluded from its only section, is stored in
		// none (the all: true section lists it).
		all := h.section(t, "")
		i := slices.IndexFunc(all, func(st store.Story) bool { return strings.Contains(st.Title, "Kyoto") })
		if len(all) != 8 || i < 0 {
			t.Fatalf("%d stories stored, Kyoto at %d", len(all), i)
		}
		if secs, err := h.store.StorySections(context.Background(), all[i].ID); err != nil || len(secs) != 0 {
			t.Errorf("excluded story is in %q (%v)", secs, err)
		}
	})
	t.Run("from a source without the section", func(t *testing.T) {
		h := newHarnessConfig(t, rules)
		h.feeds.serve("/misc", "nation.rss")
		if rep := h.fetch(t, "misc"); rep.Err != nil || rep.New != 6 {
			t.Fatalf("report %+v", rep)
		}
		if got := titles(h.section(t, "japan")); !slices.Equal(got, []string{"Thailand and Japan sign pact to cut tariffs on auto parts and farm goods"}) {
			t.Errorf("japan holds %q", got)
		}
		// Placed by a rule, the story is not also sent to the fallback.
		if got := len(h.section(t, "other")); got != 5 {
			t.Errorf("other holds %d stories, want the 5 no rule placed", got)
		}
	})
}

func TestRefetchWritesNothingAndEditUpdatesInPlace(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	h.feeds.serve("/nation", "nation.rss")
	h.fetch(t, "nation")
	before := h.section(t, "nation")
	h.changed = nil

	rep := h.fetch(t, "nation")
	if rep.Err != nil || rep.New != 0 || rep.Updated != 0 || !rep.NotModified {
		t.Fatalf("refetch report %+v, want not modified", rep)
	}
	if len(h.changed) != 0 {
		t.Errorf("refetch reported changed sections %v", h.changed)
	}

	h.feeds.serve("/nation", "nation_edited.rss")
	later := testNow.Add(time.Hour)
	h.agg.now = func() time.Time { return later }
	rep = h.fetch(t, "nation")
	if rep.Err != nil || rep.New != 1 || rep.Updated != 1 || rep.Unchanged != 5 {
		t.Fatalf("edited fetch report %+v, want 1 new, 1 updated, 5 unchanged", rep)
	}
	after := h.section(t, "nation")
	if len(after) != 7 {
		t.Fatalf("nation holds %d, want 7", len(after))
	}
	if n, _ := h.store.CountStories(ctx); n != 7 {
		t.Fatalf("stored %d stories, want 7 (no duplicate of the edited one)", n)
	}
	var edited store.Story
	for _, st := range after {
		if strings.Contains(st.Title, "Japanese interim coach") {
			edited = st
		}
	}
	if edited.ID == 0 {
		t.Fatalf("edited title not stored: %v", titles(after))
	}
	var original store.Story
	for _, st := range before {
		if st.Key == edited.Key {
			original = st
		}
	}
	if original.ID != edited.ID || original.PublicID != edited.PublicID {
		t.Errorf("edit changed identity: %d/%s -> %d/%s", original.ID, original.PublicID, edited.ID, edited.PublicID)
	}
	if !edited.Updated.Equal(later) || !edited.Published.Equal(original.Published) {
		t.Errorf("edited story: updated %v (want %v), published %v (want %v)", edited.Updated, later, edited.Published, original.Published)
	}
}

func TestFailingSourceDoesNotStopOthers(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	h.feeds.serve("/nation", "nation.rss")
	h.feeds.serve("/jiji", "jiji.rss")
	h.fetch(t, "jiji")
	h.feeds.fail("/jiji", http.StatusServiceUnavailable)

	reps := h.agg.FetchAll(ctx)
	if len(reps) != 3 {
		t.Fatalf("%d reports", len(reps))
	}
	if reps[0].Source != "nation" || reps[0].Err != nil || reps[0].New != 6 {
		t.Errorf("nation: %+v", reps[0])
	}
	if reps[1].Err == nil || !strings.Contains(reps[1].Err.Error(), "fetch jiji: status 503") {
		t.Errorf("jiji error = %v, want it to name the source and status", reps[1].Err)
	}
	if reps[2].Err == nil || !strings.Contains(reps[2].Err.Error(), "404") {
		t.Errorf("misc error = %v", reps[2].Err)
	}
	if got := len(h.section(t, "politics")); got != 4 {
		t.Errorf("politics holds %d, want 4: Jiji's stored stories must survive its failure", got)
	}
	src, _ := h.store.Source(ctx, "jiji")
	if src.Failures != 1 || src.LastStatus != 503 || !strings.Contains(src.LastError, "503") {
		t.Errorf("jiji state after failure: %+v", src)
	}
}

func TestBrokenFeedIsAnErrorAndKeepsStoredStories(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/misc", "feed.json")
	h.fetch(t, "misc")
	h.feeds.serve("/misc", "broken.xml")
	rep := h.fetch(t, "misc")
	if rep.Err == nil || !strings.Contains(rep.Err.Error(), "parse misc") {
		t.Fatalf("broken feed error = %v", rep.Err)
	}
	if got := len(h.section(t, "other")); got != 3 {
		t.Errorf("other holds %d after a broken fetch, want the 3 stored before", got)
	}
}

func TestIdentityFallsBackWhenGUIDsAndLinksAreMissing(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/misc", "noguid.rss")
	// Two of three items lack a GUID and one a link: neither can identify
	// this partner's stories, so link and title do, for every item.
	if rep := h.fetch(t, "misc"); rep.Identity != identityHash || rep.New != 3 {
		t.Fatalf("report %+v, want identity %q", rep, identityHash)
	}
	for _, st := range h.section(t, "other") {
		if !strings.HasPrefix(st.Key, "h:") {
			t.Errorf("%q has key %q", st.Title, st.Key)
		}
	}
	if src, _ := h.store.Source(context.Background(), "misc"); src.Identity != identityHash {
		t.Errorf("recorded identity %q", src.Identity)
	}
	// The same document from another address is parsed again (a refetch
	// would be a 304): the keys must come out the same.
	h.feeds.serve("/misc2", "noguid.rss")
	src := config.Source{ID: "misc", URL: h.feeds.URL + "/misc2", Fallback: "other"}
	if rep := h.agg.Fetch(context.Background(), src); rep.Unchanged != 3 {
		t.Errorf("refetch of guid-less feed: %+v, want 3 unchanged", rep)
	}
}

func TestFetchTimesOut(t *testing.T) {
	h := newHarness(t)
	release := make(chan struct{})
	defer close(release)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	h.cfg.Fetch.Timeout = config.Duration(50 * time.Millisecond)
	rep := h.agg.Fetch(context.Background(), config.Source{ID: "misc", URL: slow.URL})
	if rep.Err == nil || !errors.Is(rep.Err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", rep.Err)
	}
}

func TestSourceNeverRunsTwiceAtOnce(t *testing.T) {
	h := newHarness(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	blocking := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		http.ServeFile(w, r, "testdata/feed.json")
	}))
	defer blocking.Close()
	src := config.Source{ID: "misc", URL: blocking.URL, Fallback: "other"}
	first := make(chan Report)
	go func() { first <- h.agg.Fetch(context.Background(), src) }()
	<-entered
	if rep := h.agg.Fetch(context.Background(), src); !rep.Skipped {
		t.Errorf("second concurrent fetch = %+v, want skipped", rep)
	}
	// WaitIdle waits for the pull in progress, and only for it.
	short, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.agg.WaitIdle(short, "misc"); err == nil {
		t.Error("WaitIdle returned while the pull was still in progress")
	}
	close(release)
	if rep := <-first; rep.Err != nil || rep.New != 3 {
		t.Errorf("first fetch = %+v", rep)
	}
	if err := h.agg.WaitIdle(short, "misc"); err != nil {
		t.Errorf("WaitIdle with no pull in progress: %v", err)
	}
}

func TestUnknownSourceIsReported(t *testing.T) {
	h := newHarness(t)
	reps := h.agg.FetchAll(context.Background(), "nope")
	if len(reps) != 1 || !errors.Is(reps[0].Err, ErrUnknownSource) {
		t.Fatalf("reports = %+v", reps)
	}
}

func TestPausedSourceIsPulledOnlyWhenNamed(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	var hits atomic.Int32
	h.feeds.handle("/nation", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.ServeFile(w, r, "testdata/nation.rss")
	})
	paused, _ := h.cfg.SourceByID("nation")
	paused.Paused = true

	if rep := h.agg.FetchDue(ctx, paused); !rep.Paused || rep.Err != nil {
		t.Errorf("scheduled pull of a paused source: %+v, want Paused", rep)
	}
	if hits.Load() != 0 {
		t.Fatalf("a paused source was requested %d times by a scheduled pull", hits.Load())
	}
	// Asked for by name, it is pulled.
	if rep := h.agg.Fetch(ctx, paused); rep.Paused || rep.Err != nil || rep.New != 6 {
		t.Errorf("named pull of a paused source: %+v, want 6 new", rep)
	}
	if hits.Load() != 1 {
		t.Errorf("named pull made %d requests, want 1", hits.Load())
	}
}
