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
	want := len(testConfig().Sections) + 1 // and the all feed
	if doc.Version != "2.0" || len(doc.Outline) != want {
		t.Fatalf("OPML version %q with %d outlines, want %d", doc.Version, len(doc.Outline), want)
	}
	for _, o := range doc.Outline {
		if o.Type != "rss" || !strings.HasPrefix(o.XMLURL, "http") || !strings.HasSuffix(o.XMLURL, ".rss") || o.Text == "" {
			t.Errorf("outline %+v", o)
		}
		fetch(t, p.Handler(), strings.TrimPrefix(o.XMLURL, p.baseURL))
	}
}
