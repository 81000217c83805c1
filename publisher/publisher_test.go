package publisher

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"wirefeed/config"
	"wirefeed/internal/htmltext"
	"wirefeed/store"
)

// fakeReader is a StoryReader over fixed stories that counts its calls and,
// when block is set, holds every call until block is closed.
type fakeReader struct {
	stories map[string][]store.Story // by section; "" is every section
	err     error
	block   chan struct{} // if set, calls wait for it to close
	entered chan struct{} // if set, receives a value as each call starts

	mu    sync.Mutex
	calls []string // section ids asked for
}

func (f *fakeReader) SectionStories(ctx context.Context, sectionID string, limit int) ([]store.Story, error) {
	f.mu.Lock()
	f.calls = append(f.calls, sectionID)
	f.mu.Unlock()
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.block != nil {
		<-f.block
	}
	if f.err != nil {
		return nil, f.err
	}
	s := f.stories[sectionID]
	if len(s) > limit {
		s = s[:limit]
	}
	return s, nil
}

// FilterStories filters the section's stories as the store does, without
// its window for short texts.
func (f *fakeReader) FilterStories(ctx context.Context, sectionID string, flt store.Filter) ([]store.Story, error) {
	all, err := f.SectionStories(ctx, sectionID, 1<<30)
	if err != nil {
		return nil, err
	}
	var out []store.Story
	for _, st := range all {
		text := strings.ToLower(htmltext.TextOrHTML(st.Title) + "\n" + htmltext.Text(st.Summary))
		if (flt.Source == "" || st.SourceID == flt.Source) && strings.Contains(text, flt.Text) && len(out) < flt.Limit {
			out = append(out, st)
		}
	}
	return out, nil
}

func (f *fakeReader) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

const testBase = "https://news.example.com"

