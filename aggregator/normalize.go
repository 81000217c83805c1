package aggregator

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	stdhtml "html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html"

	"wirefeed/dedupe"
	"wirefeed/internal/bounds"
	"wirefeed/internal/htmltext"
	"wirefeed/internal/textmatch"
	"wirefeed/store"
)

// maxKeyLen bounds an identity key; longer GUIDs or links are hashed.
const maxKeyLen = 512

// futureSkew is how far in the future a partner's date may lie before it is
// taken for a clock error and replaced by the time the story was first seen.
const futureSkew = 10 * time.Minute

// normalizer turns parsed feed items of one source into stories: it decides
// each story's identity, its public id and its content hash, once, so that
// everything downstream can trust those fields.
type normalizer struct {
	sourceID  string
	authority string   // tag URI authority for public ids
	base      *url.URL // for resolving relative links
	language  string
	loc       *time.Location // for dates written without a zone
	// scanImages looks for an item's image in its HTML, as gofeed does for
	// RSS unless told not to (see rssTranslator).
	scanImages bool
	now        time.Time
	hash       hash.Hash
	// originals are the RSS items gofeed read the items from (extras.go).
	originals map[*gofeed.Item]*rss.Item
}

func newNormalizer(sourceID, authority string, base *url.URL, feed *gofeed.Feed, now time.Time) *normalizer {
	n := &normalizer{sourceID: sourceID, authority: authority, base: base, loc: time.UTC, now: now.UTC(), hash: sha256.New()}
	if feed.Link != "" {
		if u, err := base.Parse(strings.TrimSpace(feed.Link)); err == nil && u.IsAbs() {
			n.base = u
		}
	}
	n.language = bounds.Cut(strings.TrimSpace(feed.Language), bounds.Lang)
	n.scanImages = feed.FeedType == "rss"
	n.originals = rssOriginals(feed)
	return n
}

// story converts one item; it never fails: a story missing everything but a
// title is still a story.
func (n *normalizer) story(item *gofeed.Item) store.Story {
	// Every list and text is bounded (see package bounds): one hostile
	// item must cost no more than a real one.
	st := store.Story{
		SourceID: n.sourceID,
		GUID:     strings.TrimSpace(item.GUID),
		Link:     n.resolve(item.Link),
		Title:    bounds.TitleText(fixC1(strings.TrimSpace(item.Title))),
		Summary:  bounds.HTML(fixC1(strings.TrimSpace(item.Description)), bounds.Summary),
		Content:  bounds.HTML(fixC1(strings.TrimSpace(item.Content)), bounds.Content),
		Language: n.language,
	}
	if st.Link == "" && len(item.Links) > 0 {
		st.Link = n.resolve(item.Links[0])
	}
	if ri := n.originals[item]; st.Link == "" && ri != nil {
		st.Link = bounds.Link(permalinkGUID(ri))
	}
	if st.Summary == "" && st.Content == "" {
		st.Summary = bounds.HTML(fixC1(mediaDescription(item)), bounds.Summary)
	}
	if ri := n.originals[item]; ri != nil {
		st.Authors = rssAuthors(ri)
	}
	if st.Authors == nil || n.originals[item] == nil {
		st.Authors = append(st.Authors, n.authors(item.Authors)...)
	}
	st.Authors = bounds.List(st.Authors, bounds.Authors)
	for i := range st.Authors {
		st.Authors[i].Name = fixC1(st.Authors[i].Name)
	}
	st.Categories = cleanCategories(item.Categories)
	for i, c := range st.Categories {
		st.Categories[i] = fixC1(c)
	}
	st.Enclosures = n.enclosures(item.Enclosures)
	if item.Image != nil {
		st.Image = n.resolve(item.Image.URL)
	} else if n.scanImages {
		st.Image = n.resolve(firstImage(st.Content, st.Summary))
	}
	st.Photos = n.photos(item)

	st.Published, st.Updated, st.Undated = n.dates(item)
	if st.Updated.Before(st.Published) {
		st.Updated = st.Published
	}
	if st.Title == "" {
		st.Title = untitled(st)
	}

	st.Key = n.key(st, item)
	st.GUID = bounds.Cut(st.GUID, bounds.URL) // the key holds all of it, hashed
	st.PublicID = n.publicID(st.Key)
	st.ContentHash = n.contentHash(st)
	// The link in canonical form finds the same story from other partners
	// and links; a link that has none (not http/https) is left without.
	st.CanonicalURL, _ = dedupe.CanonicalURL(st.Link)
	if u, err := url.Parse(st.CanonicalURL); err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" {
		st.CanonicalURL = "" // a site's home page identifies no story
	}
	return st
}

