package publisher

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"wirefeed/store"
)

// Last-Modified is when the document's content last changed: a story
// dated earlier than the newest one still moves it on, so a client sending
// only If-Modified-Since gets the new story, and taking a story out never
// moves it back.
func TestLastModifiedFollowsContentChanges(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenSQLite(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SyncSources(ctx, []store.Source{{ID: "nation", Name: "Nation"}}); err != nil {
		t.Fatal(err)
	}
	p := New(testConfig(), st)
	h := p.Handler()
	story := func(key string, published time.Time) store.Story {
		return store.Story{Key: key, PublicID: "tag:news.example.com,2026:nation/" + key, Title: "Story " + key,
			Link: "https://www.nationthailand.com/news/" + key, Published: published, ContentHash: "h" + key,
			Sections: []string{"nation"}}
	}
	newest := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	fetched := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	if _, err := st.SaveStories(ctx, "nation", []store.Story{story("a", newest)}, fetched); err != nil {
		t.Fatal(err)
	}
	res := get(t, h, "GET", "/feeds/nation.rss")
	first := res.Header.Get("Last-Modified")
	if first != fetched.Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, want the time the content changed, %s", first, fetched.Format(http.TimeFormat))
	}

	// A story published before the newest one, stored an hour later.
	if _, err := st.SaveStories(ctx, "nation", []store.Story{story("b", newest.Add(-24*time.Hour))}, fetched.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	p.Invalidate("nation")
	res = get(t, h, "GET", "/feeds/nation.rss", "If-Modified-Since", first)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("If-Modified-Since %s after an older-dated story arrived: %d, want 200", first, res.StatusCode)
	}
	second := res.Header.Get("Last-Modified")
	if mustTime(t, second).Before(fetched.Add(time.Hour)) {
		t.Errorf("Last-Modified %s did not move on to the change", second)
	}

	// Rerouting the stories out of the section changes the document again:
	// Last-Modified moves on, never back to an older story's date.
	res2, err := st.Reroute(ctx, time.Time{}, func(*store.Story) []string { return nil }, false)
	if err != nil || res2.Moved != 2 {
		t.Fatalf("reroute: %+v, %v", res2, err)
	}
	p.Invalidate("nation")
	res = get(t, h, "GET", "/feeds/nation.rss", "If-Modified-Since", second)
	third := res.Header.Get("Last-Modified")
	if res.StatusCode != http.StatusOK || !mustTime(t, third).After(mustTime(t, second)) {
		t.Errorf("after reroute: %d, Last-Modified %s; want 200 and later than %s", res.StatusCode, third, second)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := http.ParseTime(s)
	if err != nil {
		t.Fatalf("Last-Modified %q: %v", s, err)
	}
	return tm
}
