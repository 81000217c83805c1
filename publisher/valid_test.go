package publisher

import (
	"fmt"
	"strings"
	"testing"

	"wirefeed/store"
)

// oddStories are stories with what partners get wrong or unusual: mixed
// languages, relative and unsafe URLs, broken e-mail addresses, markup and
// entities in titles, missing links, summaries and authors.
func oddStories() []store.Story {
	s := testStories()
	s = append(s,
		store.Story{
			ID: 10, SourceID: "nation", PublicID: "tag:news.example.com,2024:nation/10",
			Link:       "https://www.nationthailand.com/news/general/40038010?ref=rss&lang=th",
			Title:      "  ฝนตกหนัก&nbsp;ทั่ว <i>ภาคเหนือ</i>\n",
			Content:    `<p>ข่าว <a href="/news/1">ต่อ</a> <img src="../img/rain.jpg" alt="rain"></p>`,
			Authors:    []store.Person{{Name: "Somchai", Email: "not an address", URL: "/authors/somchai"}},
			Categories: []string{"ข่าว", "  "},
			Enclosures: []store.Enclosure{{URL: "/media/rain.mp4", Type: "video/mp4", Length: -1}, {URL: "javascript:alert(1)"}},
			Image:      "img/thumb.jpg",
			Language:   "th",
			Published:  at("2024-06-02T20:00:00Z"), Updated: at("2024-06-02T21:00:00Z"),
		},
		store.Story{
			ID: 11, SourceID: "gone", PublicID: "tag:news.example.com,2024:gone/11",
			Title:     "5 &lt; 6 &amp; AT&T says &quot;hello&quot;",
			Summary:   "Only a summary, no link: <a href=\"relative.html\">relative</a> links are dropped.",
			Authors:   []store.Person{{Name: "  ", Email: "desk@example.org"}, {Name: "X", Email: "bad@", URL: "javascript:alert(1)"}},
			Language:  "not a tag",
			Published: at("2024-06-02T19:00:00Z"),
		},
		store.Story{
			ID: 12, SourceID: "jiji", PublicID: "tag:news.example.com,2024:jiji/12",
			Link:       "javascript:alert(document.cookie)",
			Title:      "",
			Content:    "<p>No title, an unsafe link.</p>",
			Enclosures: []store.Enclosure{{URL: "https://jen.jiji.com/a.mp3", Type: "not a type"}},
			Image:      "data:image/png;base64,iVBORw0KGgo=",
		},
	)
	return s
}

// validitySections are the section feeds every fixture is published as.
func validityFixtures() map[string][]store.Story {
	return map[string][]store.Story{
		"test stories": testStories(),
		"odd stories":  oddStories(),
		"50 stories":   benchStories(50),
		"xss corpus":   xssStories(),
		"empty":        nil,
	}
}

func TestFeedsAreValid(t *testing.T) {
	for name, stories := range validityFixtures() {
		p := New(testConfig(), staticReader(stories))
		for _, ext := range []string{"rss", "atom", "json"} {
			t.Run(name+"/"+ext, func(t *testing.T) {
				for _, sec := range []string{"economy", "headlines"} {
					validFeed(t, ext, fetch(t, p.Handler(), "/feeds/"+sec+"."+ext))
				}
			})
		}
	}
}

func TestAtomPassesRFC4287RelaxNG(t *testing.T) {
	xmllint := xmllintPath(t)
	for name, stories := range validityFixtures() {
		p := New(testConfig(), staticReader(stories))
		t.Run(name, func(t *testing.T) {
			relaxNGAtom(t, xmllint, fetch(t, p.Handler(), "/feeds/economy.atom"))
		})
	}
}

func TestOddStoriesArePublishedSafely(t *testing.T) {
	p := New(testConfig(), staticReader(oddStories()))
	h := p.Handler()
	atom := fetch(t, h, "/feeds/economy.atom")
	f := parseFeed(t, atom)
	it := f.Items[3]
	if it.Title != "ฝนตกหนัก\u00a0ทั่ว ภาคเหนือ" {
		t.Errorf("title %q: want plain text, ASCII white space collapsed, the NO-BREAK SPACE kept", it.Title)
	}
	for _, want := range []string{
		`<a href="https://www.nationthailand.com/news/1">`,
		`<img src="https://www.nationthailand.com/news/img/rain.jpg" alt="rain">`,
	} {
		if !strings.Contains(it.Content, want) {
			t.Errorf("content %q lacks %s", it.Content, want)
		}
	}
	if it.Image != nil && it.Image.URL != "" {
		t.Errorf("gofeed image %v", it.Image)
	}
	if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://www.nationthailand.com/media/rain.mp4" {
		t.Errorf("enclosures %+v: want the relative one made absolute, the javascript: one dropped", it.Enclosures)
	}
	if len(it.Authors) != 1 || it.Authors[0].Email != "" {
		t.Errorf("authors %+v: want the malformed e-mail dropped", it.Authors)
	}
	if !strings.Contains(atom, "<uri>https://www.nationthailand.com/authors/somchai</uri>") ||
		!strings.Contains(atom, `<media:content url="https://www.nationthailand.com/news/general/img/thumb.jpg"`) {
		t.Error("author URI or image not made absolute")
	}
	if !strings.Contains(atom, `<entry xml:lang="th">`) {
		t.Error("the Thai story lacks xml:lang")
	}

	gone := f.Items[4]
	if gone.Title != `5 < 6 & AT&T says "hello"` {
		t.Errorf("title %q: want entities decoded once", gone.Title)
	}
	if gone.Link != "" || strings.Contains(gone.Content, "relative.html") || !strings.Contains(gone.Content, "relative links") {
		t.Errorf("link %q, content %q: want no link and the relative link dropped, its text kept", gone.Link, gone.Content)
	}
	if strings.Contains(atom, "not a tag") || strings.Contains(atom, "javascript:") || strings.Contains(atom, "data:image") {
		t.Error("a bad language tag or an unsafe URL was published")
	}
	if unsafe := f.Items[5]; unsafe.Link != "" || unsafe.Image != nil && unsafe.Image.URL != "" {
		t.Errorf("unsafe link %q or image published", unsafe.Link)
	}

	rss := fetch(t, h, "/feeds/economy.rss")
	if !strings.Contains(rss, "<dc:language>th</dc:language>") || strings.Contains(rss, "<language>") {
		t.Error("RSS: mixed languages need dc:language per item and no channel language")
	}
	if strings.Contains(rss, "<author>") && !strings.Contains(rss, "<author>desk@example.org (desk@example.org)</author>") &&
		!strings.Contains(rss, "<author>taro@jiji.example (Taro Yamada)</author>") {
		t.Error("RSS author is not an e-mail address")
	}
}

