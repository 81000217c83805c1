package publisher

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"wirefeed/config"
)

// Page is a document rendered outside the publisher, such as one of the
// reading site's pages, for the publisher to cache and serve the way it
// serves feeds: compressed once, with strong ETags, Last-Modified and
// conditional requests answered 304.
type Page struct {
	Body         []byte
	Modified     time.Time // the Last-Modified time; zero: none
	ContentType  string
	CacheControl string
}

// pageSpace is the cache's namespace for pages. It is not a valid section
// id, and every Invalidate drops it: a page may show any section (the
// reading site's sidebar shows every section's newest headline).
const pageSpace = "/pages"

// maxCachedPages bounds the pages kept between two changes of the site:
// crawlers walking every article page must not fill the memory. Beyond it
// a page chosen at random makes room.
const maxCachedPages = 2000

// ServePage answers r, a GET or HEAD, with the page cached under key,
// rendering it with render when it is not cached (concurrent requests for
// one key share one rendering). Pages stay cached until the next
// Invalidate, of any section. An error from render is returned, nothing
// is written and nothing is cached: the caller answers (a 404, a 500).
func (p *Publisher) ServePage(w http.ResponseWriter, r *http.Request, key string, render func(context.Context) (Page, error)) error {
	res, err := p.cache.get(r.Context(), cacheKey{pageSpace, key}, func() (*rendering, error) {
		// Others may be waiting for this rendering: it must not fail
		// because the client that happened to start it went away.
		pg, err := render(context.WithoutCancel(r.Context()))
		if err != nil {
			return nil, err
		}
		return newRendering(pg.Body, pg.Modified, pg.ContentType, pg.CacheControl), nil
	})
	if err != nil {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return nil // the client is gone
		}
		return err
	}
	serve(w, r, res)
	return nil
}

// ServePageOnce answers r with a page rendered for it alone (a search):
// with validators, so a repeated request may still get 304, but neither
// cached nor compressed.
func ServePageOnce(w http.ResponseWriter, r *http.Request, pg Page) {
	serve(w, r, newPlainRendering(pg.Body, pg.Modified, pg.ContentType, pg.CacheControl))
}

// Sections returns the sections the publisher serves feeds of, in config
// order: the config's, plus the "all" feed when the config has no section
// of that id. Do not change the slice.
func (p *Publisher) Sections() []config.Section { return p.sections }

// IsAllFeed reports whether id is the "all" feed the publisher adds to the
// config's sections.
func IsAllFeed(cfg *config.Config, id string) bool {
	return id == allFeedID && !slices.ContainsFunc(cfg.Sections, func(s config.Section) bool { return s.ID == id })
}
