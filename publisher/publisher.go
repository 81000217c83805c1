// Package publisher turns stored stories into RSS 2.0, Atom 1.0 and JSON
// Feed 1.1 documents, one set per section, and serves them over HTTP; it
// also caches and serves the reading site's pages (pages.go), which package
// site renders.
//
// Partner text is made safe on the way: titles become plain text, HTML is
// reduced to an allow-list with bluemonday and its relative URLs made
// absolute against the story's link, and characters XML forbids are dropped
// (sanitize.go, links.go, xmlsafe.go). Sanitized stories are cached by
// content (cleancache.go).
//
// Rendered feeds are cached, plain and gzipped, until Invalidate is called
// for their section, so polling an unchanged feed does no database work and
// no compression (cache.go, encoding.go); concurrent requests for a feed
// being rendered share the rendering. Responses carry content-derived
// ETags, Last-Modified and a Cache-Control max-age derived from the poll
// schedules of the section's sources (maxage.go), and conditional requests
// get 304 (serve.go).
package publisher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/store"
)

// StoryReader is what the publisher needs from the store.
type StoryReader interface {
	// SectionStories returns the newest `limit` stories routed to section, newest first
	// (by Published, then ID). sectionID "" means all stories of every section.
	SectionStories(ctx context.Context, sectionID string, limit int) ([]store.Story, error)
	// FilterStories returns the newest f.Limit stories of section
	// sectionID ("" every section) that pass f, newest first, found among
	// every stored story (see store.FilterStories).
	FilterStories(ctx context.Context, sectionID string, f store.Filter) ([]store.Story, error)
}

// ChangeReader is a StoryReader that knows when a section's published
// content last changed; feeds read from one are served with that time as
// Last-Modified, which never goes back. Without it Last-Modified is the
// newest story's update time.
type ChangeReader interface {
	// SectionChanged returns when the section's content last changed (""
	// for any section), zero when unknown.
	SectionChanged(ctx context.Context, sectionID string) (time.Time, error)
}

// lastModified is the Last-Modified time of a document showing the
// section query ("" for all) whose newest story was updated at newest.
func (p *Publisher) lastModified(ctx context.Context, query string, newest time.Time) (time.Time, error) {
	cr, ok := p.reader.(ChangeReader)
	if !ok {
		return newest, nil
	}
	t, err := cr.SectionChanged(ctx, query)
	if err != nil {
		return time.Time{}, fmt.Errorf("publisher: section %q: %w", query, err)
	}
	if t.IsZero() {
		return newest, nil // a store from before change times were kept
	}
	return t, nil
}

// defaultLimit is the number of stories in a section whose Limit is not
// positive, which only a config built in code can have (config.Load
// defaults it to the same number).
const defaultLimit = 50

// format is one of the feed formats and the extension it is served under.
type format struct {
	ext       string
	mediaType string
	render    func(*feed) ([]byte, error)
}

// formats lists the feed formats wirefeed serves.
var formats = []format{
	{"rss", "application/rss+xml", renderRSS},
	{"atom", "application/atom+xml", renderAtom},
	{"json", "application/feed+json", renderJSON},
}

// contentType is the Content-Type the format is served with.
func (f *format) contentType() string {
	return f.mediaType + "; charset=utf-8"
}

// formatByExt returns the format served under ext, or nil.
func formatByExt(ext string) *format {
	for i := range formats {
		if formats[i].ext == ext {
			return &formats[i]
		}
	}
	return nil
}

// Publisher renders and serves the feeds of the configured sections. It
// takes what it needs from the config when created; later changes to the
// config are not seen. It is safe for concurrent use.
type Publisher struct {
	reader   StoryReader
	baseURL  string
	sections []config.Section
	byID     map[string]config.Section
	allIDs   []string // sections with All set
	sources  map[string]config.Source
	maxAge   map[string]time.Duration // by section; see sectionMaxAges
	cache    *cache
	filtered *filtered // ?q=, ?source= and ?limit= renderings
	clean    *cleanCache
	mux      *http.ServeMux
	log      *slog.Logger // nil: slog.Default()
	// hub is the WebSub hub told of every change ("" for none).
	hub       string
	hubClient *http.Client
}

