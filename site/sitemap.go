package site

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"wirefeed/publisher"
	"wirefeed/store"
)

// Sitemap sizes: the protocol allows 50,000 URLs a file, Google News
// 1,000 stories of the last two days.
const (
	sitemapStories = 5000
	newsStories    = 1000
	newsWindow     = 48 * time.Hour
)

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NewsNS  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string       `xml:"loc"`
	LastMod string       `xml:"lastmod,omitempty"`
	News    *sitemapNews `xml:"news:news,omitempty"`
}

type sitemapNews struct {
	Name     string `xml:"news:publication>news:name"`
	Language string `xml:"news:publication>news:language"`
	Date     string `xml:"news:publication_date"`
	Title    string `xml:"news:title"`
}

// serveSitemap serves /sitemap.xml: the front page, every section page and
// the newest sitemapStories stories.
func (s *Site) serveSitemap(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "/sitemap.xml", func(ctx context.Context) (publisher.Page, error) {
		refs, err := s.reader.StoryRefs(ctx, sitemapStories)
		if err != nil {
			return publisher.Page{}, err
		}
		set := urlSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: []sitemapURL{{Loc: s.base + "/"}}}
		for _, sec := range s.sections {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.sectionURL(sec.ID)})
		}
		for _, ref := range refs {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.refURL(ref), LastMod: ref.Updated.Format(time.RFC3339)})
		}
		return xmlPage(set)
	})
}

// serveNewsSitemap serves /sitemap-news.xml: the stories published in the
// last 48 hours, as Google News reads them. Its cache key names the hour,
// so stories leave it within an hour of turning 48 hours old even while
// no section changes.
func (s *Site) serveNewsSitemap(w http.ResponseWriter, r *http.Request) {
	now := s.now().UTC()
	key := "/sitemap-news.xml@" + strconv.FormatInt(now.Unix()/3600, 10)
	s.serveCached(w, r, key, func(ctx context.Context) (publisher.Page, error) {
		refs, err := s.reader.StoryRefs(ctx, newsStories)
		if err != nil {
			return publisher.Page{}, err
		}
		set := urlSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", NewsNS: "http://www.google.com/schemas/sitemap-news/0.9"}
		for _, ref := range refs {
			if now.Sub(ref.Published) > newsWindow {
				break // newest first
			}
			lang := langOf(&store.Story{Language: ref.Language, Title: ref.Title})
			if lang == "" {
				lang = "en"
			}
			set.URLs = append(set.URLs, sitemapURL{Loc: s.refURL(ref), News: &sitemapNews{
				Name: s.cfg.Site.Title, Language: lang, Date: ref.Published.Format(time.RFC3339),
				Title: publisher.PlainText(ref.Title)}})
		}
		return xmlPage(set)
	})
}

// refURL is a story's page under its own section.
func (s *Site) refURL(ref store.StoryRef) string {
	return s.base + articlePath(s.firstOf(ref.Sections), &store.Story{ID: ref.ID}, publisher.PlainText(ref.Title))
}

// xmlPage writes a sitemap document.
func xmlPage(doc any) (publisher.Page, error) {
	out, err := xml.MarshalIndent(doc, "", " ")
	if err != nil {
		return publisher.Page{}, err
	}
	body := append([]byte(xml.Header), out...)
	return publisher.Page{Body: append(body, '\n'), ContentType: "application/xml; charset=utf-8", CacheControl: pageCacheControl}, nil
}

// serveRobots serves /robots.txt: every page may be crawled but the
// text-size links, and the sitemaps are named.
func (s *Site) serveRobots(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "/robots.txt", func(context.Context) (publisher.Page, error) {
		body := "User-agent: *\nDisallow: /textsize\nDisallow: /admin/\nAllow: /\n\n" +
			"Sitemap: " + s.base + "/sitemap.xml\nSitemap: " + s.base + "/sitemap-news.xml\n"
		return publisher.Page{Body: []byte(body), ContentType: "text/plain; charset=utf-8", CacheControl: "public, max-age=3600"}, nil
	})
}