// TestValidatorsCatchProblems checks the validators themselves on
// documents with one known fault each.
func TestValidatorsCatchProblems(t *testing.T) {
	p := New(testConfig(), staticReader(testStories()))
	good := map[string]string{}
	for _, ext := range []string{"rss", "atom", "json"} {
		good[ext] = fetch(t, p.Handler(), "/feeds/headlines."+ext)
	}
	for _, tc := range []struct {
		ext, old, new, want string
	}{
		{"atom", "<id>https://news.example.com/feeds/headlines.atom</id>", "", "0 atom:id"},
		{"atom", "<title>Headlines</title>", "<title>Headlines</title><title>Again</title>", "2 atom:title"},
		{"atom", "<updated>2024-06-03T10:30:00Z</updated>", "<updated>2024-06-03 10:30:00</updated>", "not RFC 3339"},
		{"atom", "<id>tag:news.example.com,2024:jiji/3</id>", "<id>jiji/3</id>", "not an absolute IRI"},
		{"atom", `<entry xml:lang="en">`, `<entry xml:lang="">`, "not a language tag"},
		{"atom", `rel="self" type="application/atom+xml"`, `rel="me" type="application/atom+xml"`, "rel=\"self\" links"},
		{"atom", `rel="self" type="application/atom+xml"`, `rel="alternate" type="text/html"`, "two alternate links"},
		{"atom", "<name>Taro Yamada</name>", "", "0 names"},
		{"atom", "<email>taro@jiji.example</email>", "<email>Taro</email>", "not an addr-spec"},
		{"atom", "<rights>Provided by Nation</rights>", "<rights>a</rights><rights>b</rights>", "atom:rights, want at most 1"},
		{"atom", "<source>", "<source><entry></entry>", "atom:entry is not allowed"},
		{"rss", "<description>The newest stories</description>", "", "0 <description>"},
		{"rss", "<pubDate>Mon, 03 Jun 2024 09:00:00 +0000</pubDate>", "<pubDate>Tue, 03 Jun 2024 09:00:00 +0000</pubDate>", "is a Monday"},
		{"rss", "<pubDate>Mon, 03 Jun 2024 09:00:00 +0000</pubDate>", "<pubDate>2024-06-03T09:00:00Z</pubDate>", "not RFC 822"},
		{"rss", `isPermaLink="false"`, `isPermaLink="true"`, "not an absolute http(s) URL"},
		{"rss", "<link>https://news.example.com/</link>", "<link>/</link>", "not an absolute http(s) URL"},
		{"rss", `<source url="https://jen.jiji.com/rss/news.xml">`, "<source>", "no url attribute"},
		{"rss", `<atom:link href="https://news.example.com/feeds/headlines.rss" rel="self" type="application/rss+xml"></atom:link>`, "", "0 atom:link"},
		{"rss", "<generator>wirefeed</generator>", "<generator>wirefeed</generator><foo>x</foo>", "<foo> is not RSS 2.0"},
		{"json", `"version":"https://jsonfeed.org/version/1.1"`, `"version":"1"`, "version"},
		{"json", `"id":"tag:news.example.com,2024:nation/2"`, `"id":"tag:news.example.com,2024:jiji/3"`, "already used"},
		{"json", `"date_published":"2024-06-03T08:00:00Z"`, `"date_published":"3 June 2024"`, "not RFC 3339"},
		{"json", `"title":"Headlines"`, `"title":"Headlines","colour":"red"`, `unknown key "colour"`},
		{"json", `"_source":{`, `"_source":"x","_other":{`, "extension _source is string"},
	} {
		doc := good[tc.ext]
		if !strings.Contains(doc, tc.old) {
			t.Fatalf("%s: the feed lacks %s", tc.ext, tc.old)
		}
		bad := strings.Replace(doc, tc.old, tc.new, 1)
		var found problems
		switch tc.ext {
		case "atom":
			found = atomProblems(bad)
		case "rss":
			found = rssProblems(bad)
		case "json":
			found = jsonFeedProblems(bad)
		}
		if !strings.Contains(fmt.Sprint(found), tc.want) {
			t.Errorf("%s with %q for %q: problems %q, want one saying %q", tc.ext, tc.new, tc.old, found, tc.want)
		}
	}
}
