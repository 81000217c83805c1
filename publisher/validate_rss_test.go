package publisher

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The RSS 2.0 elements a channel and an item may hold; any other must be
// in a namespace.
var (
	rssChannelChildren = map[string]bool{
		"title": true, "link": true, "description": true, "language": true,
		"copyright": true, "managingEditor": true, "webMaster": true, "pubDate": true,
		"lastBuildDate": true, "category": true, "generator": true, "docs": true,
		"cloud": true, "ttl": true, "image": true, "rating": true, "textInput": true,
		"skipHours": true, "skipDays": true, "item": true,
	}
	rssItemChildren = map[string]bool{
		"title": true, "link": true, "description": true, "author": true,
		"category": true, "comments": true, "enclosure": true, "guid": true,
		"pubDate": true, "source": true,
	}
	// mediaMediums are the values of media:content's medium attribute.
	mediaMediums = map[string]bool{"image": true, "audio": true, "video": true, "document": true, "executable": true}
)

// rfc822 matches an RFC 822 date-time as RSS 2.0 uses it (a four-digit
// year allowed, as RFC 2822 requires).
var rfc822 = regexp.MustCompile(`^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}|\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z])$`)

// checkRFC822 reports a date that is not RFC 822, or names the wrong day.
func (p *problems) checkRFC822(where, s string) {
	m := rfc822.FindStringSubmatch(s)
	if m == nil {
		p.addf("%s: date %q is not RFC 822", where, s)
		return
	}
	layout := "2 Jan 2006 15:04"
	if len(m[4]) == 2 {
		layout = "2 Jan 06 15:04"
	}
	value := m[2] + " " + m[3] + " " + m[4] + " " + m[5] + ":" + m[6]
	t, err := time.Parse(layout, value)
	if err != nil {
		p.addf("%s: date %q: %v", where, s, err)
		return
	}
	if m[1] != "" && t.Weekday().String()[:3] != m[1] {
		p.addf("%s: date %q: %s is a %s", where, s, value, t.Weekday())
	}
}

// rssProblems checks doc against RSS 2.0: the rss element and version, one
// channel with its required title, link and description, RFC 822 dates,
// absolute URLs, items with a title or description, guid isPermaLink used
// correctly (a guid that is not an http URL must say "false"), enclosures
// and sources with their required attributes; and wirefeed's additions:
// exactly one atom:link rel="self", dc:creator, content:encoded and
// media:content well formed, and distinct guids.
func rssProblems(doc string) problems {
	var p problems
	root, err := parseXMLTree(doc)
	if err != nil {
		p.addf("not well-formed: %v", err)
		return p
	}
	if root.name.Space != "" || root.name.Local != "rss" {
		p.addf("root element is %s, want rss", root.name.Local)
		return p
	}
	if v, _ := root.attr("", "version"); v != "2.0" {
		p.addf("rss version %q, want 2.0", v)
	}
	channels := root.all("", "channel")
	if len(channels) != 1 || len(root.children) != 1 {
		p.addf("%d channels and %d elements in rss, want one channel", len(channels), len(root.children))
		return p
	}
	ch := channels[0]
	rssElements(&p, "channel", ch, rssChannelChildren, []string{"title", "link", "description"})
	if strings.TrimSpace(ch.childText("", "title")) == "" {
		p.addf("channel: empty title")
	}

	self := 0
	for _, l := range ch.all(atomNS, "link") {
		if rel, _ := l.attr("", "rel"); rel != "self" {
			continue
		}
		self++
		href, _ := l.attr("", "href")
		p.checkWebURL("channel atom:link href", href)
		if typ, _ := l.attr("", "type"); typ != "application/rss+xml" {
			p.addf("channel atom:link rel=self type %q, want application/rss+xml", typ)
		}
	}
	if self != 1 {
		p.addf("channel: %d atom:link rel=\"self\", want 1", self)
	}

	guids := map[string]int{}
	for i, it := range ch.all("", "item") {
		where := fmt.Sprintf("item %d", i)
		rssElements(&p, where, it, rssItemChildren, nil)
		if it.first("", "title") == nil && it.first("", "description") == nil {
			p.addf("%s: neither title nor description", where)
		}
		if g := it.first("", "guid"); g != nil {
			id := strings.TrimSpace(g.text)
			perma, ok := g.attr("", "isPermaLink")
			switch {
			case ok && perma != "true" && perma != "false":
				p.addf("%s: guid isPermaLink=%q", where, perma)
			case perma != "false": // a permalink: must be a URL one can open
				p.checkWebURL(where+" guid (isPermaLink true)", id)
			}
			if id == "" {
				p.addf("%s: empty guid", where)
			}
			if j, dup := guids[id]; dup {
				p.addf("%s: guid %q already used by item %d", where, id, j)
			}
			guids[id] = i
		}
	}
	return p
}

