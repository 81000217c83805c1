package publisher

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
)

func TestAllFeedCarriesEveryStory(t *testing.T) {
	p, r := newTestPublisher(t)
	out := fetch(t, p.Handler(), "/feeds/all.json")
	var feed struct {
		Title string
		Items []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.Title != "All stories" || len(feed.Items) != len(r.stories[""]) {
		t.Fatalf("all.json: title %q, %d items, want %d", feed.Title, len(feed.Items), len(r.stories[""]))
	}
	for _, ext := range []string{"rss", "atom"} {
		fetch(t, p.Handler(), "/feeds/all."+ext)
	}
}

func TestOPMLListsEverySectionFeed(t *testing.T) {
	p, _ := newTestPublisher(t)
	res := get(t, p.Handler(), "GET", "/opml")
	text := body(t, res)
	if ct := res.Header.Get("Content-Type"); ct != "text/x-opml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var doc opmlDoc
	if err := xml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("OPML does not parse: %v\n%s", err, text)
	}
	want := len(testConfig().Sections) + 1 + len(testConfig().Sources) // the all feed, a feed per partner
	if doc.Version != "2.0" || len(doc.Outline) != want {
		t.Fatalf("OPML version %q with %d outlines, want %d", doc.Version, len(doc.Outline), want)
	}
	for _, o := range doc.Outline {
		if o.Type != "rss" || !strings.HasPrefix(o.XMLURL, "http") || !strings.Contains(o.XMLURL, ".rss") || o.Text == "" {
			t.Errorf("outline %+v", o)
		}
		fetch(t, p.Handler(), strings.TrimPrefix(o.XMLURL, p.baseURL))
	}
}

func TestFeedQueryParameters(t *testing.T) {
	p, r := newTestPublisher(t)
	titles := func(path string) []string {
		var feed struct{ Items []struct{ Title string } }
		if err := json.Unmarshal([]byte(fetch(t, p.Handler(), path)), &feed); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range feed.Items {
			out = append(out, it.Title)
		}
		return out
	}
	if got := titles("/feeds/all.json?limit=2"); len(got) != 2 {
		t.Errorf("?limit=2 gave %d items", len(got))
	}
	if got := titles("/feeds/all.json?source=jiji"); len(got) != 1 || !strings.Contains(got[0], "Yen") {
		t.Errorf("?source=jiji gave %q", got)
	}
	if got := titles("/feeds/all.json?q=MINISTERS"); len(got) != 1 || got[0] != "Cabinet reshuffle announced" {
		t.Errorf("?q=MINISTERS (a word of the summary) gave %q", got)
	}
	if got := titles("/feeds/all.json?q=nothing+like+this"); len(got) != 0 {
		t.Errorf("?q with no match gave %q", got)
	}
	for path, want := range map[string]int{
		"/feeds/all.json?limit=0":                      400,
		"/feeds/all.json?limit=x":                      400,
		"/feeds/all.json?source=nosuch":                400,
		"/feeds/all.rss?q=" + strings.Repeat("a", 300): 400,
	} {
		if res := get(t, p.Handler(), "GET", path); res.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, want)
		}
	}
	// Filtered requests do not disturb the cached, unfiltered feed.
	before := r.callCount()
	fetch(t, p.Handler(), "/feeds/all.json")
	fetch(t, p.Handler(), "/feeds/all.json")
	if r.callCount() != before+1 {
		t.Errorf("unfiltered feed read the store %d times, want once", r.callCount()-before)
	}
}
