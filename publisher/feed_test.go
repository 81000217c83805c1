package publisher

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/store"
)

// wantItem is what every format must say about one story of testStories.
type wantItem struct {
	id, link, title     string
	published, updated  time.Time
	authors             []string // names
	categories          []string
	encURL, encType     string
	encLength           string
	image               string
	partner, partnerURL string
	attribution         string // as it appears in the HTML content
	attributionText     string // as plain text
}

// wantHeadlines is the headlines section (all stories), newest first.
var wantHeadlines = []wantItem{
	{
		id:        "tag:news.example.com,2024:jiji/3",
		link:      "https://jen.jiji.com/jc/eng?g=eco&k=2024060300123",
		title:     "Yen weakens & stocks rise",
		published: at("2024-06-03T09:00:00Z"), updated: at("2024-06-03T10:30:00Z"),
		authors:    []string{"Taro Yamada", "Hanako Sato"},
		categories: []string{"Economy", "Markets"},
		encURL:     "https://jen.jiji.com/img/yen.jpg", encType: "image/jpeg", encLength: "48213",
		image:   "https://jen.jiji.com/img/yen-thumb.jpg",
		partner: "Jiji Press", partnerURL: "https://jen.jiji.com/rss/news.xml",
		attribution:     `<p class="wirefeed-attribution">Provided by Jiji Press &amp; Co.</p>`,
		attributionText: "Provided by Jiji Press & Co.",
	},
	{
		id:        "tag:news.example.com,2024:nation/2",
		link:      "https://www.nationthailand.com/news/politics/40038000",
		title:     "Cabinet reshuffle announced",
		published: at("2024-06-03T08:00:00Z"), updated: at("2024-06-03T08:00:00Z"),
		authors:    nil, // no byline: the partner is the source, not the author
		categories: []string{"Politics"},
		partner:    "Nation", partnerURL: "https://www.nationthailand.com/rss",
		attribution:     `<p class="wirefeed-attribution">Provided by Nation</p>`,
		attributionText: "Provided by Nation",
	},
	{
		id:        "tag:news.example.com,2024:nation/1",
		link:      "https://www.nationthailand.com/news/general/40037999",
		title:     "Rains expected across the north",
		published: at("2024-06-02T23:15:00Z"), updated: at("2024-06-02T23:15:00Z"),
		authors: []string{"Somchai K."},
		partner: "Nation", partnerURL: "https://www.nationthailand.com/rss",
		attribution:     `<p class="wirefeed-attribution">Provided by Nation</p>`,
		attributionText: "Provided by Nation",
	},
}

// parseFeed parses doc with gofeed, keeping the format-specific feed too.
func parseFeed(t *testing.T, doc string) *gofeed.Feed {
	t.Helper()
	fp := gofeed.NewParser()
	fp.KeepOriginalFeed = true
	f, err := fp.ParseString(doc)
	if err != nil {
		t.Fatalf("gofeed: %v\n%s", err, doc)
	}
	return f
}

// checkItems compares what gofeed read with want, field by field. Images
// are checked by each format's test: gofeed reads none from Atom.
func checkItems(t *testing.T, got []*gofeed.Item, want []wantItem, allAuthors bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		check := func(field, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("item %d %s = %q, want %q", i, field, got, want)
			}
		}
		check("title", g.Title, w.title)
		check("link", g.Link, w.link)
		check("id", g.GUID, w.id)
		if g.PublishedParsed == nil || !g.PublishedParsed.Equal(w.published) {
			t.Errorf("item %d published = %v, want %v", i, g.PublishedParsed, w.published)
		}
		if g.UpdatedParsed == nil || !g.UpdatedParsed.Equal(w.updated) {
			t.Errorf("item %d updated = %v, want %v", i, g.UpdatedParsed, w.updated)
		}
		var names []string
		for _, a := range g.Authors {
			names = append(names, a.Name)
		}
		wantAuthors := w.authors
		if !allAuthors && len(w.authors) > 1 {
			wantAuthors = w.authors[:1]
		}
		check("authors", strings.Join(names, "|"), strings.Join(wantAuthors, "|"))
		check("categories", strings.Join(g.Categories, "|"), strings.Join(w.categories, "|"))
		if w.encURL == "" {
			if len(g.Enclosures) != 0 {
				t.Errorf("item %d has enclosures %v", i, g.Enclosures)
			}
		} else if len(g.Enclosures) != 1 {
			t.Errorf("item %d has %d enclosures, want 1", i, len(g.Enclosures))
		} else {
			e := g.Enclosures[0]
			check("enclosure", e.URL+" "+e.Type+" "+e.Length, w.encURL+" "+w.encType+" "+w.encLength)
		}
		content := g.Content
		if content == "" { // RSS: a story with only a summary has only a description
			content = g.Description
		}
		if !strings.HasSuffix(content, w.attribution) {
			t.Errorf("item %d content %q does not end with the attribution %q", i, content, w.attribution)
		}
	}
}

// wellFormed fails the test unless doc is well-formed XML.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

func TestFeedsAreDeterministic(t *testing.T) {
	p1, _ := newTestPublisher(t)
	p2, _ := newTestPublisher(t) // as after a restart
	for _, ext := range []string{"rss", "atom", "json"} {
		for _, sec := range []string{"nation", "headlines", "sports"} {
			path := "/feeds/" + sec + "." + ext
			a := get(t, p1.Handler(), "GET", path)
			ab := body(t, a)
			p1.Invalidate(sec)
			b := get(t, p1.Handler(), "GET", path)
			c := get(t, p2.Handler(), "GET", path)
			if body(t, b) != ab || body(t, c) != ab {
				t.Errorf("%s differs between renders", path)
			}
			if a.Header.Get("ETag") != b.Header.Get("ETag") || a.Header.Get("ETag") != c.Header.Get("ETag") {
				t.Errorf("%s: ETag differs between renders", path)
			}
		}
	}
}