// rssElements checks the children of a channel or item: no unknown RSS
// element, the required ones once, the single ones at most once, and each
// element's content.
func rssElements(p *problems, where string, n *xnode, allowed map[string]bool, required []string) {
	count := map[string]int{}
	for _, c := range n.children {
		cw := where + " " + c.name.Local
		switch c.name.Space {
		case "":
			if !allowed[c.name.Local] {
				p.addf("%s: <%s> is not RSS 2.0 and has no namespace", where, c.name.Local)
				continue
			}
			count[c.name.Local]++
			rssElement(p, cw, c)
		case contentNS:
			if c.name.Local != "encoded" {
				p.addf("%s: content:%s", where, c.name.Local)
			}
		case dcNS:
			if strings.TrimSpace(c.text) == "" {
				p.addf("%s: empty dc:%s", where, c.name.Local)
			}
			if c.name.Local == "language" {
				p.checkLang(cw, c.text)
			}
		case mediaNS:
			if c.name.Local == "content" {
				u, _ := c.attr("", "url")
				p.checkWebURL(cw+" url", u)
				if m, ok := c.attr("", "medium"); ok && !mediaMediums[m] {
					p.addf("%s: medium %q", cw, m)
				}
			}
		case atomNS:
			switch c.name.Local {
			case "link":
				atomLink(p, cw, c)
			case "updated", "published":
				p.checkRFC3339(cw, c.text)
			}
		}
	}
	for _, name := range required {
		if count[name] != 1 {
			p.addf("%s: %d <%s>, want exactly 1", where, count[name], name)
		}
	}
	for name, k := range count {
		if k > 1 && name != "category" && name != "item" {
			p.addf("%s: %d <%s>, want at most 1", where, k, name)
		}
	}
}

// rssElement checks the content of one RSS 2.0 element.
func rssElement(p *problems, where string, c *xnode) {
	text := strings.TrimSpace(c.text)
	switch c.name.Local {
	case "link", "comments", "docs":
		p.checkWebURL(where, text)
	case "pubDate", "lastBuildDate":
		p.checkRFC822(where, text)
	case "language":
		p.checkLang(where, text)
	case "ttl":
		if n, err := strconv.Atoi(text); err != nil || n < 0 {
			p.addf("%s: ttl %q is not a number of minutes", where, text)
		}
	case "author", "managingEditor", "webMaster":
		// An e-mail address, optionally followed by the name in parentheses.
		addr, _, _ := strings.Cut(text, " ")
		if !addrSpec.MatchString(addr) {
			p.addf("%s: %q does not start with an e-mail address", where, text)
		}
	case "enclosure":
		u, _ := c.attr("", "url")
		p.checkWebURL(where+" url", u)
		if l, ok := c.attr("", "length"); !ok || l == "" || strings.Trim(l, "0123456789") != "" {
			p.addf("%s: length %q is not a number of bytes", where, l)
		}
		if typ, _ := c.attr("", "type"); !mediaTypeRE.MatchString(typ) {
			p.addf("%s: type %q is not a media type", where, typ)
		}
	case "source":
		u, ok := c.attr("", "url")
		if !ok {
			p.addf("%s: no url attribute", where)
		} else {
			p.checkWebURL(where+" url", u)
		}
		if text == "" {
			p.addf("%s: no title", where)
		}
	case "category":
		if text == "" {
			p.addf("%s: empty category", where)
		}
	case "title", "description":
		if len(c.children) > 0 {
			p.addf("%s: holds elements (HTML must be escaped)", where)
		}
	}
}
