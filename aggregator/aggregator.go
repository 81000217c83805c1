// Package aggregator pulls partner feeds and stores their stories: it
// fetches each source over HTTP, parses it with gofeed, normalizes every item
// into a story with a settled identity, routes it to sections and hands the
// batch to the store. It also runs the cron schedule that drives all of this.
package aggregator

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"

	"wirefeed/config"
	"wirefeed/internal/redact"
	"wirefeed/netguard"
	"wirefeed/route"
	"wirefeed/store"
)

// Version is wirefeed's version, sent in the User-Agent.
const Version = "0.1.0"

// ErrStore marks a pull that failed because the store refused its writes
// (a full disk, a lost database), not because of the partner.
var ErrStore = errors.New("the database refused the write")

// ErrLapsed stops a pull whose claim lapsed before its request was sent:
// the daemon was paused past it, and another daemon pulls the source now.
var ErrLapsed = errors.New("this daemon's claim on the pull lapsed (it was paused or cut off); another daemon pulls it")

// MaxItemsPerFetch bounds how many items of one document are stored when
// the config gives no fetch.max_items.
const MaxItemsPerFetch = 1000

// Store is what the aggregator needs from the database.
type Store interface {
	// Source returns a source's fetch state (store.ErrNotFound if unknown).
	Source(ctx context.Context, id string) (store.Source, error)
	SaveStories(ctx context.Context, sourceID string, stories []store.Story, now time.Time) (store.SaveResult, error)
	RecordFetch(ctx context.Context, sourceID string, r store.FetchRecord) error
	Prune(ctx context.Context, now time.Time, r store.Retention) (store.PruneResult, error)
	// SetFeedSite records the partner's site as its feed names it.
	SetFeedSite(ctx context.Context, sourceID, site string) error
}

// Options tune an Aggregator; the zero value is ready to use.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnChange is called after a fetch changed the content of sections.
	OnChange func(sectionIDs []string)
	// OnFetch is called with the report of every fetch attempt, for
	// metrics.
	OnFetch func(Report)
	// Guard decides which addresses fetches may connect to; it is checked
	// on every connection (each redirect hop, each DNS answer as dialed).
	// nil: the config's, cfg.Fetch.Guard() (loopback and private networks
	// only through fetch.allow_networks; link-local and metadata never).
	// A Guard given is used as it is, for tests.
	Guard *netguard.Policy
	// LookupEnv reads the environment variables holding sources'
	// credentials (config.Auth) at each fetch (default os.LookupEnv).
	LookupEnv func(string) (string, bool)
	// Pulls is the process's record of pulls in progress. Give every
	// Aggregator a process builds (one per config it runs on) the same
	// Pulls, so that a source is never pulled twice at once across a
	// reload. nil: one of its own.
	Pulls *Pulls
}

// Aggregator pulls sources and stores their stories. It is safe for
// concurrent use; a source is never pulled twice at once.
type Aggregator struct {
	cfg       *config.Config
	router    *route.Router
	store     Store
	fetcher   *fetcher
	now       func() time.Time
	onChange  func([]string)
	onFetch   func(Report)
	lookupEnv func(string) (string, bool)
	authority string
	workers   chan struct{}
	poll      pollPolicy
	perHost   int

	pulls *Pulls
	// parses counts the documents parsed, for tests of the paths that
	// must not parse.
	parses atomic.Int64
}

