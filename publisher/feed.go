package publisher

import (
	"html"
	"mime"
	"net/url"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/internal/bounds"
	"wirefeed/internal/redact"
	"wirefeed/store"
)

// emptyFeedTime is the updated time of a feed with no stories, and of a story
// with no date at all. Feeds need some date, and it must not vary between
// renders or restarts, or an empty feed's ETag and Last-Modified would change
// without its content changing. 2000-01-01T00:00:00Z is simply a fixed date
// older than anything wirefeed will publish.
var emptyFeedTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// generator names wirefeed in the feeds it writes.
const generator = "wirefeed"

// feed is one section ready to be written in any format: every string is
// already XML-safe, every time is UTC, and every entry carries its partner.
type feed struct {
	SectionID   string
	Title       string
	Description string
	HomeURL     string        // the site's front page, BaseURL + "/"
	FeedsURL    string        // BaseURL + "/feeds/"; a feed is FeedsURL + id + "." + ext
	Language    string        // shared by every entry, "" when unknown or mixed
	MaxAge      time.Duration // how long clients may cache the feed
	Hub         string        // WebSub hub URL, "" when none
	// Page names the document when it is not the section's feed itself,
	// e.g. "politics/archive/3" (RFC 5005 archive pages).
	Page string
	// Query is the query string of a filtered document (?source=, ?q=,
	// ?limit=), which its self link keeps.
	Query string
	// Archive holds the RFC 5005 links (prev-archive, next-archive,
	// current) and Complete marks a finished archive page (fh:archive).
	Archive  []archiveLink
	Complete bool
	Updated  time.Time
	Entries  []entry
	// Deleted are the stories editors hid (Atom tombstones).
	Deleted []deletedEntry
}

// selfURL is the address of the feed in the format with extension ext.
func (f *feed) selfURL(ext string) string {
	page := url.PathEscape(f.SectionID) // a Thai or Japanese id, percent-encoded
	if f.Page != "" {
		page = f.Page
	}
	if f.Query != "" {
		return f.FeedsURL + page + "." + ext + "?" + f.Query
	}
	return f.FeedsURL + page + "." + ext
}

// archiveLink is an RFC 5005 link; Name is the document's path under
// /feeds/ without the extension, which each format adds.
type archiveLink struct {
	Rel  string
	Name string
}

// entry is one story as every format publishes it.
type entry struct {
	ID         string
	Link       string
	Title      string
	Summary    string // the partner's summary, HTML; may be ""
	Content    string // the partner's full content, HTML; may be ""
	Authors    []store.Person
	Categories []string
	Enclosures []store.Enclosure
	Image      string
	Language   string
	Published  time.Time // zero when unknown
	Updated    time.Time
	Partner    partner
}

// partner is the source a story came from and how it must be credited.
type partner struct {
	ID          string
	Name        string
	URL         string // the partner's feed, credentials hidden
	Attribution string // e.g. "Provided by Nation"
}

// credit is the HTML paragraph appended to every story's HTML so that readers
// of every format see whom the story comes from.
func (e *entry) credit() string {
	return "\n<p class=\"wirefeed-attribution\">" + html.EscapeString(e.Partner.Attribution) + "</p>"
}

// body is the story's HTML followed by the credit: its content, or its
// summary when it has no content.
func (e *entry) body() string {
	if e.Content != "" {
		return e.Content + e.credit()
	}
	return e.Summary + e.credit()
}

