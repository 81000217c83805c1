package publisher

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rendering is one document written out, ready to serve: its bytes as they
// are and gzipped, each with its own validator, and every header value it
// is served with, built once so that serving it allocates nothing.
type rendering struct {
	plain    representation
	gzip     *representation // nil when gzip does not make the body smaller
	brotli   *representation // likewise for br
	modified time.Time       // newest story update, the Last-Modified time; zero: none

	contentType  []string
	cacheControl []string
	lastModified []string // nil when modified is zero
}

// representation is a rendering's body in one content coding.
type representation struct {
	body     []byte
	etag     string   // strong validator: a hash of body, quoted
	encoding []string // Content-Encoding; nil for identity
	// Header values.
	etagHeader   []string
	lengthHeader []string
}

// newRendering wraps body with its validators and headers, and compresses
// it: the only time it is ever compressed.
func newRendering(body []byte, modified time.Time, contentType, cacheControl string) *rendering {
	r := newPlainRendering(body, modified, contentType, cacheControl)
	if gz := gzipped(body); gz != nil {
		rep := newRepresentation(gz, []string{"gzip"})
		r.gzip = &rep
	}
	if br := brotlied(body); br != nil {
		rep := newRepresentation(br, []string{"br"})
		r.brotli = &rep
	}
	return r
}

// newPlainRendering is newRendering without a gzip representation, for
// renderings served once (filtered requests), which are not worth
// compressing at the best level.
func newPlainRendering(body []byte, modified time.Time, contentType, cacheControl string) *rendering {
	r := &rendering{
		plain:        newRepresentation(body, nil),
		modified:     modified,
		contentType:  []string{contentType},
		cacheControl: []string{cacheControl},
	}
	if !modified.IsZero() && !modified.Equal(time.Unix(0, 0)) {
		r.lastModified = []string{modified.UTC().Format(http.TimeFormat)}
	}
	return r
}

// newRepresentation returns body with its ETag: a hash of the bytes sent,
// so the gzip representation has an ETag of its own, as a strong validator
// must (RFC 9110 §8.8.3).
func newRepresentation(body []byte, encoding []string) representation {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return representation{
		body:         body,
		etag:         etag,
		encoding:     encoding,
		etagHeader:   []string{etag},
		lengthHeader: []string{strconv.Itoa(len(body))},
	}
}

// cacheKey names one feed: a section in one format.
type cacheKey struct {
	section string
	ext     string
}

// flight is a rendering in progress; everyone asking for the same feed
// meanwhile waits for it instead of starting another.
type flight struct {
	done chan struct{} // closed once res and err are set
	res  *rendering
	err  error
}

// errPanicked is what waiters get when the rendering they wait for panics.
var errPanicked = errors.New("publisher: rendering panicked")

// cache holds the rendered feeds and merges concurrent renderings of one
// feed into one. It caches successes only.
type cache struct {
	mu       sync.Mutex
	done     map[cacheKey]*rendering
	inflight map[cacheKey]*flight
	// gen counts a section's invalidations. A rendering started before an
	// invalidation may have read the old stories, so it is served to those
	// already waiting for it but not cached.
	gen map[string]uint64
	// count is how many renderings of each section are cached, and limit
	// bounds it for the sections that have one (pageSpace).
	count map[string]int
	limit map[string]int

	// joined, when set, is called each time a request starts waiting for a
	// rendering already in progress (tests use it to know all are waiting).
	joined func()
	// observe, when set, is told how each request was served: "hit" (a
	// cached rendering), "shared" (one in progress) or "render".
	observe func(outcome string)
}

func (c *cache) note(outcome string) {
	if c.observe != nil {
		c.observe(outcome)
	}
}

func newCache() *cache {
	return &cache{
		done:     make(map[cacheKey]*rendering),
		inflight: make(map[cacheKey]*flight),
		gen:      make(map[string]uint64),
		count:    make(map[string]int),
		limit:    map[string]int{pageSpace: maxCachedPages},
	}
}

// get returns the cached rendering of key, or waits for the one in
// progress, or renders it itself. It gives up waiting when ctx ends; a
// rendering it started itself runs to completion for the others' sake.
func (c *cache) get(ctx context.Context, key cacheKey, render func() (*rendering, error)) (*rendering, error) {
	c.mu.Lock()
	if r, ok := c.done[key]; ok {
		c.mu.Unlock()
		c.note("hit")
		return r, nil
	}
	if f, ok := c.inflight[key]; ok {
		joined := c.joined
		c.mu.Unlock()
		c.note("shared")
		if joined != nil {
			joined()
		}
		select {
		case <-f.done:
			return f.res, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	gen := c.gen[key.section]
	c.mu.Unlock()
	c.note("render")

	finished := false
	defer func() {
		if !finished {
			f.res, f.err = nil, errPanicked
		}
		c.mu.Lock()
		if c.inflight[key] == f {
			delete(c.inflight, key)
		}
		if f.err == nil && c.gen[key.section] == gen {
			c.put(key, f.res)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.res, f.err = render()
	finished = true
	return f.res, f.err
}

// put caches res under key, first dropping another rendering of the same
// section, chosen at random, when the section is at its limit; c.mu must
// be held.
func (c *cache) put(key cacheKey, res *rendering) {
	if _, ok := c.done[key]; !ok {
		if limit, ok := c.limit[key.section]; ok && c.count[key.section] >= limit {
			for k := range c.done { // map order is random
				if k.section == key.section {
					delete(c.done, k)
					c.count[k.section]--
					break
				}
			}
		}
		c.count[key.section]++
	}
	c.done[key] = res
}

// invalidate drops the renderings of the given sections, cached or in
// progress; the next request for them renders afresh.
func (c *cache) invalidate(sections map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range sections {
		c.gen[s]++
	}
	for k := range c.done {
		if sections[k.section] {
			delete(c.done, k)
			c.count[k.section]--
		}
	}
	for k := range c.inflight {
		if sections[k.section] {
			delete(c.inflight, k)
		}
	}
}
