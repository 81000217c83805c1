package publisher

import "wirefeed/store"

// Cleaned is a story's text as wirefeed publishes it: Title as plain text,
// Summary and Content as HTML reduced to the feeds' allow-list, with every
// URL absolute (see cleanHTML). The reading site shows exactly what the
// feeds carry.
type Cleaned struct {
	Title, Summary, Content string
}

// Clean returns st's text as the feeds publish it, from the publisher's
// cache of sanitised stories.
func (p *Publisher) Clean(st *store.Story) Cleaned {
	c := p.clean.clean(st.Link, st.Title, st.Summary, st.Content)
	return Cleaned{Title: c.title, Summary: c.summary, Content: c.content}
}

// PlainText is partner text (a caption, a name, an HTML summary) as plain
// text, the way titles are published: tags dropped, references decoded,
// white space collapsed.
func PlainText(s string) string { return plainText(s) }

// SafeURL returns raw as an absolute http(s) URL, resolved against the
// story link base when relative, or "" when it is anything else (a
// javascript: or data: URL): the rule every link in a feed passes.
func SafeURL(raw, base string) string { return webURL(raw, storyBase(base)) }

// PageGeneration counts the changes that dropped the cached pages: what a
// page shows may have changed when it moves on.
func (p *Publisher) PageGeneration() uint64 {
	p.cache.mu.Lock()
	defer p.cache.mu.Unlock()
	return p.cache.gen[pageSpace]
}

// BaseURL is the public URL the site and its feeds are reached at, without
// a trailing slash.
func (p *Publisher) BaseURL() string { return p.baseURL }