// New returns an Aggregator for the sources of cfg.
func New(cfg *config.Config, st Store, opts Options) *Aggregator {
	a := &Aggregator{
		cfg:       cfg,
		router:    route.New(cfg),
		store:     st,
		fetcher:   newFetcher(fetcherOptions{timeout: time.Duration(cfg.Fetch.Timeout), userAgent: userAgent(cfg.Server.BaseURL), guard: guard(cfg, opts.Guard)}),
		now:       opts.Now,
		onChange:  opts.OnChange,
		onFetch:   opts.OnFetch,
		lookupEnv: opts.LookupEnv,
		authority: tagAuthority(cfg.Server.BaseURL),
		workers:   make(chan struct{}, max(cfg.Fetch.Workers, 1)),
		pulls:     opts.Pulls,
		poll:      newPollPolicy(time.Duration(cfg.Fetch.MaxInterval)),
		perHost:   max(cfg.Fetch.PerHost, 1),
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.pulls == nil {
		a.pulls = NewPulls(nil)
	}
	if a.lookupEnv == nil {
		a.lookupEnv = os.LookupEnv
	}
	return a
}

// guard is the address policy of fetches: g, or by default the config's.
func guard(cfg *config.Config, g *netguard.Policy) netguard.Policy {
	if g != nil {
		return *g
	}
	return cfg.Fetch.Guard()
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
	// Duplicates is how many of New are another partner's story already
	// stored (see store.SaveResult.Duplicates).
	Duplicates int
	// NotModified is set when the document had not changed since the last
	// pull (a 304, or the same body again): nothing was parsed or written.
	NotModified bool
	// Discovered is the feed URL found on the HTML page the source's URL
	// served, when this pull discovered it; later pulls use it directly.
	// Like every URL and error of a Report it is shown with credentials
	// hidden (see package redact).
	Discovered string
	// Identity is how this fetch's stories were identified: "guid", or
	// "link" or "hash" when the partner's GUIDs were blank or repeated.
	Identity string
	// Moved is the new address of a feed that redirected permanently (301,
	// 308); later pulls use it directly, the config is left as it is.
	Moved string
	// Skipped is set when the source was already being pulled.
	Skipped bool
	// Paused is set when a scheduled pull was not made because an editor
	// paused the source.
	Paused bool
	// Deferred is set when a scheduled pull was not made because the
	// source rests until NotBefore (Retry-After, caching hints, backoff).
	Deferred bool
	// NotBefore is the earliest next scheduled pull, after this one.
	NotBefore time.Time
	// Disabled is set when the partner answered 410 Gone: the source is no
	// longer pulled on schedule until its URL changes in the config.
	Disabled bool
	Err      error
	Took     time.Duration

	header http.Header // of the last response, for the poll policy
	ttl    int         // the feed's <ttl>, minutes
	moved  string      // Moved, credentials left in
}

// Log writes the report as one structured log line.
func (r Report) Log(log *slog.Logger) {
	switch {
	case r.Skipped:
		log.Info("fetch skipped: already being pulled", "source", r.Source)
	case r.Paused:
		log.Debug("fetch skipped: source paused", "source", r.Source)
	case r.Deferred:
		log.Debug("fetch deferred: source rests", "source", r.Source, "until", r.NotBefore)
	case r.Disabled && r.Err == nil:
		log.Warn("fetch skipped: partner said the feed is gone (410); change its url to re-enable", "source", r.Source)
	case r.Err != nil:
		args := []any{"source", r.Source, "err", r.Err, "took", r.Took.Round(time.Millisecond)}
		if !r.NotBefore.IsZero() {
			args = append(args, "retry_after", r.NotBefore)
		}
		if r.Disabled {
			args = append(args, "disabled", "410 Gone: not pulled on schedule until its url changes")
		}
		log.Error("fetch failed", args...)
	case r.NotModified:
		log.Info("fetched: not modified", "source", r.Source, "took", r.Took.Round(time.Millisecond))
	default:
		if r.Moved != "" {
			log.Warn("feed moved permanently: pulling its new address from now on; update the config", "source", r.Source, "url", r.Moved)
		}
		if r.Identity != "" && r.Identity != identityGUID {
			log.Warn("partner's GUIDs are blank or repeated: stories identified by "+r.Identity, "source", r.Source)
		}
		if r.Discovered != "" {
			log.Info("feed discovered", "source", r.Source, "feed", r.Discovered)
		}
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
	return a.fetchAll(ctx, false, ids, Progress{})
}

// FetchAllDue is FetchAll for every source, each pulled as FetchDue pulls:
// sources that must rest or are gone are reported, not pulled.
func (a *Aggregator) FetchAllDue(ctx context.Context) []Report {
	return a.fetchAll(ctx, true, nil, Progress{})
}

// FetchDueProgress pulls the named sources (default: all) as FetchDue
// pulls, telling p of each source as it starts and as it finishes.
func (a *Aggregator) FetchDueProgress(ctx context.Context, p Progress, ids ...string) []Report {
	return a.fetchAll(ctx, true, ids, p)
}

// Progress follows a FetchAllProgress as it goes, for a display. Either
// func may be nil. They are called from the fetching goroutines, several
// at once.
type Progress struct {
	// Started is called when the pull of a source begins, once it holds a
	// worker and a slot on its partner's host (Fetch.Workers and
	// Fetch.PerHost), so the sources started and not yet finished are
	// those being pulled.
	Started func(source string)
	// Finished is called with each source's report as soon as that source
	// is done, exactly once per source asked (also for an unknown source
	// or one already being pulled, which never start), before
	// FetchAllProgress returns.
	Finished func(Report)
}

// FetchAllProgress is FetchAll telling p of each source as it starts and
// as it finishes.
func (a *Aggregator) FetchAllProgress(ctx context.Context, p Progress, ids ...string) []Report {
	return a.fetchAll(ctx, false, ids, p)
}

func (a *Aggregator) fetchAll(ctx context.Context, due bool, ids []string, p Progress) []Report {
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
	finished := p.Finished
	if finished == nil {
		finished = func(Report) {}
	}
	reports := make([]Report, len(sources))
	var wg sync.WaitGroup
	for i, src := range sources {
		if _, ok := a.cfg.SourceByID(src.ID); !ok {
			reports[i] = Report{Source: src.ID, Err: fmt.Errorf("aggregator: %w %q", ErrUnknownSource, src.ID)}
			finished(reports[i])
			continue
		}
		if src.Paused && len(ids) == 0 {
			// Paused sources are pulled only when asked for by name.
			reports[i] = Report{Source: src.ID, Paused: true}
			finished(reports[i])
			continue
		}
		wg.Go(func() {
			reports[i] = a.fetch(ctx, src, due, p.Started)
			finished(reports[i])
		})
	}
	wg.Wait()
	return reports
}

// Fetch pulls one source now, whatever its rest or state, and stores what
// changed. It is what an operator asks for. Stories are routed as the
// Aggregator's config routes stories of src.ID.
func (a *Aggregator) Fetch(ctx context.Context, src config.Source) Report {
	return a.fetch(ctx, src, false, nil)
}

// FetchDue pulls one source unless an editor paused it (Report.Paused), it
// must rest (Report.Deferred: the partner's Retry-After or caching hints, or
// backoff after failures) or the partner said it is gone (Report.Disabled).
// The scheduler pulls this way.
func (a *Aggregator) FetchDue(ctx context.Context, src config.Source) Report {
	return a.fetch(ctx, src, true, nil)
}

// rest returns when the source may next be pulled on schedule; zero when
// at once.
func (a *Aggregator) rest(start time.Time, rep Report, status, failures int) time.Time {
	var d time.Duration
	if rep.Err != nil {
		d = a.poll.afterFailure(start, status, rep.header, failures+1)
	} else {
		d = a.poll.afterSuccess(start, rep.header, rep.ttl)
	}
	if d <= 0 {
		return time.Time{}
	}
	return start.Add(d)
}

// hostSlot waits for one of the Fetch.PerHost slots of rawURL's host.
func (a *Aggregator) hostSlot(ctx context.Context, rawURL string) (func(), error) {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	slots := a.pulls.hostSlots(host, a.perHost)
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetch pulls src; started, when not nil, is called once the pull begins.
func (a *Aggregator) fetch(ctx context.Context, src config.Source, due bool, started func(string)) Report {
	rep := a.attempt(ctx, src, due, started)
	if a.onFetch != nil {
		a.onFetch(rep)
	}
	return rep
}

func (a *Aggregator) attempt(ctx context.Context, src config.Source, due bool, started func(string)) Report {
	if due && src.Paused {
		return Report{Source: src.ID, Paused: true}
	}
	ctx, done, ok, err := a.pulls.claim(ctx, src.ID)
	if err != nil {
		return Report{Source: src.ID, Err: fmt.Errorf("aggregator: fetch %s: %w", src.ID, err)}
	}
	if !ok {
		return Report{Source: src.ID, Skipped: true}
	}
	defer done()
	select {
	case a.workers <- struct{}{}:
		defer func() { <-a.workers }()
	case <-ctx.Done():
		return Report{Source: src.ID, Err: fmt.Errorf("aggregator: fetch %s: %w", src.ID, ctx.Err())}
	}

	release, err := a.hostSlot(ctx, src.URL)
	if err != nil {
		return Report{Source: src.ID, Err: fmt.Errorf("aggregator: fetch %s: %w", src.ID, err)}
	}
	defer release()

	start := a.now()
	state, err := a.state(ctx, src.ID)
	if err != nil {
		return Report{Source: src.ID, Err: fmt.Errorf("aggregator: fetch %s: %w", src.ID, err)}
	}
	if due {
		switch {
		case state.Disabled:
			return Report{Source: src.ID, Disabled: true}
		case state.NotBefore != nil && start.Before(*state.NotBefore):
			return Report{Source: src.ID, Deferred: true, NotBefore: *state.NotBefore}
		}
	}
	if started != nil {
		started(src.ID)
	}
	rep, record := a.pull(ctx, src, state, start)
	rep.Took = a.now().Sub(start)
	record.At, record.Err = start, rep.Err
	record.NotBefore, record.Gone = a.rest(start, rep, record.Status, state.Failures), record.Status == http.StatusGone
	rep.NotBefore, rep.Disabled = record.NotBefore, record.Gone
	// Bookkeeping must land even when ctx was cancelled mid-pull.
	err = a.store.RecordFetch(context.WithoutCancel(ctx), src.ID, record)
	switch {
	case err != nil && rep.Err == nil:
		rep.Err = fmt.Errorf("aggregator: fetch %s: %w: %w", src.ID, ErrStore, err)
	case err != nil:
		rep.Err = fmt.Errorf("%w; recording it failed too: %w: %w", rep.Err, ErrStore, err)
	}
	if err != nil {
		a.pulls.forgetState(src.ID)
	} else {
		state.Apply(record)
		a.pulls.setState(state)
	}
	return rep
}

// state returns a source's fetch state: from memory, or from the store on
// the first pull (empty for a source the store does not know yet).
func (a *Aggregator) state(ctx context.Context, id string) (store.Source, error) {
	if st, ok := a.pulls.state(id); ok {
		return st, nil
	}
	st, err := a.store.Source(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Source{ID: id}, nil
	}
	return st, err
}

// Pulling reports whether a pull of the source is in progress in this
// process.
func (a *Aggregator) Pulling(id string) bool { return a.pulls.pulling(id) }

// WaitIdle returns once no pull of the source is in progress in this
// process, or when ctx is done.
func (a *Aggregator) WaitIdle(ctx context.Context, id string) error {
	return a.pulls.waitIdle(ctx, id)
}

// pull fetches, parses, normalizes and stores one source, returning the
// report and what to record of the attempt. The conditional request, the
// body hash and the validators stored on success make an unchanged feed
// cost one request and no parse; they are recorded only once the body's
// stories are stored, so a failed write is retried in full next time.
func (a *Aggregator) pull(ctx context.Context, src config.Source, state store.Source, now time.Time) (Report, store.FetchRecord) {
	rep := Report{Source: src.ID}
	var rec store.FetchRecord
	var target string
	creds, err := sourceCredentials(src, a.lookupEnv)
	// fail reports err, with the source's secrets and URL credentials
	// hidden: it is logged, stored and shown. A discovered feed that is
	// gone or no longer a feed is forgotten, so the next pull starts again
	// from the source's page.
	fail := func(stage string, err error) (Report, store.FetchRecord) {
		rep.Err = creds.hide(fmt.Errorf("aggregator: %s %s: %w", stage, src.ID, err))
		rec.Discovery = nil
		gone := rec.Status == http.StatusNotFound || rec.Status == http.StatusGone
		if target != src.URL && (gone || stage == "parse") {
			rec.Discovery = &store.Discovery{}
		}
		return rep, rec
	}
	if err != nil {
		return fail("fetch", fmt.Errorf("credentials: %w", err))
	}
	timeout := time.Duration(a.cfg.Fetch.Timeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	target = src.URL
	if state.DiscoveredFrom == src.URL && state.DiscoveredURL != "" {
		target = state.DiscoveredURL
	}
	doc, err := a.get(ctx, src, state, target, creds, &rec, &rep)
	if err != nil {
		return fail("fetch", deadline(err, timeout))
	}
	if rep.moved != "" && target == src.URL {
		// Remembered like a discovered feed: later pulls go straight there,
		// and back to the configured URL if the new one disappears.
		rec.Discovery = &store.Discovery{From: src.URL, FeedURL: rep.moved}
	}
	if doc == nil {
		rep.NotModified = true
		return rep, rec
	}
	defer doc.release()
	feed, err := a.parse(ctx, doc)
	if err != nil && target == src.URL && ctx.Err() == nil && looksLikeHTML(doc.contentType, doc.text) {
		link := creds.scrub(discoverFeed(doc.text, doc.finalURL))
		if link == "" {
			return fail("discover", errors.New("the page is HTML and announces no feed (<link rel=\"alternate\">)"))
		}
		rep.Discovered, target = redact.URL(link), link
		if doc, err = a.get(ctx, src, state, link, creds, &rec, &rep); err != nil {
			return fail("fetch", fmt.Errorf("discovered feed %s: %w", link, deadline(err, timeout)))
		}
		rec.Discovery = &store.Discovery{From: src.URL, FeedURL: link}
		if doc == nil {
			rep.NotModified = true
			return rep, rec
		}
		defer doc.release()
		feed, err = a.parse(ctx, doc)
	}
	if err != nil {
		return fail("parse", deadline(err, timeout))
	}
	rep.Items = len(feed.Items)
	rep.ttl = feedTTL(feed)
	stories, identity, err := a.normalize(ctx, src, target, feed, now)
	if err != nil {
		return fail("normalize", deadline(err, timeout))
	}
	rep.Identity, rec.Identity = identity, identity
	// The site the feed names decides, with no site configured, whose copy
	// of a shared story is published: known before the stories are saved.
	if site := feedSite(feed, target); site != "" && site != state.FeedSite {
		if err := a.store.SetFeedSite(context.WithoutCancel(ctx), src.ID, site); err != nil {
			return fail("store", fmt.Errorf("%w: %w", ErrStore, err))
		}
		rec.FeedSite = site
	}

	// Once the document is in hand, the write finishes even if ctx is
	// cancelled (shutdown): a fetch is stored whole or not at all.
	res, err := a.store.SaveStories(context.WithoutCancel(ctx), src.ID, stories, now)
	if err != nil {
		return fail("store", fmt.Errorf("%w: %w", ErrStore, err))
	}
	rep.New, rep.Updated, rep.Unchanged, rep.Duplicates = res.New, res.Updated, res.Unchanged, res.Duplicates
	rec.ItemsSeen = rep.Items
	rec.URL, rec.ETag, rec.LastModified, rec.BodyHash = target, doc.etag, doc.lastModified, doc.hash
	if len(res.Sections) > 0 && a.onChange != nil {
		a.onChange(res.Sections)
	}
	return rep, rec
}

// document is a fetched body that changed since the last pull, as UTF-8.
// Its text may share the response's pooled buffer: release it once the
// text has been parsed.
type document struct {
	text                     []byte
	contentType, finalURL    string
	etag, lastModified, hash string
	release                  func()
}

// get fetches url for src, conditionally when state holds validators for
// it, and records the status and final URL in rec. It returns nil, and
// marks rec not modified, when the server answers 304 or sends the very
// body stored last time.
func (a *Aggregator) get(ctx context.Context, src config.Source, state store.Source, url string, creds *credentials, rec *store.FetchRecord, rep *Report) (*document, error) {
	req := request{url: url, maxBody: a.cfg.Fetch.MaxBody, auth: creds}
	if req.maxBody <= 0 {
		req.maxBody = DefaultMaxBody
	}
	known := state.FetchedURL == url
	if known {
		req.etag, req.lastModified = state.ETag, state.LastModified
	}
	if !store.FenceHolds(ctx) {
		return nil, fmt.Errorf("not sent: %w", ErrLapsed)
	}
	resp, err := a.fetcher.get(ctx, req)
	rec.Status, rep.header = resp.status, resp.header
	if resp.moved && resp.status < 400 {
		rep.moved, rep.Moved = resp.url, redact.URL(resp.url)
	}
	if resp.url != state.FinalURL {
		rec.FinalURL = resp.url
	}
	if err != nil {
		return nil, err
	}
	etag, lastModified := resp.header.Get("ETag"), resp.header.Get("Last-Modified")
	if resp.notModified() {
		// Only what changed is written: an unchanged feed's poll is one
		// small UPDATE.
		rec.NotModified = true
		if etag != state.ETag {
			rec.ETag = etag
		}
		if lastModified != state.LastModified {
			rec.LastModified = lastModified
		}
		return nil, nil
	}
	hash := bodyHash(src, resp.body)
	if known && hash == state.BodyHash {
		resp.release()
		rec.NotModified = true
		rec.URL, rec.ETag, rec.LastModified, rec.BodyHash = url, etag, lastModified, hash
		return nil, nil
	}
	contentType := resp.header.Get("Content-Type")
	text, _, err := toUTF8(resp.body, contentType, src.Charset)
	if err != nil {
		resp.release()
		return nil, fmt.Errorf("decode: %w", err)
	}
	return &document{
		text: repair(text), contentType: contentType, finalURL: resp.url,
		etag: etag, lastModified: lastModified, hash: hash, release: resp.release,
	}, nil
}

// parse parses a fetched document, counting it; it gives up when ctx ends.
func (a *Aggregator) parse(ctx context.Context, doc *document) (*gofeed.Feed, error) {
	a.parses.Add(1)
	return parseFeed(ctx, doc.text)
}

// rssTranslator is gofeed's, without its search of every item's HTML for
// an image, which costs a third of a parse: normalize looks for one only in
// items that hold an <img>.
var rssTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}

// parseFeed parses a UTF-8 document (see toUTF8 and repair) as RSS, Atom or
// JSON Feed. gofeed reads RSS and Atom as it parses them, so when ctx ends
// (fetch.timeout) the parse stops at its next read, within a few KiB;
// JSON Feed is read whole first, then decoded.
func parseFeed(ctx context.Context, doc []byte) (*gofeed.Feed, error) {
	p := gofeed.NewParser()
	p.RSSTranslator = rssTranslator
	p.KeepOriginalFeed = true // for RSS <ttl>, which gofeed.Feed lacks
	feed, err := p.Parse(&ctxReader{ctx: ctx, r: bytes.NewReader(doc)})
	if cerr := ctx.Err(); err != nil && cerr != nil {
		return nil, cerr // whatever gofeed made of the cut document
	}
	return feed, err
}

// ctxReader reads from r until ctx ends.
type ctxReader struct {
	ctx context.Context
	r   *bytes.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p[:min(len(p), readChunk)])
}

// readChunk bounds one read of a document being parsed, so a deadline is
// noticed often.
const readChunk = 64 << 10

// bodyHash identifies a body together with the settings that change how it
// is read, so that changing a source's charset or timezone re-reads it.
func bodyHash(src config.Source, body []byte) string {
	h := sha256.New()
	h.Write([]byte(src.Charset + "\x00" + src.Timezone + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// deadline says which limit a timed-out fetch ran into.
func deadline(err error, timeout time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %s (fetch.timeout): %w", timeout, err)
	}
	return err
}

// normalize turns a parsed document fetched from feedURL into routed
// stories, at most fetch.max_items of them; it gives up when ctx ends.
func (a *Aggregator) normalize(ctx context.Context, src config.Source, feedURL string, feed *gofeed.Feed, now time.Time) ([]store.Story, string, error) {
	base, err := url.Parse(feedURL)
	if err != nil {
		base = nil
	}
	n := newNormalizer(src.ID, a.authority, base, feed, now)
	n.loc = src.Location()
	items := feed.Items
	if limit := cmp.Or(a.cfg.Fetch.MaxItems, MaxItemsPerFetch); len(items) > limit {
		items = items[:limit]
	}
	stories := make([]store.Story, 0, len(items))
	for _, item := range items {
		if err := ctx.Err(); err != nil {
			return nil, "", err
		}
		if item == nil {
			continue
		}
		st := n.story(item)
		st.Sections = a.router.Sections(route.Story{Source: src.ID, Title: st.Title,
			Summary: st.Summary, Content: st.Content, Categories: st.Categories})
		stories = append(stories, st)
	}
	return stories, settleIdentities(n, stories), nil
}

// feedTTL is an RSS feed's <ttl> in minutes, 0 when absent.
func feedTTL(feed *gofeed.Feed) int {
	if rf, ok := feed.OriginalFeed().(*rss.Feed); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && n > 0 {
			return n
		}
	}
	return 0
}
