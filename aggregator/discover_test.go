package aggregator

import (
	"net/http"
	"strings"
	"testing"
)

func TestDiscoverFeed(t *testing.T) {
	const page = "https://partner.example/news/rss"
	for _, tc := range []struct{ name, html, want string }{
		{"relative href", `<link rel="alternate" type="application/rss+xml" href="feed.xml">`, "https://partner.example/news/feed.xml"},
		{"first of several", `<link rel="alternate" type="application/atom+xml" href="/a.atom"><link rel="alternate" type="application/rss+xml" href="/b.rss">`, "https://partner.example/a.atom"},
		{"json feed", `<LINK REL="Alternate" TYPE="application/feed+json" HREF="//cdn.partner.example/f.json#top">`, "https://cdn.partner.example/f.json"},
		{"type with parameters", `<link rel="alternate feed" type="application/atom+xml; charset=utf-8" href="/a">`, "https://partner.example/a"},
		{"base href", `<base href="https://www.partner.example/th/"><link rel="alternate" type="application/rss+xml" href="rss.xml">`, "https://www.partner.example/th/rss.xml"},
		{"other alternates skipped", `<link rel="alternate" type="text/html" href="/th"><link rel="stylesheet alternate" type="text/css" href="/c.css"><link rel="alternate" type="application/rss+xml" href="javascript:x()"><link rel="alternate" type="application/rss+xml">`, ""},
		{"anchors are not links", `<a rel="alternate" type="application/rss+xml" href="/rss">RSS</a>`, ""},
		{"nothing", `<p>no feeds</p>`, ""},
	} {
		if got := discoverFeed([]byte(tc.html), page); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestHTMLPageLeadsToItsFeed(t *testing.T) {
	h := newHarness(t)
	h.feeds.serve("/nation", "page.html")
	h.feeds.serve("/feeds/nation.rss", "nation.rss")
	feedURL := h.feeds.URL + "/feeds/nation.rss"

	rep := h.fetch(t, "nation")
	if rep.Err != nil || rep.New != 6 || rep.Discovered != feedURL {
		t.Fatalf("report %+v, want 6 new stories from %s", rep, feedURL)
	}
	st := h.state(t, "nation")
	if st.DiscoveredURL != feedURL || st.DiscoveredFrom != h.feeds.URL+"/nation" || st.FetchedURL != feedURL {
		t.Fatalf("state %+v", st)
	}

	// Later pulls go straight to the feed, conditionally.
	h.feeds.fail("/nation", http.StatusInternalServerError)
	if rep := h.fetch(t, "nation"); rep.Err != nil || !rep.NotModified || rep.Discovered != "" {
		t.Fatalf("second pull %+v, want the discovered feed not modified", rep)
	}

	// A discovered feed that is gone is forgotten; the page is asked again.
	h.feeds.fail("/feeds/nation.rss", http.StatusNotFound)
	if rep := h.fetch(t, "nation"); rep.Err == nil || !strings.Contains(rep.Err.Error(), "fetch nation: status 404") {
		t.Fatalf("gone feed: %+v", rep)
	}
	if st := h.state(t, "nation"); st.DiscoveredURL != "" || st.DiscoveredFrom != "" {
		t.Fatalf("discovery kept after a 404: %+v", st)
	}
	h.feeds.serve("/nation", "nofeed.html")
	h.feeds.fail("/nation", 0)
	if rep := h.fetch(t, "nation"); rep.Err == nil || !strings.Contains(rep.Err.Error(), "discover nation: the page is HTML and announces no feed") {
		t.Fatalf("page without feeds: %+v", rep)
	}
	if got := len(h.section(t, "nation")); got != 6 {
		t.Errorf("nation holds %d stories after failures, want the 6 stored", got)
	}
}