// dates returns the item's publication and update times. An item dated
// only by its update time is published then; one with no readable date
// (or one further in the future than futureSkew) is published when first
// seen, and undated says so.
func (n *normalizer) dates(item *gofeed.Item) (published, updated time.Time, undated bool) {
	pubText, updText := extraDates(item)
	published = n.date(item.Published, item.PublishedParsed)
	if published.IsZero() {
		published = n.date(pubText, nil)
	}
	updated = n.date(item.Updated, item.UpdatedParsed)
	if updated.IsZero() {
		updated = n.date(updText, nil)
	}
	if published.IsZero() {
		published = updated
	}
	if published.IsZero() {
		published, undated = n.now, true
	}
	if updated.Before(published) {
		updated = published
	}
	return published, updated, undated
}

// authors returns the item's named authors, at most bounds.Authors.
func (n *normalizer) authors(in []*gofeed.Person) []store.Person {
	var out []store.Person
	for _, p := range in {
		if len(out) == bounds.Authors {
			break
		}
		if p == nil {
			continue
		}
		name, email := bounds.Cut(strings.TrimSpace(p.Name), bounds.Name), bounds.Cut(strings.TrimSpace(p.Email), bounds.Name)
		if name != "" || email != "" {
			out = append(out, store.Person{Name: name, Email: email})
		}
	}
	return out
}

// enclosures returns the item's enclosures with an address, at most
// bounds.Enclosures.
func (n *normalizer) enclosures(in []*gofeed.Enclosure) []store.Enclosure {
	var out []store.Enclosure
	for _, e := range in {
		if len(out) == bounds.Enclosures {
			break
		}
		if e == nil {
			continue
		}
		u := n.resolve(e.URL)
		if u == "" {
			continue
		}
		length, _ := strconv.ParseInt(strings.TrimSpace(e.Length), 10, 64)
		out = append(out, store.Enclosure{URL: u, Type: bounds.Cut(strings.TrimSpace(e.Type), bounds.Name), Length: max(length, 0)})
	}
	return out
}

// key is the story's identity within its source: the GUID, else the link,
// else a hash of title and the partner's date text.
func (n *normalizer) key(st store.Story, item *gofeed.Item) string {
	var k string
	switch {
	case st.GUID != "":
		k = "g:" + st.GUID
	case st.Link != "":
		k = "l:" + st.Link
	default:
		date := item.Published
		if date == "" {
			date = item.Updated
		}
		return "h:" + n.sum(st.Title, date)
	}
	if len(k) > maxKeyLen {
		return k[:2] + "sha256:" + n.sum(k[2:])
	}
	return k
}

// publicID is the id the story is published under: a tag URI (RFC 4151)
// derived from its identity only, so it is the same across restarts and even
// across rebuilt databases.
func (n *normalizer) publicID(key string) string {
	return "tag:" + n.authority + ",2026:" + n.sourceID + "/" + n.sum(key)[:24]
}

// contentHash covers everything a reader sees but the dates, so a re-stamped
// item is not taken for an edit.
func (n *normalizer) contentHash(st store.Story) string {
	parts := []string{st.Link, st.Title, st.Summary, st.Content, st.Image, st.Language}
	for _, p := range st.Authors {
		parts = append(parts, "a", p.Name, p.Email)
	}
	for _, c := range st.Categories {
		parts = append(parts, "c", c)
	}
	for _, e := range st.Enclosures {
		parts = append(parts, "e", e.URL, e.Type, strconv.FormatInt(e.Length, 10))
	}
	for _, p := range st.Photos {
		parts = append(parts, "p", p.URL, p.Caption, p.Alt, p.Credit)
	}
	return n.sum(parts...)
}

// sum hashes parts, separated so that ("ab","c") and ("a","bc") differ.
func (n *normalizer) sum(parts ...string) string {
	n.hash.Reset()
	var sep = []byte{0}
	for _, p := range parts {
		n.hash.Write([]byte(p))
		n.hash.Write(sep)
	}
	var buf [sha256.Size]byte
	return hex.EncodeToString(n.hash.Sum(buf[:0]))
}

