// Package aggregator pulls partner feeds and stores their stories: it
// fetches each source over HTTP, parses it with gofeed, normalizes every item
// into a story with a settled identity, routes it to sections and hands the
// batch to the store. It also runs the cron schedule that drives all of this.
package aggregator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"wirefeed/config"
	"wirefeed/store"
)

// Version is wirefeed's version, sent in the User-Agent.
const Version = "0.1.0"

// MaxItemsPerFetch bounds how many items of one document are stored.
const MaxItemsPerFetch = 1000

// Store is what the aggregator needs from the database.
type Store interface {
	SaveStories(ctx context.Context, sourceID string, stories []store.Story, now time.Time) (store.SaveResult, error)
	RecordFetch(ctx context.Context, sourceID string, r store.FetchRecord) error
}

// Options tune an Aggregator; the zero value is ready to use.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnChange is called after a fetch changed the content of sections.
	OnChange func(sectionIDs []string)
}

// Aggregator pulls sources and stores their stories. It is safe for
// concurrent use; a source is never pulled twice at once.
type Aggregator struct {
	cfg       *config.Config
	store     Store
	fetcher   *fetcher
	now       func() time.Time
	onChange  func([]string)
	authority string
	workers   chan struct{}

	mu      sync.Mutex
	running map[string]bool
}

// New returns an Aggregator for the sources of cfg.
func New(cfg *config.Config, st Store, opts Options) *Aggregator {
	a := &Aggregator{
		cfg:       cfg,
		store:     st,
		fetcher:   newFetcher(time.Duration(cfg.Fetch.Timeout), userAgent(cfg.Server.BaseURL)),
		now:       opts.Now,
		onChange:  opts.OnChange,
		authority: tagAuthority(cfg.Server.BaseURL),
		workers:   make(chan struct{}, max(cfg.Fetch.Workers, 1)),
		running:   map[string]bool{},
	}
	if a.now == nil {
		a.now = time.Now
	}
	return a
}

func userAgent(baseURL string) string {
	return "wirefeed/" + Version + " (+" + baseURL + ")"
}

// tagAuthority is the host of the site's base URL, as a tag URI authority.
func tagAuthority(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return strings.ToLower(u.Hostname())
}

// Report is what one pull of one source did.
type Report struct {
	Source string
	// Items is how many items the partner's document held.
	Items                   int
	New, Updated, Unchanged int
	// Skipped is set when the source was already being pulled.
	Skipped bool
	Err     error
	Took    time.Duration
}

// Log writes the report as one structured log line.
func (r Report) Log(log *slog.Logger) {
	switch {
	case r.Skipped:
		log.Info("fetch skipped: already running", "source", r.Source)
	case r.Err != nil:
		log.Error("fetch failed", "source", r.Source, "err", r.Err, "took", r.Took.Round(time.Millisecond))
	default:
		log.Info("fetched", "source", r.Source, "items", r.Items, "new", r.New,
			"updated", r.Updated, "unchanged", r.Unchanged, "took", r.Took.Round(time.Millisecond))
	}
}

// ErrUnknownSource is returned for a source id not in the config.
var ErrUnknownSource = errors.New("unknown source")

// FetchAll pulls the named sources (every source when ids is empty) with at
// most Fetch.Workers at once, and reports on each in the order asked. One
// failing source never stops the others.
func (a *Aggregator) FetchAll(ctx context.Context, ids ...string) []Report {
	sources := a.cfg.Sources
	if len(ids) > 0 {
		sources = make([]config.Source, 0, len(ids))
		for _, id := range ids {
			src, ok := a.cfg.SourceByID(id)
			if !ok {
				src = config.Source{ID: id}
			}
			sources = append(sources, src)
		}
	}
	reports := make([]Report, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		if _, ok := a.cfg.SourceByID(src.ID); !ok {
			reports[i] = Report{Source: src.ID, Err: fmt.Errorf("aggregator: %w %q", ErrUnknownSource, src.ID)}
			continue
		}
		wg.Go(func() { reports[i] = a.Fetch(ctx, src) })
	}
	wg.Wait()
	return reports
}

// Fetch pulls one source now and stores what changed.
func (a *Aggregator) Fetch(ctx context.Context, src config.Source) Report {
	if !a.claim(src.ID) {
		return Report{Source: src.ID, Skipped: true}
	}
	defer a.release(src.ID)
	select {
	case a.workers <- struct{}{}:
		defer func() { <-a.workers }()
	case <-ctx.Done():
		return Report{Source: src.ID, Err: fmt.Errorf("aggregator: fetch %s: %w", src.ID, ctx.Err())}
	}

	start := a.now()
	rep, status := a.pull(ctx, src, start)
	rep.Took = a.now().Sub(start)
	record := store.FetchRecord{At: start, Status: status, Err: rep.Err, ItemsSeen: rep.Items}
	// Bookkeeping must land even when ctx was cancelled mid-pull.
	if err := a.store.RecordFetch(context.WithoutCancel(ctx), src.ID, record); err != nil && rep.Err == nil {
		rep.Err = fmt.Errorf("aggregator: fetch %s: %w", src.ID, err)
	}
	return rep
}

func (a *Aggregator) claim(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running[id] {
		return false
	}
	a.running[id] = true
	return true
}

func (a *Aggregator) release(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.running, id)
}

// pull fetches, parses, normalizes and stores one source, returning the
// report and the HTTP status seen.
func (a *Aggregator) pull(ctx context.Context, src config.Source, now time.Time) (Report, int) {
	rep := Report{Source: src.ID}
	fail := func(stage string, err error) error {
		return fmt.Errorf("aggregator: %s %s: %w", stage, src.ID, err)
	}
	fetchCtx, cancel := context.WithTimeout(ctx, time.Duration(a.cfg.Fetch.Timeout))
	defer cancel()
	resp, err := a.fetcher.get(fetchCtx, src.URL)
	if err != nil {
		rep.Err = fail("fetch", err)
		return rep, resp.status
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.body))
	if err != nil {
		rep.Err = fail("parse", err)
		return rep, resp.status
	}
	rep.Items = len(feed.Items)
	stories := a.normalize(src, feed, now)

	// Once the document is in hand, the write finishes even if ctx is
	// cancelled (shutdown): a fetch is stored whole or not at all.
	res, err := a.store.SaveStories(context.WithoutCancel(ctx), src.ID, stories, now)
	if err != nil {
		rep.Err = fail("store", err)
		return rep, resp.status
	}
	rep.New, rep.Updated, rep.Unchanged = res.New, res.Updated, res.Unchanged
	if len(res.Sections) > 0 && a.onChange != nil {
		a.onChange(res.Sections)
	}
	return rep, resp.status
}

// normalize turns a parsed document into routed stories.
func (a *Aggregator) normalize(src config.Source, feed *gofeed.Feed, now time.Time) []store.Story {
	base, err := url.Parse(src.URL)
	if err != nil {
		base = nil
	}
	n := newNormalizer(src.ID, a.authority, base, feed, now)
	items := feed.Items
	if len(items) > MaxItemsPerFetch {
		items = items[:MaxItemsPerFetch]
	}
	stories := make([]store.Story, 0, len(items))
	for _, item := range items {
		if item == nil {
			continue
		}
		st := n.story(item)
		st.Sections = src.Route(st.Categories)
		stories = append(stories, st)
	}
	return stories
}