// New returns a Publisher of cfg's sections reading stories from r.
// Links in the feeds are built on cfg.Server.BaseURL.
func New(cfg *config.Config, r StoryReader) *Publisher {
	p := &Publisher{
		reader:    r,
		baseURL:   strings.TrimRight(cfg.Server.BaseURL, "/"),
		byID:      make(map[string]config.Section, len(cfg.Sections)),
		sources:   make(map[string]config.Source, len(cfg.Sources)),
		cache:     newCache(),
		filtered:  newFiltered(),
		hub:       cfg.Server.WebSubHub,
		hubClient: &http.Client{Timeout: hubTimeout},
	}
	sections := withAllFeed(cfg.Sections)
	p.maxAge = sectionMaxAges(cfg, sections)
	shown := 0 // stories the feeds show at most, for sizing the clean cache
	for _, s := range sections {
		if _, dup := p.byID[s.ID]; dup {
			continue
		}
		s = plainSection(s)
		p.byID[s.ID] = s
		p.sections = append(p.sections, s)
		if s.Limit > 0 {
			shown += s.Limit
		} else {
			shown += defaultLimit
		}
		if s.All {
			p.allIDs = append(p.allIDs, s.ID)
		}
	}
	for _, s := range cfg.Sources {
		if _, dup := p.sources[s.ID]; !dup {
			p.sources[s.ID] = plainSource(s)
		}
	}
	p.clean = newCleanCache(shown)

	p.mux = http.NewServeMux()
	p.mux.HandleFunc("GET /feeds/{file}", p.serveFeed)
	p.mux.HandleFunc("GET /opml", p.serveOPML)
	p.mux.HandleFunc("GET /feeds/{section}/archive/{page}", p.serveArchive)
	return p
}

// allFeedID is the feed of every story of every section, served unless the
// config defines a section of that id itself.
const allFeedID = "all"

// withAllFeed returns sections plus the "all" feed when no section has its
// id.
func withAllFeed(sections []config.Section) []config.Section {
	for _, s := range sections {
		if s.ID == allFeedID {
			return sections
		}
	}
	all := config.Section{ID: allFeedID, Title: "All stories", Description: "Every story from every partner, newest first", Limit: defaultLimit, All: true}
	return append(slices.Clone(sections), all)
}

// Handler returns the HTTP handler serving the feeds at
// /feeds/{section}.rss, .atom and .json, their archives and /opml (the
// reading site's pages are package site's). GET and HEAD are served; other
// methods get 405.
func (p *Publisher) Handler() http.Handler {
	return p.mux
}

// ObserveCache has fn told how each feed request was served: "hit" (from
// a cached rendering), "shared" (waited for a rendering in progress) or
// "render". Call it before the publisher serves.
func (p *Publisher) ObserveCache(fn func(outcome string)) { p.cache.observe = fn }

// Invalidate drops cached renderings of the named sections and of every `all: true` section.
// The next request for one of their feeds renders it from the store again.
// Unknown section ids are ignored.
func (p *Publisher) Invalidate(sectionIDs ...string) {
	p.notifyHub(p.forget(sectionIDs))
}

// Refresh drops the renderings of the given sections, like Invalidate,
// but tells no WebSub hub: for changes another daemon made and announced.
func (p *Publisher) Refresh(sectionIDs ...string) { p.forget(sectionIDs) }

// forget drops the renderings of the given sections, of the sections
// showing every story and of the site's pages, and returns the sections
// whose feeds changed.
func (p *Publisher) forget(sectionIDs []string) []string {
	drop := make(map[string]bool, len(sectionIDs)+len(p.allIDs))
	for _, id := range sectionIDs {
		if _, ok := p.byID[id]; ok {
			drop[id] = true
		}
	}
	for _, id := range p.allIDs {
		drop[id] = true
	}
	feeds := sortedKeys(drop)
	drop[pageSpace] = true
	p.cache.invalidate(drop)
	p.filtered.invalidate()
	return feeds
}

