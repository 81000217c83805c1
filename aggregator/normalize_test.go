package aggregator

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/internal/htmltext"
)

func testNormalizer(feed *gofeed.Feed) *normalizer {
	base, _ := url.Parse("https://partner.example/rss/feed.xml")
	return newNormalizer("partner", "news.example.com", base, feed, testNow)
}

func TestNormalizeResolvesRelativeLinks(t *testing.T) {
	n := testNormalizer(&gofeed.Feed{Link: "https://partner.example/news/"})
	st := n.story(&gofeed.Item{Title: "x", Link: "2026/11/story.html", Enclosures: []*gofeed.Enclosure{{URL: "/img/a.jpg", Length: "12"}}})
	if st.Link != "https://partner.example/news/2026/11/story.html" {
		t.Errorf("link = %q", st.Link)
	}
	if st.Enclosures[0].URL != "https://partner.example/img/a.jpg" || st.Enclosures[0].Length != 12 {
		t.Errorf("enclosure = %+v", st.Enclosures[0])
	}
}

func TestNormalizeDates(t *testing.T) {
	n := testNormalizer(&gofeed.Feed{})
	future := testNow.Add(48 * time.Hour)
	past := time.Date(2026, 11, 27, 8, 0, 0, 500, time.FixedZone("ICT", 7*3600))
	for _, tc := range []struct {
		name            string
		published, upd  *time.Time
		wantPub, wantUp time.Time
	}{
		{"none falls back to first seen", nil, nil, testNow, testNow},
		{"future clamps to first seen", &future, nil, testNow, testNow},
		{"zone converted and truncated", &past, nil, time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)},
		{"only updated", nil, &past, time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)},
	} {
		st := n.story(&gofeed.Item{Title: "x", GUID: "1", PublishedParsed: tc.published, UpdatedParsed: tc.upd})
		if !st.Published.Equal(tc.wantPub) || !st.Updated.Equal(tc.wantUp) || st.Published.Location() != time.UTC {
			t.Errorf("%s: published %v updated %v, want %v %v", tc.name, st.Published, st.Updated, tc.wantPub, tc.wantUp)
		}
	}
}

func TestIdentityIsStableAndHashIgnoresDates(t *testing.T) {
	d1 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	d2 := d1.Add(time.Hour)
	item := gofeed.Item{GUID: "jiji-1", Title: "Yen firms", Description: "<p>Tokyo</p>", PublishedParsed: &d1}
	a := testNormalizer(&gofeed.Feed{}).story(&item)
	restamped := item
	restamped.PublishedParsed = &d2
	b := testNormalizer(&gofeed.Feed{}).story(&restamped)
	if a.Key != "g:jiji-1" || a.PublicID != b.PublicID || a.ContentHash != b.ContentHash {
		t.Errorf("re-stamp changed identity or hash: %s/%s vs %s/%s", a.PublicID, a.ContentHash, b.PublicID, b.ContentHash)
	}
	if !strings.HasPrefix(a.PublicID, "tag:news.example.com,2026:partner/") {
		t.Errorf("public id = %q", a.PublicID)
	}
	edited := item
	edited.Title = "Yen firms further"
	if c := testNormalizer(&gofeed.Feed{}).story(&edited); c.ContentHash == a.ContentHash || c.PublicID != a.PublicID {
		t.Errorf("edit: hash %s (was %s), id %s (was %s)", c.ContentHash, a.ContentHash, c.PublicID, a.PublicID)
	}
	long := gofeed.Item{GUID: strings.Repeat("x", 2000), Title: "t"}
	if k := testNormalizer(&gofeed.Feed{}).story(&long).Key; len(k) > maxKeyLen || !strings.HasPrefix(k, "g:sha256:") {
		t.Errorf("long guid key = %q", k)
	}
}