// buildFeed turns a section's stories, newest first, into a feed.
func (p *Publisher) buildFeed(sec config.Section, stories []store.Story) *feed {
	f := &feed{
		SectionID:   sec.ID,
		Title:       xmlSafe(sec.Title),
		Description: xmlSafe(sec.Description),
		HomeURL:     p.baseURL + "/",
		FeedsURL:    p.baseURL + "/feeds/",
		Updated:     emptyFeedTime,
		MaxAge:      p.maxAge[sec.ID],
		Hub:         p.hub,
		Entries:     make([]entry, 0, len(stories)),
	}
	if f.Title == "" {
		f.Title = sec.ID
	}
	for i := range stories {
		e := p.buildEntry(&stories[i])
		if i == 0 || e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	f.Language = commonLanguage(f.Entries)
	return f
}

// buildEntry turns one stored story into an entry. Its title becomes plain
// text, its HTML is sanitized, and every URL in and around it is made
// absolute against the story's link (or dropped).
//
// Stories stored before ingest bounded them (package bounds) are bounded
// here too, so one of them cannot make every rendering of its sections slow.
func (p *Publisher) buildEntry(s *store.Story) entry {
	link := xmlSafe(bounds.Link(s.Link))
	base := storyBase(link)
	text := p.clean.clean(link, bounds.TitleText(s.Title), bounds.HTML(s.Summary, bounds.Summary), bounds.HTML(s.Content, bounds.Content))
	e := entry{
		ID:         xmlSafe(publishedID(s)),
		Link:       webURL(link, nil),
		Title:      text.title,
		Summary:    text.summary,
		Content:    text.content,
		Categories: plainTextAll(bounds.List(s.Categories, bounds.Categories)),
		Image:      webURL(s.Image, base),
		Language:   languageTag(s.Language),
		Published:  s.Published.UTC(),
		Updated:    s.Updated.UTC(),
		Partner:    p.partner(s.SourceID),
	}
	switch {
	case !e.Updated.IsZero():
	case !e.Published.IsZero():
		e.Updated = e.Published
	default:
		e.Updated = emptyFeedTime
	}
	for _, a := range bounds.List(s.Authors, bounds.Authors) {
		a = store.Person{
			Name:  plainText(a.Name),
			Email: emailAddress(a.Email),
			URL:   webURL(a.URL, base),
		}
		if a.Name == "" {
			a.Name = a.Email
		}
		if a.Name != "" {
			e.Authors = append(e.Authors, a)
		}
	}
	for _, enc := range bounds.List(s.Enclosures, bounds.Enclosures) {
		enc.URL, enc.Type = webURL(enc.URL, base), mediaType(enc.Type)
		if enc.URL != "" {
			e.Enclosures = append(e.Enclosures, enc)
		}
	}
	return e
}

// mediaType returns s if it has the shape of a MIME media type
// (type/subtype, parameters allowed), else "".
func mediaType(s string) string {
	s = strings.TrimSpace(xmlSafe(s))
	if _, _, err := mime.ParseMediaType(s); err != nil || !strings.Contains(s, "/") {
		return ""
	}
	return s
}

// partner describes the source with the given id, from the config; a source
// the config does not know (any more) is named by its id.
func (p *Publisher) partner(id string) partner {
	src, ok := p.sources[id]
	if !ok {
		src = config.Source{ID: id}
	}
	pa := partner{
		ID:          xmlSafe(src.ID),
		Name:        xmlSafe(src.Name),
		URL:         webURL(redact.URL(src.URL), nil),
		Attribution: xmlSafe(src.Attribution),
	}
	if pa.Name == "" {
		pa.Name = pa.ID
	}
	if pa.Attribution == "" {
		// config.Load applies the same default; this covers configs built in code.
		pa.Attribution = "Provided by " + pa.Name
	}
	return pa
}

// commonLanguage is the language of every entry, or "" if any entry's
// language is unknown or differs from the others'.
func commonLanguage(entries []entry) string {
	if len(entries) == 0 {
		return ""
	}
	lang := entries[0].Language
	for _, e := range entries[1:] {
		if !strings.EqualFold(e.Language, lang) {
			return ""
		}
	}
	return lang
}

// languageTag returns s if it has the shape of a language tag as Atom's
// xml:lang accepts it ([A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*), else "".
func languageTag(s string) string {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 {
			return ""
		}
		for _, c := range []byte(sub) {
			letter := 'a' <= c|0x20 && c|0x20 <= 'z'
			digit := '0' <= c && c <= '9'
			if !letter && (i == 0 || !digit) {
				return ""
			}
		}
	}
	return s
}

// publishedID is the id a story is published under: the id of the first
// copy of the story that reached the site (FeedID), whichever partner's copy
// is shown; stories stored before copies were tracked have only PublicID.
func publishedID(s *store.Story) string {
	if s.FeedID != "" {
		return s.FeedID
	}
	return s.PublicID
}
