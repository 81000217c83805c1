package site_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wirefeed/site"
)

func TestPagesAreServedLikeFeeds(t *testing.T) {
	s := newTestSite(t, manySource)
	article := s.path(hrefOf(t, s.page(t, "/sections/nation"), "Bangkok opens floating night market on Chao Phraya riverbank"))
	for _, path := range []string{"/", "/sections/nation", article, "/sitemap.xml"} {
		res, body := s.get(t, path, "Accept-Encoding", "br, gzip")
		etag := res.Header.Get("Etag")
		if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "br" || !strings.HasPrefix(etag, `"`) || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("%s: %d, Content-Encoding %q, ETag %q, Vary %q", path, res.StatusCode, res.Header.Get("Content-Encoding"), etag, res.Header.Get("Vary"))
		}
		if len(body) == 0 {
			t.Fatalf("%s: empty", path)
		}
		res, _ = s.get(t, path, "Accept-Encoding", "br, gzip", "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", path, res.StatusCode)
		}
	}
	// A new story changes the front page: new bytes, new ETag.
	res, _ := s.get(t, "/")
	before := res.Header.Get("Etag")
	s.pullMore(t, "harbour", 46)
	res, page := s.get(t, "/", "If-None-Match", before)
	if res.StatusCode != 200 || !strings.Contains(page, "Harbour report 46") {
		t.Errorf("front page after a new story: %d, has it: %v", res.StatusCode, strings.Contains(page, "Harbour report 46"))
	}
	// The stylesheet is named by its contents and kept for a year.
	css := regexp(page, `<link rel="stylesheet" href="([^"]+/assets/site-[0-9a-f]+\.css)">`)
	res, _ = s.get(t, s.path(css))
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || res.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("stylesheet: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
}

func TestTextSizeIsACookieSetByALink(t *testing.T) {
	s := newTestSite(t)
	res, _ := s.get(t, "/textsize?size=large&back=%2Fsections%2Fnation%2F1-a")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sections/nation/1-a" {
		t.Fatalf("choice: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "textsize=large;") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Errorf("Set-Cookie %q", cookie)
	}
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		if res, _ := s.get(t, "/textsize?size=small&back="+back); res.Header.Get("Location") != "/" {
			t.Errorf("back=%s sends the reader to %q", back, res.Header.Get("Location"))
		}
	}
	if res, _ := s.get(t, "/textsize?size=huge&back=/"); res.StatusCode != 400 {
		t.Errorf("unknown size: %d", res.StatusCode)
	}
	res, large := s.get(t, "/textsize.css", "Cookie", "textsize=large")
	_, medium := s.get(t, "/textsize.css")
	if !strings.Contains(large, "--article-size:1.375rem") || !strings.Contains(medium, "--article-size:1.125rem") ||
		res.Header.Get("Vary") != "Cookie" || !strings.Contains(res.Header.Get("Cache-Control"), "private") {
		t.Errorf("size sheets: %q / %q, Vary %q", large, medium, res.Header.Get("Vary"))
	}
	// The choice changes the sheet's validator: a browser revalidating
	// the medium sheet after choosing large gets the large one.
	res, _ = s.get(t, "/textsize.css")
	if again, _ := s.get(t, "/textsize.css", "Cookie", "textsize=large", "If-None-Match", res.Header.Get("Etag")); again.StatusCode != 200 {
		t.Errorf("a changed choice revalidated as %d", again.StatusCode)
	}
}

func TestSitemapsAndRobots(t *testing.T) {
	s := newTestSite(t)
	var set struct {
		URLs []struct {
			Loc  string `xml:"loc"`
			News *struct {
				Name  string `xml:"publication>name"`
				Lang  string `xml:"publication>language"`
				Date  string `xml:"publication_date"`
				Title string `xml:"title"`
			} `xml:"news"`
		} `xml:"url"`
	}
	_, body := s.get(t, "/sitemap.xml")
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	locs := map[string]bool{}
	for _, u := range set.URLs {
		locs[u.Loc] = true
	}
	// The front page, 7 section pages ("all" too), 8 published stories.
	if !locs[s.base+"/"] || !locs[s.base+"/sections/nation"] || len(set.URLs) != 1+7+8 {
		t.Errorf("sitemap has %d URLs: %v", len(set.URLs), locs)
	}
	for loc := range locs {
		if res, _ := s.get(t, strings.TrimPrefix(loc, s.base)); res.StatusCode != 200 {
			t.Errorf("sitemap URL %s: %d", loc, res.StatusCode)
		}
	}
	// The news sitemap holds the last 48 hours as of its clock.
	clock := time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)
	news := site.New(s.daemon.Config(), s.daemon.Store(), s.daemon.Publisher(), site.Options{Now: func() time.Time { return clock }})
	rec := httptest.NewRecorder()
	news.ServeHTTP(rec, httptest.NewRequest("GET", "/sitemap-news.xml", nil))
	set.URLs = nil
	if err := xml.Unmarshal(rec.Body.Bytes(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.URLs) != 6 || set.URLs[0].News == nil || set.URLs[0].News.Name != "Asia Wire Test Journal" {
		t.Fatalf("news sitemap: %d stories, want the 6 of the last 48 hours: %s", len(set.URLs), rec.Body)
	}
	for _, u := range set.URLs {
		if u.News.Title == "Thai boxers win three golds at regional championships" || u.News.Lang == "" {
			t.Errorf("news sitemap entry %+v", *u.News)
		}
	}
	_, robots := s.get(t, "/robots.txt")
	contains(t, "robots.txt", robots, "Disallow: /textsize", "Sitemap: "+s.base+"/sitemap.xml", "Sitemap: "+s.base+"/sitemap-news.xml")
	_ = context.Background
}

func TestStatusShowsTheSitesZone(t *testing.T) {
	s := newTestSite(t)
	page := s.page(t, "/status")
	if !strings.Contains(page, " JST</time>") || !strings.Contains(page, `<time datetime="20`) {
		t.Errorf("status page times are not in the site's zone:\n%s", page)
	}
	_, js := s.get(t, "/status?format=json")
	if !strings.Contains(js, `Z"`) {
		t.Errorf("status JSON left UTC: %s", js)
	}
}

// regexp returns the first group of pattern in page, or fails.
func regexp(page, pattern string) string {
	m := regexpMust(pattern).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}