// date returns the item's date in UTC truncated to the second, or zero (a
// date further in the future than futureSkew is no date).
// The partner's text is read with parseDate, which knows the zone
// abbreviations and layouts gofeed gets wrong or misses; gofeed's reading t
// is the fallback.
func (n *normalizer) date(text string, t *time.Time) time.Time {
	if d, ok := parseDate(text, n.loc); ok {
		t = &d
	}
	if t == nil || t.IsZero() || t.Year() < 1900 {
		return time.Time{}
	}
	d := t.UTC().Truncate(time.Second)
	if d.After(n.now.Add(futureSkew)) {
		if ce, ok := fromBuddhistEra(d, n.now); ok {
			return ce
		}
		return time.Time{} // a clock error: no date
	}
	return d
}

// buddhistEraOffset is how many years the Thai solar calendar's years
// (Buddhist Era) run ahead of the Gregorian: 2569 BE is 2026 CE.
const buddhistEraOffset = 543

// fromBuddhistEra reads a date centuries in the future as a Thai partner's
// Buddhist-Era year written in a Gregorian date ("28 Nov 2569"), when that
// makes it a date of the last few years.
func fromBuddhistEra(d, now time.Time) (time.Time, bool) {
	if d.Year() < 2400 {
		return time.Time{}, false
	}
	ce := d.AddDate(-buddhistEraOffset, 0, 0)
	if ce.After(now.Add(futureSkew)) || ce.Before(now.AddDate(-5, 0, 0)) {
		return time.Time{}, false
	}
	return ce, true
}

// resolve makes a link absolute against the feed's own address; a link
// longer than bounds.URL is dropped.
func (n *normalizer) resolve(link string) string {
	link = bounds.Link(strings.TrimSpace(link))
	if link == "" || n.base == nil {
		return link
	}
	u, err := n.base.Parse(link)
	if err != nil {
		return link
	}
	return u.String()
}

// cleanCategories returns the partner's categories in its order and
// spelling, white space from the XML's layout (tabs, line breaks, runs of
// spaces) made one space, without empty ones and without repeats: two
// categories are one when routing would match them alike (textmatch.Fold:
// case, width, white space), and the first spelling is kept. At most
// bounds.Categories are kept, each at most bounds.Name bytes; the work is
// linear in the list, however long.
func cleanCategories(in []string) []string {
	var out []string
	seen := make(map[string]bool, min(len(in), bounds.Categories))
	for _, c := range in {
		if len(out) == bounds.Categories {
			break
		}
		c = collapseLayout(bounds.Cut(c, bounds.Name))
		key := textmatch.Fold(c)
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

// collapseLayout trims the ASCII white space XML layout puts around and in
// a value and makes each run of it one space. Other white space (U+3000,
// the ideographic space of Japanese text; no-break spaces) is the
// partner's writing and stays.
func collapseLayout(s string) string {
	s = strings.Trim(s, " \t\r\n\f\v")
	if !strings.ContainsAny(s, "\t\r\n\f\v") && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			space = true
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// untitled gives a story without a title one a reader can recognise: the
// start of its summary's and content's text (see htmltext.Text), else its
// link. A title is stored as partners' feeds give titles, plain text or
// HTML (see htmltext.TextOrHTML); text holding '<' or '&' is stored
// escaped, so that it reads back as exactly this text.
func untitled(st store.Story) string {
	text := htmltext.Collapse(htmltext.Text(st.Summary) + " " + htmltext.Text(st.Content))
	if text == "" {
		if st.Link != "" {
			return st.Link
		}
		return "Untitled"
	}
	const maxRunes = 80
	if r := []rune(text); len(r) > maxRunes {
		text = strings.TrimSpace(string(r[:maxRunes])) + "…"
	}
	if strings.ContainsAny(text, "<&") {
		text = stdhtml.EscapeString(text)
	}
	return text
}

// imgTag finds an <img> tag without tokenizing the HTML around it.
var imgTag = regexp.MustCompile(`(?i)<img\b`)

// firstImage returns the src of the first <img> in the first of docs that
// has one, or "".
func firstImage(docs ...string) string {
	for _, doc := range docs {
		if !imgTag.MatchString(doc) {
			continue
		}
		z := html.NewTokenizer(strings.NewReader(doc))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if name, hasAttr := z.TagName(); hasAttr && string(name) == "img" && (tt == html.StartTagToken || tt == html.SelfClosingTagToken) {
				for more := true; more; {
					var k, v []byte
					k, v, more = z.TagAttr()
					if string(k) == "src" {
						return string(v)
					}
				}
			}
		}
	}
	return ""
}
