package aggregator

import (
	stdhtml "html"
	"net/mail"
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"github.com/mmcdole/gofeed/rss"

	"wirefeed/internal/bounds"
	"wirefeed/store"
)

// What partners write that gofeed's item leaves out or misreads, read from
// the parsed document itself: every author (gofeed keeps the first, and
// splits "Nick Ames (now), …" into nonsense), dates given only as
// dcterms:issued, dcterms:modified or a bare <updated>, and the text of
// entries whose only description is media:description (YouTube).

// rssOriginals maps each item gofeed made of an RSS document to the RSS
// item it came from; nil for other formats.
func rssOriginals(feed *gofeed.Feed) map[*gofeed.Item]*rss.Item {
	rf, ok := feed.OriginalFeed().(*rss.Feed)
	if !ok || len(rf.Items) != len(feed.Items) {
		return nil
	}
	out := make(map[*gofeed.Item]*rss.Item, len(feed.Items))
	for i, it := range feed.Items {
		out[it] = rf.Items[i]
	}
	return out
}

// rssAuthors returns every author an RSS item names, in document order:
// <author>, each dc:creator and dc:author, itunes:author; nil when it names
// none.
func rssAuthors(ri *rss.Item) []store.Person {
	var texts []string
	texts = append(texts, ri.Author)
	if dc := ri.DublinCoreExt; dc != nil {
		texts = append(texts, dc.Creator...)
		texts = append(texts, dc.Author...)
	}
	if ri.ITunesExt != nil {
		texts = append(texts, ri.ITunesExt.Author)
	}
	var out []store.Person
	// Bounded before the quadratic de-duplication: a hostile item may name
	// thousands of authors.
	for _, t := range bounds.List(texts, 4*bounds.Authors) {
		p := personText(bounds.Cut(t, 4*bounds.Name))
		if p.Name == "" && p.Email == "" {
			continue
		}
		if !containsPerson(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func containsPerson(list []store.Person, p store.Person) bool {
	for _, q := range list {
		if strings.EqualFold(q.Name, p.Name) && strings.EqualFold(q.Email, p.Email) {
			return true
		}
	}
	return false
}

// personText reads an author as RSS writes one. Only the two forms that
// hold an address are taken apart: "jo@example.com (Jo Bloggs)" and
// "Jo Bloggs <jo@example.com>"; anything else ("Nick Ames (now), Jacob
// Steinberg (earlier)") is the name, as written.
func personText(s string) store.Person {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return store.Person{}
	}
	if i := strings.IndexByte(s, ' '); i > 0 && strings.HasSuffix(s, ")") && s[i+1] == '(' && isAddress(s[:i]) {
		return store.Person{Email: s[:i], Name: strings.TrimSpace(s[i+2 : len(s)-1])}
	}
	if isAddress(s) {
		return store.Person{Email: s}
	}
	if strings.HasSuffix(s, ">") && strings.Contains(s, "<") {
		if a, err := mail.ParseAddress(s); err == nil {
			return store.Person{Name: a.Name, Email: a.Address}
		}
	}
	return store.Person{Name: s}
}

// isAddress reports whether s is a bare e-mail address.
func isAddress(s string) bool {
	if strings.ContainsAny(s, " <>(),") || !strings.Contains(s, "@") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// extraDates returns the publication and update dates an item gives only
// in elements gofeed does not read: dcterms:issued, dcterms:created,
// dcterms:date and dcterms:modified, and <published> or <updated> written
// in RSS without a namespace.
func extraDates(item *gofeed.Item) (published, updated string) {
	dc := item.Extensions["dcterms"]
	first := func(names ...string) string {
		for _, n := range names {
			for _, e := range dc[n] {
				if v := strings.TrimSpace(e.Value); v != "" {
					return v
				}
			}
			if v := strings.TrimSpace(item.Custom[n]); v != "" {
				return v
			}
		}
		return ""
	}
	return first("issued", "created", "date", "published"), first("modified", "updated")
}

// mediaDescription returns an item's media:description (directly in the
// item, in a media:group, or in a media:content), as HTML; "" when it has
// none. The element is plain text unless its type says html.
func mediaDescription(item *gofeed.Item) string {
	media := item.Extensions["media"]
	if media == nil {
		return ""
	}
	var find func(es []ext.Extension) string
	find = func(es []ext.Extension) string {
		for _, e := range es {
			if v := strings.TrimSpace(e.Value); e.Name == "description" && v != "" {
				if e.Attrs["type"] == "html" {
					return v
				}
				return strings.ReplaceAll(stdhtml.EscapeString(v), "\n", "<br>\n")
			}
			for _, children := range e.Children {
				if v := find(children); v != "" {
					return v
				}
			}
		}
		return ""
	}
	for _, name := range []string{"description", "group", "content"} {
		if v := find(media[name]); v != "" {
			return v
		}
	}
	return ""
}

// windows1252 maps the C1 control characters U+0080 to U+009F to the
// characters windows-1252 has at those bytes, which is what a partner
// writing &#146; or a raw U+0092 means (and what feed readers and browsers
// show); the five bytes windows-1252 leaves undefined are dropped.
var windows1252 = strings.NewReplacer(
	"\u0080", "€", "\u0081", "", "\u0082", "‚", "\u0083", "ƒ", "\u0084", "„", "\u0085", "…",
	"\u0086", "†", "\u0087", "‡", "\u0088", "ˆ", "\u0089", "‰", "\u008a", "Š", "\u008b", "‹",
	"\u008c", "Œ", "\u008d", "", "\u008e", "Ž", "\u008f", "", "\u0090", "", "\u0091", "‘",
	"\u0092", "’", "\u0093", "“", "\u0094", "”", "\u0095", "•", "\u0096", "–", "\u0097", "—",
	"\u0098", "˜", "\u0099", "™", "\u009a", "š", "\u009b", "›", "\u009c", "œ", "\u009d", "",
	"\u009e", "ž", "\u009f", "Ÿ",
)

// fixC1 is windows1252 applied to s, cheap when s holds no C1 character.
func fixC1(s string) string {
	if strings.IndexByte(s, 0xC2) < 0 || !hasC1(s) {
		return s
	}
	return windows1252.Replace(s)
}

func hasC1(s string) bool {
	for _, r := range s {
		if r >= 0x80 && r <= 0x9F {
			return true
		}
	}
	return false
}

// feedSite is the host of the partner's web site as a feed names it: the
// RSS channel's <link>, Atom's <link rel="alternate">, JSON Feed's
// home_page_url (gofeed's Feed.Link), resolved against the feed's own
// address, without "www."; "" when it names none.
func feedSite(feed *gofeed.Feed, feedURL string) string {
	link := strings.TrimSpace(feed.Link)
	if link == "" {
		return ""
	}
	base, err := url.Parse(feedURL)
	if err != nil {
		return ""
	}
	u, err := base.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// permalinkGUID is an RSS item's guid when it is its permalink: RSS makes a
// guid one unless isPermaLink="false", and it is taken for the item's link
// when it is an absolute http(s) URL (a guid such as "jiji-123" is no
// link, whatever the attribute says); "" otherwise.
func permalinkGUID(ri *rss.Item) string {
	if ri.GUID == nil || strings.EqualFold(strings.TrimSpace(ri.GUID.IsPermalink), "false") {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(ri.GUID.Value))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
