// Package site is wirefeed's reading site: the front page, a page per
// section, a page per story, and the sitemaps and robots.txt that let
// search engines find them. Pages are server-rendered from embedded
// html/template templates and one embedded stylesheet, need no
// JavaScript, and are rendered once per change of what they show: the
// publisher caches them beside the feeds (compressed once, strong ETags,
// 304s) and drops them whenever a section changes.
//
// Partner text reaches the templates only through plain view structs
// (views.go): titles and captions as plain text for the templates to
// escape, bodies as HTML passed through the feeds' own sanitiser.
package site

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// Reader is what the site needs from the store.
type Reader interface {
	SectionStories(ctx context.Context, sectionID string, limit int) ([]store.Story, error)
	SectionPage(ctx context.Context, sectionID, source string, after store.Cursor, limit int) ([]store.Story, error)
	FindStory(ctx context.Context, ref string) (store.Story, error)
	StoryCopies(ctx context.Context, feedID string) ([]store.Story, error)
	StorySections(ctx context.Context, storyID int64) ([]string, error)
	StoryRefs(ctx context.Context, limit int) ([]store.StoryRef, error)
}

// Site renders and serves the reading site of one config. It is safe for
// concurrent use.
type Site struct {
	cfg      *config.Config
	reader   Reader
	pub      *publisher.Publisher
	log      *slog.Logger
	base     string
	loc      *time.Location
	sections []config.Section // the publisher's: the config's, and "all"
	listed   []config.Section // shown in navigation and sidebars: the config's
	now      func() time.Time
	mux      *http.ServeMux

	memoMu sync.Mutex
	memo   *shared // what every page shows, for one generation of pages
}

// Options tune a Site; the zero value is ready to use.
type Options struct {
	Log *slog.Logger
	// Now is the clock of the news sitemap's 48 hours (default time.Now).
	Now func() time.Time
}

// New returns the site of cfg, reading stories from r and caching its
// pages in pub's cache.
func New(cfg *config.Config, r Reader, pub *publisher.Publisher, opts Options) *Site {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Site{cfg: cfg, reader: r, pub: pub, log: opts.Log, now: opts.Now,
		base: pub.BaseURL(), loc: cfg.SiteLocation(), sections: pub.Sections(), listed: cfg.Sections}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /{$}", s.serveFront)
	s.mux.HandleFunc("GET /sections/{section}", s.serveSection)
	s.mux.HandleFunc("GET /sections/{section}/{story}", s.serveArticle)
	s.mux.HandleFunc("GET /textsize", serveTextSizeChoice)
	s.mux.HandleFunc("GET "+sizeCSSPath, serveTextSizeCSS)
	s.mux.HandleFunc("GET "+cssPath, s.serveCSS)
	s.mux.HandleFunc("GET /robots.txt", s.serveRobots)
	s.mux.HandleFunc("GET /favicon.ico", s.serveFavicon)
	s.mux.HandleFunc("GET /sitemap.xml", s.serveSitemap)
	s.mux.HandleFunc("GET /sitemap-news.xml", s.serveNewsSitemap)
	return s
}

// Handles reports whether path is one of the site's.
func Handles(path string) bool {
	switch path {
	case "/", "/textsize", sizeCSSPath, cssPath, "/robots.txt", "/favicon.ico", "/sitemap.xml", "/sitemap-news.xml":
		return true
	}
	return strings.HasPrefix(path, "/sections/")
}

// ServeHTTP serves the site's pages: GET and HEAD; other methods get 405.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// section returns the section of the given id that has a page.
func (s *Site) section(id string) (config.Section, bool) {
	for _, sec := range s.sections {
		if sec.ID == id {
			return sec, true
		}
	}
	return config.Section{}, false
}

// storyQuery is the id SectionStories and SectionPage know a section by:
// "" for a section of every story.
func storyQuery(sec config.Section) string {
	if sec.All {
		return ""
	}
	return sec.ID
}

// title is a section's title, or its id when it has none.
func title(sec config.Section) string {
	if t := publisher.PlainText(sec.Title); t != "" {
		return t
	}
	return sec.ID
}
