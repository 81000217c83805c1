package publisher

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"wirefeed/config"
	"wirefeed/store"
)

// Query parameters a feed request may carry.
const (
	// maxQueryLimit caps ?limit=.
	maxQueryLimit = 200
	// maxQueryLen caps ?q=.
	maxQueryLen = 200
)

// feedQuery is a feed request's ?limit=, ?q= and ?source=.
type feedQuery struct {
	limit  int
	text   string // lower-cased
	source string
	raw    string // the request's query, which its rel="self" link repeats
}

// key names the query's rendering of section id in format ext, for the
// cache of filtered renderings.
func (q feedQuery) key(id, ext string) string {
	// The raw query too: the rendering's rel="self" repeats it.
	return id + "\x00" + ext + "\x00" + strconv.Itoa(q.limit) + "\x00" + q.source + "\x00" + q.text + "\x00" + q.raw
}

// parseFeedQuery reads the query parameters; ok is false when there are
// none (the cached rendering serves the request).
func parseFeedQuery(v url.Values, sec config.Section, sources map[string]config.Source) (q feedQuery, ok bool, err error) {
	if v.Get("limit") == "" && v.Get("q") == "" && v.Get("source") == "" {
		return q, false, nil
	}
	q.limit = sec.Limit
	if q.limit <= 0 {
		q.limit = defaultLimit
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, true, fmt.Errorf("limit %q: want a whole number from 1 to %d", s, maxQueryLimit)
		}
		q.limit = min(n, maxQueryLimit)
	}
	q.text = strings.ToLower(strings.TrimSpace(v.Get("q")))
	if len(q.text) > maxQueryLen {
		return q, true, fmt.Errorf("q: at most %d bytes", maxQueryLen)
	}
	q.source = v.Get("source")
	if _, known := sources[q.source]; q.source != "" && !known {
		return q, true, fmt.Errorf("no source %q", q.source)
	}
	return q, true, nil
}

// renderQuery renders a section filtered and limited by q: the store
// answers ?q= and ?source= from its indexes over every stored story (see
// store.FilterStories).
func (p *Publisher) renderQuery(ctx context.Context, sec config.Section, f *format, q feedQuery) (*rendering, error) {
	query := sec.ID
	if sec.All {
		query = ""
	}
	var stories []store.Story
	var err error
	if q.text == "" && q.source == "" {
		stories, err = p.reader.SectionStories(ctx, query, q.limit)
	} else {
		stories, err = p.reader.FilterStories(ctx, query, store.Filter{Source: q.source, Text: q.text, Limit: q.limit})
	}
	if err != nil {
		return nil, fmt.Errorf("publisher: section %s: %w", sec.ID, err)
	}
	if len(stories) > q.limit {
		stories = stories[:q.limit]
	}
	fd := p.buildFeed(sec, stories)
	fd.Query = q.raw
	body, err := f.render(fd)
	if err != nil {
		return nil, fmt.Errorf("publisher: section %s: render %s: %w", sec.ID, f.ext, err)
	}
	modified, err := p.lastModified(ctx, query, fd.Updated)
	if err != nil {
		return nil, err
	}
	return newPlainRendering(body, modified, f.contentType(), cacheControlValue(fd.MaxAge)), nil
}

// selfQuery is a request's query string as a filtered document's self link
// repeats it: as sent when it holds only characters a URL may, else
// re-encoded.
func selfQuery(raw string) string {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return ""
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`"+`{|}`, c) >= 0 {
			return v.Encode()
		}
	}
	return raw
}
