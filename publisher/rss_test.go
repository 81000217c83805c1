package publisher

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed/rss"

	"wirefeed/store"
)

func TestRSS(t *testing.T) {
	p, _ := newTestPublisher(t)
	doc := fetch(t, p.Handler(), "/feeds/headlines.rss")
	wellFormed(t, doc)
	f := parseFeed(t, doc)

	if f.FeedType != "rss" || f.FeedVersion != "2.0" {
		t.Errorf("feed type %s %s", f.FeedType, f.FeedVersion)
	}
	if f.Title != "Headlines" || f.Description != "The newest stories" || f.Link != testBase+"/" {
		t.Errorf("channel title %q, description %q, link %q", f.Title, f.Description, f.Link)
	}
	if f.Language != "en" || f.Generator != "wirefeed" {
		t.Errorf("language %q, generator %q", f.Language, f.Generator)
	}
	if f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(at("2024-06-03T10:30:00Z")) {
		t.Errorf("lastBuildDate %v, want the newest update", f.UpdatedParsed)
	}
	if f.FeedLink != testBase+"/feeds/headlines.rss" {
		t.Errorf("self link %q", f.FeedLink)
	}
	// gofeed reads one author from RSS (<author>, else the first dc:creator);
	// all of them are checked on the RSS items below.
	checkItems(t, f.Items, wantHeadlines, false)

	native := f.OriginalFeed().(*rss.Feed)
	var self []string
	for _, l := range native.Extensions["atom"]["link"] {
		if l.Attrs["rel"] == "self" {
			self = append(self, l.Attrs["href"]+" "+l.Attrs["type"])
		}
	}
	if len(self) != 1 || self[0] != testBase+"/feeds/headlines.rss application/rss+xml" {
		t.Errorf("atom:link rel=self: %q", self)
	}
	for i, w := range wantHeadlines {
		it := native.Items[i]
		if it.Source == nil || it.Source.Title != w.partner || it.Source.URL != w.partnerURL {
			t.Errorf("item %d source %+v, want %s <%s>", i, it.Source, w.partner, w.partnerURL)
		}
		if it.GUID == nil || it.GUID.IsPermalink != "false" {
			t.Errorf("item %d guid %+v, want isPermaLink=false", i, it.GUID)
		}
		var creators []string
		if it.DublinCoreExt != nil {
			creators = it.DublinCoreExt.Creator
		}
		if strings.Join(creators, "|") != strings.Join(w.authors, "|") {
			t.Errorf("item %d dc:creator %v, want %q", i, it.DublinCoreExt, w.authors)
		}
		if img := f.Items[i].Image; w.image != "" && (img == nil || img.URL != w.image) {
			t.Errorf("item %d image %v, want %s", i, img, w.image)
		}
		if !strings.HasSuffix(it.Description, w.attribution) {
			t.Errorf("item %d description %q lacks the attribution", i, it.Description)
		}
	}
	// <author> holds an e-mail address, so only the author who has one.
	if got := native.Items[0].Author; got != "taro@jiji.example (Taro Yamada)" {
		t.Errorf("item 0 author %q", got)
	}
	if got := native.Items[1].Author; got != "" {
		t.Errorf("item 1 author %q, want none (no e-mail)", got)
	}
	if !strings.Contains(doc, `xmlns:dc="http://purl.org/dc/elements/1.1/"`) ||
		!strings.Contains(doc, `xmlns:atom="http://www.w3.org/2005/Atom"`) {
		t.Error("dc or atom namespace not declared")
	}
	if !strings.Contains(doc, "<pubDate>Mon, 03 Jun 2024 09:00:00 +0000</pubDate>") {
		t.Error("pubDate is not RFC 1123 with a numeric zone")
	}
}

func TestRSSKeepsEveryEnclosure(t *testing.T) {
	stories := testStories()[:1]
	stories[0].Enclosures = append(stories[0].Enclosures,
		store.Enclosure{URL: "https://jen.jiji.com/audio/yen.mp3", Type: "audio/mpeg", Length: 1234},
		store.Enclosure{URL: "/video/yen.mp4", Type: "video/mp4"})
	p := New(testConfig(), staticReader(stories))
	doc := fetch(t, p.Handler(), "/feeds/economy.rss")
	validRSS(t, doc)
	for _, want := range []string{
		`<enclosure url="https://jen.jiji.com/img/yen.jpg" length="48213" type="image/jpeg"></enclosure>`,
		`<media:content url="https://jen.jiji.com/img/yen-thumb.jpg" medium="image"></media:content>`,
		`<media:content url="https://jen.jiji.com/audio/yen.mp3" type="audio/mpeg" fileSize="1234"></media:content>`,
		`<media:content url="https://jen.jiji.com/video/yen.mp4" type="video/mp4"></media:content>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("RSS lacks %s", want)
		}
	}
}