func TestUntitledStoryGetsATitle(t *testing.T) {
	for _, c := range []struct{ summary, content, title, text string }{
		{"<p>Flood waters <b>recede</b> in Ayutthaya</p>", "", "Flood waters recede in Ayutthaya", ""},
		{"<p>Flood</p><p>waters</p>", "<p>recede</p>", "Flood waters recede", ""},
		{"<p>値下がり\u3000全国平均</p>", "", "値下がり\u3000全国平均", ""},
		// Text holding '<' or '&' is stored escaped, as an HTML title.
		{"<p>Q&amp;A: the &lt;blink&gt; and &lt;/blink&gt; tags</p>", "",
			"Q&amp;A: the &lt;blink&gt; and &lt;/blink&gt; tags", "Q&A: the <blink> and </blink> tags"},
		{"", strings.Repeat("word ", 20) + "&amp; more", "word word word word word word word word word word word word word word word word…", ""},
	} {
		st := testNormalizer(&gofeed.Feed{}).story(&gofeed.Item{GUID: "1", Description: c.summary, Content: c.content})
		if st.Title != c.title {
			t.Errorf("summary %q, content %q: title = %q, want %q", c.summary, c.content, st.Title, c.title)
		}
		if c.text == "" {
			c.text = c.title
		}
		if got := htmltext.TextOrHTML(st.Title); got != c.text {
			t.Errorf("title %q reads as %q, want %q", st.Title, got, c.text)
		}
	}
}

// TestTitlesReadAsPartnersWroteThem parses titles in the forms partners'
// feeds give them and checks that the stored title reads (as the publisher
// and the router read it, htmltext.TextOrHTML) as the partner meant it:
// gofeed hands over an Atom title of type "text" and an RSS title as
// plain text, and an Atom title of type "html" as HTML.
func TestTitlesReadAsPartnersWroteThem(t *testing.T) {
	const want = "History of the <blink> tag"
	for name, doc := range map[string]string{
		"atom text": `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2026-01-01T00:00:00Z</updated>
<entry><id>1</id><updated>2026-01-01T00:00:00Z</updated><title>History of the &lt;blink&gt; tag</title></entry></feed>`,
		"atom html": `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2026-01-01T00:00:00Z</updated>
<entry><id>1</id><updated>2026-01-01T00:00:00Z</updated><title type="html">History of the &amp;lt;blink&amp;gt; tag</title></entry></feed>`,
		"rss": `<rss version="2.0"><channel><title>t</title><link>https://partner.example/</link>
<item><guid>1</guid><title>History of the &lt;blink&gt; tag</title></item></channel></rss>`,
		"rss escaped twice": `<rss version="2.0"><channel><title>t</title><link>https://partner.example/</link>
<item><guid>1</guid><title>History of the &amp;lt;blink&amp;gt; tag</title></item></channel></rss>`,
	} {
		feed, err := parseFeed(context.Background(), []byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		st := testNormalizer(feed).story(feed.Items[0])
		if got := htmltext.TextOrHTML(st.Title); got != want {
			t.Errorf("%s: stored title %q reads as %q, want %q", name, st.Title, got, want)
		}
	}
}

// gofeed's search of item HTML for an image is off (see rssTranslator);
// normalize does it, for RSS as gofeed did.
func TestImageFromItemHTML(t *testing.T) {
	feed, err := parseFeed(context.Background(), []byte(`<rss version="2.0"><channel><title>t</title><link>https://partner.example/</link>
<item><guid>1</guid><title>a</title><description><![CDATA[<p>x</p><Img alt="" SRC="/img/1.jpg"><img src="/img/2.jpg">]]></description></item>
<item><guid>2</guid><title>b</title><description>no image &lt;img</description><enclosure url="https://cdn.example/e.png" type="image/png" length="1"/></item>
<item><guid>3</guid><title>c</title><description><![CDATA[<img alt="no src">]]></description></item>
</channel></rss>`))
	if err != nil {
		t.Fatal(err)
	}
	n := testNormalizer(feed)
	for i, want := range []string{"https://partner.example/img/1.jpg", "https://cdn.example/e.png", ""} {
		if got := n.story(feed.Items[i]).Image; got != want {
			t.Errorf("item %d image %q, want %q", i, got, want)
		}
	}
}