// serveFeed serves /feeds/{section}.{ext}.
func (p *Publisher) serveFeed(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	dot := strings.LastIndexByte(file, '.')
	if dot < 0 {
		http.Error(w, fmt.Sprintf("no feed %q: want %s.rss, .atom or .json", file, file), http.StatusNotFound)
		return
	}
	id, ext := file[:dot], file[dot+1:]
	if _, ok := p.byID[id]; !ok {
		http.Error(w, fmt.Sprintf("no section %q", id), http.StatusNotFound)
		return
	}
	f := formatByExt(ext)
	if f == nil {
		http.Error(w, fmt.Sprintf("no feed format %q: want rss, atom or json", ext), http.StatusNotFound)
		return
	}
	p.serveSection(w, r, id, f)
}

// serveSection serves section id rendered in format f, from the cache
// unless the request filters it.
func (p *Publisher) serveSection(w http.ResponseWriter, r *http.Request, id string, f *format) {
	sec, ok := p.byID[id]
	if !ok {
		http.Error(w, fmt.Sprintf("no section %q", id), http.StatusNotFound)
		return
	}
	ext := f.ext

	if q, filtered, err := parseFeedQuery(r.URL.Query(), sec, p.sources); filtered {
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		q.raw = selfQuery(r.URL.RawQuery)
		p.serveQuery(w, r, sec, f, q)
		return
	}

	res, err := p.cache.get(r.Context(), cacheKey{id, ext}, func() (*rendering, error) {
		// Others may be waiting for this rendering: it must not fail
		// because the client that happened to start it went away.
		return p.render(context.WithoutCancel(r.Context()), sec, f)
	})
	if err != nil {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client is gone
		}
		log := p.log
		if log == nil {
			log = slog.Default()
		}
		log.ErrorContext(r.Context(), "publisher: render feed", "section", id, "format", ext, "err", err)
		http.Error(w, fmt.Sprintf("could not load section %q", id), http.StatusInternalServerError)
		return
	}
	serve(w, r, res)
}

// serveQuery serves section sec filtered by q, from the brief cache of
// filtered renderings or rendered within the bounds of filtered.go; 503
// with Retry-After when too many are asked for at once.
func (p *Publisher) serveQuery(w http.ResponseWriter, r *http.Request, sec config.Section, f *format, q feedQuery) {
	res, err := p.filtered.get(r.Context(), q.key(sec.ID, f.ext), func(ctx context.Context) (*rendering, error) {
		return p.renderQuery(ctx, sec, f, q)
	})
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", retryAfterSeconds)
		http.Error(w, "too many filtered feed requests at once; retry in "+retryAfterSeconds+" s, or use the unfiltered feed", http.StatusServiceUnavailable)
	case err != nil && r.Context().Err() != nil:
		// The client is gone.
	case err != nil:
		http.Error(w, fmt.Sprintf("could not load section %q", sec.ID), http.StatusInternalServerError)
	default:
		serve(w, r, res)
	}
}

// render reads a section's stories and writes them in format f.
func (p *Publisher) render(ctx context.Context, sec config.Section, f *format) (*rendering, error) {
	limit := sec.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	query := sec.ID
	if sec.All {
		query = ""
	}
	stories, err := p.reader.SectionStories(ctx, query, limit)
	if err != nil {
		return nil, fmt.Errorf("publisher: section %s: %w", sec.ID, err)
	}
	if len(stories) > limit {
		stories = stories[:limit]
	}
	fd := p.buildFeed(sec, stories)
	if fd.Deleted, err = p.deletedEntries(ctx, query); err != nil {
		return nil, err
	}
	if _, ok := p.reader.(ArchiveReader); ok {
		// The page new stories go to; it links on to the older pages.
		fd.Archive = []archiveLink{{Rel: "prev-archive", Name: archiveName(sec.ID, "current")}}
	}
	body, err := f.render(fd)
	if err != nil {
		return nil, fmt.Errorf("publisher: section %s: render %s: %w", sec.ID, f.ext, err)
	}
	modified, err := p.lastModified(ctx, query, fd.Updated)
	if err != nil {
		return nil, err
	}
	return newRendering(body, modified, f.contentType(), cacheControlValue(fd.MaxAge)), nil
}