func testConfig() *config.Config {
	return &config.Config{
		Server: config.Server{BaseURL: testBase + "/"},
		Sections: []config.Section{
			{ID: "nation", Title: "Nation", Description: "News from Thailand", Limit: 50},
			{ID: "politics", Title: "Politics", Description: "Politics & government", Limit: 50},
			{ID: "economy", Title: "Economy", Description: "Business and markets", Limit: 50},
			{ID: "sports", Title: "Sports", Limit: 50},
			{ID: "other", Title: "Other", Limit: 50},
			{ID: "headlines", Title: "Headlines", Description: "The newest stories", Limit: 3, All: true},
		},
		Sources: []config.Source{
			{ID: "nation", Name: "Nation", URL: "https://www.nationthailand.com/rss", Attribution: "Provided by Nation"},
			{ID: "jiji", Name: "Jiji Press", URL: "https://jen.jiji.com/rss/news.xml", Attribution: "Provided by Jiji Press & Co."},
		},
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testStories are three stories, newest first.
func testStories() []store.Story {
	return []store.Story{
		{
			ID: 3, SourceID: "jiji", PublicID: "tag:news.example.com,2024:jiji/3",
			Link:       "https://jen.jiji.com/jc/eng?g=eco&k=2024060300123",
			Title:      "Yen <b>weakens</b> &amp; stocks rise",
			Summary:    "<p>The yen fell against the dollar.</p>",
			Content:    "<p>The yen fell against the dollar on <b>Monday</b>.</p><p>Stocks rose.</p>",
			Authors:    []store.Person{{Name: "Taro Yamada", Email: "taro@jiji.example"}, {Name: "Hanako Sato"}},
			Categories: []string{"Economy", "Markets"},
			Enclosures: []store.Enclosure{{URL: "https://jen.jiji.com/img/yen.jpg", Type: "image/jpeg", Length: 48213}},
			Image:      "https://jen.jiji.com/img/yen-thumb.jpg",
			Language:   "en",
			Published:  at("2024-06-03T09:00:00Z"), Updated: at("2024-06-03T10:30:00Z"),
		},
		{
			ID: 2, SourceID: "nation", PublicID: "tag:news.example.com,2024:nation/2",
			Link:       "https://www.nationthailand.com/news/politics/40038000",
			Title:      "Cabinet reshuffle announced",
			Summary:    "Prime minister names five new ministers.",
			Categories: []string{"Politics"},
			Language:   "en",
			Published:  at("2024-06-03T08:00:00Z"), Updated: at("2024-06-03T08:00:00Z"),
		},
		{
			ID: 1, SourceID: "nation", PublicID: "tag:news.example.com,2024:nation/1",
			Link:      "https://www.nationthailand.com/news/general/40037999",
			Title:     "Rains expected across the north",
			Content:   "<p>Heavy rain is forecast.</p>",
			Authors:   []store.Person{{Name: "Somchai K."}},
			Language:  "en",
			Published: at("2024-06-02T23:15:00Z"), Updated: at("2024-06-02T23:15:00Z"),
		},
	}
}

// newTestPublisher returns a publisher over testStories: nation holds the
// two Nation stories, economy the Jiji one, headlines (all) every story.
func newTestPublisher(t testing.TB) (*Publisher, *fakeReader) {
	t.Helper()
	all := testStories()
	r := &fakeReader{stories: map[string][]store.Story{
		"":         all,
		"nation":   all[1:],
		"politics": all[1:2],
		"economy":  all[:1],
	}}
	return New(testConfig(), r), r
}

// get requests path from h with the given headers.
func get(t testing.TB, h http.Handler, method, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fetch GETs path and fails the test unless it answers 200.
func fetch(t testing.TB, h http.Handler, path string) string {
	t.Helper()
	res := get(t, h, "GET", path)
	b := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, b)
	}
	return b
}

func TestContentTypes(t *testing.T) {
	p, _ := newTestPublisher(t)
	for ext, want := range map[string]string{
		"rss":  "application/rss+xml; charset=utf-8",
		"atom": "application/atom+xml; charset=utf-8",
		"json": "application/feed+json; charset=utf-8",
	} {
		res := get(t, p.Handler(), "GET", "/feeds/nation."+ext)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", ext, res.StatusCode)
		}
		if got := res.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", ext, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=60" {
			t.Errorf("%s: Cache-Control %q", ext, got)
		}
		if got := res.Header.Get("Last-Modified"); got != "Mon, 03 Jun 2024 08:00:00 GMT" {
			t.Errorf("%s: Last-Modified %q", ext, got)
		}
		if !strings.HasPrefix(res.Header.Get("ETag"), `"`) {
			t.Errorf("%s: ETag %q is not a strong validator", ext, res.Header.Get("ETag"))
		}
	}
}

func TestHead(t *testing.T) {
	p, _ := newTestPublisher(t)
	full := fetch(t, p.Handler(), "/feeds/nation.atom")
	res := get(t, p.Handler(), "HEAD", "/feeds/nation.atom")
	if res.StatusCode != http.StatusOK || body(t, res) != "" {
		t.Fatalf("HEAD: status %d, want 200 and no body", res.StatusCode)
	}
	if got, want := res.Header.Get("Content-Length"), fmt.Sprint(len(full)); got != want {
		t.Errorf("HEAD Content-Length %s, want %s", got, want)
	}
}

func TestNotFound(t *testing.T) {
	p, _ := newTestPublisher(t)
	for path, want := range map[string]string{
		"/feeds/nowhere.rss":  `no section "nowhere"`,
		"/feeds/nation.xml":   `no feed format "xml"`,
		"/feeds/nation":       `no feed "nation"`,
		"/feeds/nation.rss/x": "404 page not found",
		"/elsewhere":          "404 page not found",
	} {
		res := get(t, p.Handler(), "GET", path)
		b := body(t, res)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
		}
		if !strings.Contains(b, want) {
			t.Errorf("%s: body %q, want it to contain %q", path, b, want)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%s: Content-Type %q, want text/plain", path, ct)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	p, _ := newTestPublisher(t)
	for _, path := range []string{"/feeds/nation.rss", "/opml"} {
		res := get(t, p.Handler(), "POST", path)
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST %s: status %d, want 405", path, res.StatusCode)
		}
		if allow := res.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "HEAD") {
			t.Errorf("POST %s: Allow %q", path, allow)
		}
	}
}