func TestIDsAreTheSameInEverySection(t *testing.T) {
	p, _ := newTestPublisher(t)
	h := p.Handler()
	for _, ext := range []string{"rss", "atom", "json"} {
		ids := map[string]string{} // title -> id
		for _, sec := range []string{"headlines", "nation", "politics", "economy"} {
			f := parseFeed(t, fetch(t, h, "/feeds/"+sec+"."+ext))
			for _, it := range f.Items {
				if it.GUID == "" {
					t.Fatalf("%s %s: item %q has no id", sec, ext, it.Title)
				}
				if id, ok := ids[it.Title]; ok && id != it.GUID {
					t.Errorf("%s: %q has id %q in %s, %q elsewhere", ext, it.Title, it.GUID, sec, id)
				}
				ids[it.Title] = it.GUID
			}
		}
		if len(ids) != 3 {
			t.Errorf("%s: %d distinct stories, want 3", ext, len(ids))
		}
	}
}

func TestInvalidCharactersAreStripped(t *testing.T) {
	stories := testStories()
	s := &stories[0]
	s.Title = "Bad\x00 ti\x0btle\x1b \uFFFEhere\xff"
	s.Summary = "<p>sum\x01mary</p>"
	s.Content = "<p>con\x02tent\x7f ]]> end</p>"
	s.Authors[0].Name = "Taro\x08 Yamada"
	s.Categories = []string{"Eco\x0cnomy", "\x00"}
	s.Enclosures[0].URL = "https://jen.jiji.com/img/yen\x1f.jpg"
	r := &fakeReader{stories: map[string][]store.Story{"economy": stories[:1]}}
	p := New(testConfig(), r)
	for _, ext := range []string{"rss", "atom", "json"} {
		doc := fetch(t, p.Handler(), "/feeds/economy."+ext)
		if ext != "json" {
			wellFormed(t, doc)
		}
		f := parseFeed(t, doc)
		it := f.Items[0]
		if it.Title != "Bad title here" {
			t.Errorf("%s: title %q", ext, it.Title)
		}
		if !strings.Contains(it.Content, "content ]]&gt; end") { // sanitized: ">" escaped
			t.Errorf("%s: content %q", ext, it.Content)
		}
		if strings.Join(it.Categories, "|") != "Economy" {
			t.Errorf("%s: categories %q", ext, it.Categories)
		}
		if it.Enclosures[0].URL != "https://jen.jiji.com/img/yen.jpg" {
			t.Errorf("%s: enclosure %q", ext, it.Enclosures[0].URL)
		}
		if it.Authors[0].Name != "Taro Yamada" {
			t.Errorf("%s: author %q", ext, it.Authors[0].Name)
		}
	}
}

func TestEmptySection(t *testing.T) {
	p, _ := newTestPublisher(t)
	h := p.Handler()
	for _, ext := range []string{"rss", "atom", "json"} {
		res := get(t, h, "GET", "/feeds/sports."+ext)
		doc := body(t, res)
		if ext != "json" {
			wellFormed(t, doc)
		}
		f := parseFeed(t, doc)
		if f.Title != "Sports" || len(f.Items) != 0 {
			t.Errorf("%s: title %q, %d items", ext, f.Title, len(f.Items))
		}
		if got := res.Header.Get("Last-Modified"); got != "Sat, 01 Jan 2000 00:00:00 GMT" {
			t.Errorf("%s: Last-Modified %q, want the fixed empty-feed time", ext, got)
		}
	}
	atom := fetch(t, h, "/feeds/sports.atom")
	if !strings.Contains(atom, "<updated>2000-01-01T00:00:00Z</updated>") {
		t.Errorf("empty Atom feed lacks the fixed updated time:\n%s", atom)
	}
	if js := fetch(t, h, "/feeds/sports.json"); !strings.Contains(js, `"items":[]`) {
		t.Errorf("empty JSON feed lacks its (required) items:\n%s", js)
	}
	// RSS requires a description even when the section has none.
	if rss := fetch(t, h, "/feeds/sports.rss"); !strings.Contains(rss, "<description>Sports</description>") {
		t.Errorf("empty RSS feed lacks a description:\n%s", rss)
	}
}

func TestLimit(t *testing.T) {
	_, r := newTestPublisher(t)
	cfg := testConfig()
	cfg.Sections[5].Limit = 2
	p := New(cfg, r)
	f := parseFeed(t, fetch(t, p.Handler(), "/feeds/headlines.json"))
	if len(f.Items) != 2 || f.Items[0].Title != wantHeadlines[0].title {
		t.Errorf("headlines with limit 2: %d items", len(f.Items))
	}
}

func TestUnknownSource(t *testing.T) {
	stories := testStories()[:1]
	stories[0].SourceID = "kyodo" // not (or no longer) in the config
	p := New(testConfig(), &fakeReader{stories: map[string][]store.Story{"economy": stories}})
	f := parseFeed(t, fetch(t, p.Handler(), "/feeds/economy.atom"))
	if !strings.HasSuffix(f.Items[0].Content, `<p class="wirefeed-attribution">Provided by kyodo</p>`) {
		t.Errorf("content %q", f.Items[0].Content)
	}
}

func TestLanguageTag(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "en-US": "en-US", "zh-Hant-TW": "zh-Hant-TW", "th": "th",
		"": "", "en_US": "", "1en": "", "en-": "", "toolongtag": "", "ja jp": "",
	} {
		if got := languageTag(in); got != want {
			t.Errorf("languageTag(%q) = %q, want %q", in, got, want)
		}
	}
}
