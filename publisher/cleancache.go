package publisher

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// cleaned is a story's text as published: the title as plain text, the
// summary and content as sanitized HTML with absolute URLs.
type cleaned struct {
	title, summary, content string
}

// cleanCache remembers cleaned stories by a hash of what cleaning reads, so
// that rendering a section again, in another format or in another section
// does not sanitize the same story again: sanitizing is most of the cost of
// a rendering. It keeps two generations: when the current one is full it
// becomes the old one, and entries found in the old one move back; so it
// holds at most 2*max entries and keeps those still in use. It is safe for
// concurrent use.
type cleanCache struct {
	mu       sync.Mutex
	cur, old map[[sha256.Size]byte]cleaned
	max      int
}

// newCleanCache returns a cache keeping at least n stories (within
// bounds); n should be the number of stories the feeds show at once.
func newCleanCache(n int) *cleanCache {
	n = min(max(n, 256), 1<<16)
	return &cleanCache{cur: make(map[[sha256.Size]byte]cleaned), max: n}
}

// clean returns the story's title, summary and content cleaned (see
// plainText and cleanHTML); link is the story's link as stored, which
// relative URLs are resolved against.
func (c *cleanCache) clean(link, title, summary, content string) cleaned {
	key := cleanKey(link, title, summary, content)
	c.mu.Lock()
	v, ok := c.cur[key]
	if !ok {
		if v, ok = c.old[key]; ok {
			c.put(key, v)
		}
	}
	c.mu.Unlock()
	if ok {
		return v
	}

	base := storyBase(link)
	v = cleaned{
		title:   plainText(title),
		summary: cleanHTML(summary, base),
		content: cleanHTML(content, base),
	}
	c.mu.Lock()
	c.put(key, v)
	c.mu.Unlock()
	return v
}

// put stores v under key; c.mu must be held.
func (c *cleanCache) put(key [sha256.Size]byte, v cleaned) {
	if len(c.cur) >= c.max {
		c.old, c.cur = c.cur, make(map[[sha256.Size]byte]cleaned, c.max)
	}
	c.cur[key] = v
}

// cleanKey hashes the strings, each preceded by its length so that no two
// different lists hash alike.
func cleanKey(ss ...string) [sha256.Size]byte {
	n := 0
	for _, s := range ss {
		n += 8 + len(s)
	}
	buf := make([]byte, 0, n)
	for _, s := range ss {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	return sha256.Sum256(buf)
}
