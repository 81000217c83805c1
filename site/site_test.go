package site_test

import (
	"context"
	"encoding/json"
	"net/http"
	re "regexp"
	"strings"
	"testing"
)

// hrefOf returns the first link whose text is text on the page.
func hrefOf(t testing.TB, page, text string) string {
	t.Helper()
	re := re.MustCompile(`<a href="([^"]+)"[^>]*>` + re.QuoteMeta(text) + `</a>`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no link %q on the page", text)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// mainOf is a page's main content, without the sidebar.
func mainOf(page string) string {
	_, main, _ := strings.Cut(page, "<main")
	main, _, _ = strings.Cut(main, "</main>")
	return main
}

// path is a site URL without the site's base.
func (s *testSite) path(u string) string { return strings.TrimPrefix(u, s.base) }

func contains(t testing.TB, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %s", what, w)
		}
	}
}

func TestFrontPageShowsEverySectionsNewestStories(t *testing.T) {
	s := newTestSite(t)
	res, page := s.get(t, "/")
	if res.StatusCode != 200 {
		t.Fatalf("front page: %d", res.StatusCode)
	}
	// Config text is escaped; times are in site.timezone with UTC for
	// machines.
	contains(t, "front page", page,
		`<h1 class="site-title"><a href="`+s.base+`/">Asia Wire Test Journal</a></h1>`,
		`<p class="tagline">News from Thailand &amp; Japan &lt;in test&gt;</p>`,
		`<time datetime="2026-11-28T12:45:00Z">28 Nov 2026 21:45 JST</time>`,
		`<link rel="alternate" type="application/atom+xml" title="Nation (Atom)" href="`+s.base+`/feeds/nation.atom">`,
		`<a href="`+s.base+`/opml">`)
	// Each section, in config order, led by its newest story.
	order := []string{"sec-nation", "sec-headlines", "sec-politics", "sec-economy", "sec-sports", "sec-other"}
	last := -1
	for _, id := range order {
		i := strings.Index(page, `id="`+id+`"`)
		if i < last {
			t.Errorf("%s out of config order", id)
		}
		last = i
	}
	for _, want := range []string{
		"เชียงใหม่เตรียมรับนักท่องเที่ยวช่วงเทศกาลลอยกระทง", // nation's newest, from Siam Daily
		"Cabinet approves rail link budget for northeastern provinces",
		"日銀、金利を据え置き",
		"Thai boxers win three golds at regional championships",
	} {
		contains(t, "front page", page, want)
	}
	// The lead story's photo, with its caption as alt text.
	contains(t, "front page", page, `alt="A survey team on the planned route near Khon Kaen"`, "Photos</h2>")
	if strings.Contains(page, "<script") {
		t.Error("the front page carries a script")
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}

func TestArticlePage(t *testing.T) {
	s := newTestSite(t)
	url := hrefOf(t, s.page(t, "/sections/nation"), "Bangkok opens floating night market on Chao Phraya riverbank")
	if !re.MustCompile(`/sections/nation/\d+-bangkok-opens-floating-night-market-on-chao-phraya-riverbank$`).MatchString(url) {
		t.Errorf("article URL %s", url)
	}
	page := s.page(t, s.path(url))
	original := s.partner.URL + "/nation/news/5001"
	contains(t, "article", page,
		`<li><a href="`+s.base+`/">Home</a></li>`, `<li><a href="`+s.base+`/sections/nation">Nation</a></li>`, `<span aria-current="page">Article</span>`,
		"<h1>Bangkok opens floating night market on Chao Phraya riverbank</h1>",
		`<p class="attribution">Provided by Test Nation.</p>`,
		`<time datetime="2026-11-28T11:30:00Z">28 Nov 2026 20:30 JST</time>`,
		`<span class="author">Arunee Phromsuk</span>`,
		"waste would be collected by boat twice a night", // the full text, not the summary
		`<img src="`+s.partner.URL+`/img/market.png" alt="Stalls lit by lanterns on the pontoons at dusk" width="600" height="400">`,
		`<figcaption>Stalls lit by lanterns on the pontoons at dusk <span class="credit">Test Nation photo</span></figcaption>`,
		`<link rel="canonical" href="`+original+`">`,
		`<a href="`+original+`">Read the original at Test Nation</a>`,
		`<span class="partner">Test Kyokuto Wire</span>: <a href="`+original+`">Floating night market opens beside Bangkok river pier</a>`,
		`<meta property="og:type" content="article">`, `<meta property="og:image" content="`+s.partner.URL+`/img/market.png">`,
		`<a class="ts-large" href="`+s.base+`/textsize?size=large&amp;back=`,
		"<h2>Latest by section</h2>"[0:0]+`id="latest-heading"`,
	)
	// JSON-LD: a NewsArticle naming the partner's original.
	m := re.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	if ld["@type"] != "NewsArticle" || ld["headline"] != "Bangkok opens floating night market on Chao Phraya riverbank" ||
		ld["isBasedOn"] != original || ld["datePublished"] != "2026-11-28T11:30:00Z" || ld["mainEntityOfPage"] != url {
		t.Errorf("JSON-LD = %v", ld)
	}
	// A body's own images stay inline with their alt text, not repeated.
	boxing := s.page(t, s.path(hrefOf(t, s.page(t, "/sections/sports"), "Thai boxers win three golds at regional championships")))
	article, _, _ := strings.Cut(boxing, "</article>")
	if n := strings.Count(article, `/img/ring.png"`); n != 1 {
		t.Errorf("the body's picture is shown %d times", n)
	}
	contains(t, "boxing article", boxing, `alt="A boxer raises her gloves in the ring"`, "<figcaption>The lightweight final</figcaption>")
	// Thai and Japanese stories say their language.
	thai := s.page(t, s.path(hrefOf(t, s.page(t, "/sections/nation"), "เชียงใหม่เตรียมรับนักท่องเที่ยวช่วงเทศกาลลอยกระทง")))
	contains(t, "Thai article", thai, `<article class="article" lang="th">`, "ตำรวจท่องเที่ยวขอให้ประชาชนปล่อยโคมในพื้นที่ที่กำหนดเท่านั้น")
	ja := s.page(t, s.path(hrefOf(t, s.page(t, "/sections/economy"), "日銀、金利を据え置き\u3000物価見通しを上方修正")))
	contains(t, "Japanese article", ja, `<article class="article" lang="ja">`, `<p class="attribution">Provided by Test Kyokuto Wire.</p>`)
}

func TestArticleURLsRedirectToWhereTheStoryIs(t *testing.T) {
	s := newTestSite(t)
	url := hrefOf(t, s.page(t, "/sections/politics"), "Cabinet approves rail link budget for northeastern provinces")
	path := s.path(url)
	number := re.MustCompile(`/(\d+)-`).FindStringSubmatch(path)[1]
	for _, tc := range []struct{ from, why string }{
		{"/sections/politics/" + number + "-old-words", "a changed title"},
		{"/sections/politics/" + number, "no words"},
	} {
		res, _ := s.get(t, tc.from)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != url {
			t.Errorf("%s (%s): %d to %q, want 301 to %s", tc.from, tc.why, res.StatusCode, res.Header.Get("Location"), url)
		}
	}
	// In a section it is not in: to its first section in config order.
	res, _ := s.get(t, "/sections/sports/"+number+"-cabinet-approves-rail-link-budget-for-northeastern-provinces")
	if want := strings.Replace(url, "/politics/", "/nation/", 1); res.StatusCode != 301 || res.Header.Get("Location") != want {
		t.Errorf("under sports: %d to %q, want 301 to %s", res.StatusCode, res.Header.Get("Location"), want)
	}
	// Under headlines, a section of every story, the story is at home too.
	if res, _ := s.get(t, "/sections/headlines/"+number+"-cabinet-approves-rail-link-budget-for-northeastern-provinces"); res.StatusCode != 200 {
		t.Errorf("under headlines: %d", res.StatusCode)
	}
	// Another partner's copy sends the reader to the published one.
	copy, err := s.daemon.Store().FindStory(context.Background(), s.partner.URL+"/nation/news/5001")
	if err != nil {
		t.Fatal(err)
	}
	alt, err := s.daemon.Store().StoryCopies(context.Background(), copy.FeedID)
	if err != nil || len(alt) != 2 {
		t.Fatalf("copies = %v, %v", alt, err)
	}
	res, _ = s.get(t, "/sections/other/"+itoa(alt[1].ID)+"-floating-night-market-opens-beside-bangkok-river-pier")
	if loc := res.Header.Get("Location"); res.StatusCode != 301 || !strings.HasSuffix(loc, "/sections/nation/"+itoa(alt[0].ID)+"-bangkok-opens-floating-night-market-on-chao-phraya-riverbank") {
		t.Errorf("the alternate's page: %d to %q", res.StatusCode, loc)
	}
	for _, p := range []string{"/sections/nation/999999-nothing", "/sections/nosuch", "/sections/nation/abc"} {
		res, body := s.get(t, p)
		if res.StatusCode != 404 || !strings.Contains(body, "Page not found") || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q", p, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}
