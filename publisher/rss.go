package publisher

import (
	"encoding/xml"
	"strconv"
	"time"

	"github.com/gorilla/feeds"
)

// rssDocument is the <rss> element wirefeed writes, the counterpart of
// gorilla/feeds' RssFeedXml: it also declares the namespaces of the
// extensions wirefeed uses, and holds wirefeed's own channel.
type rssDocument struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	ContentNS string   `xml:"xmlns:content,attr"`
	AtomNS    string   `xml:"xmlns:atom,attr"`
	DCNS      string   `xml:"xmlns:dc,attr"`
	MediaNS   string   `xml:"xmlns:media,attr"`
	Channel   *rssChannel
}

// rssChannel is an RSS 2.0 <channel> with the elements wirefeed writes:
// those of gorilla/feeds' RssFeed it fills in, the atom:link elements
// (rel="self", "hub" and RFC 5005's archive links), fh:archive and items of
// type rssItem.
type rssChannel struct {
	XMLName       xml.Name `xml:"channel"`
	Title         string   `xml:"title"`
	Link          string   `xml:"link"`
	Description   string   `xml:"description"`
	Language      string   `xml:"language,omitempty"`
	LastBuildDate string   `xml:"lastBuildDate,omitempty"`
	Generator     string   `xml:"generator,omitempty"`
	TTL           int      `xml:"ttl,omitempty"`
	Links         []rssAtomLink
	Archive       *fhArchive
	Items         []*rssItem
}

// FeedXml implements feeds.XmlFeed as gorilla/feeds' RssFeed does: it
// wraps the channel in its <rss> element.
func (c *rssChannel) FeedXml() any {
	return &rssDocument{
		Version:   "2.0",
		ContentNS: contentNS,
		AtomNS:    atomNS,
		DCNS:      dcNS,
		MediaNS:   mediaNS,
		Channel:   c,
	}
}

// rssAtomLink is an <atom:link> inside RSS.
type rssAtomLink struct {
	XMLName xml.Name `xml:"atom:link"`
	Href    string   `xml:"href,attr"`
	Rel     string   `xml:"rel,attr"`
	Type    string   `xml:"type,attr,omitempty"`
}

// rssItem is an RSS 2.0 <item> with the elements wirefeed writes:
// content:encoded, enclosure and guid as gorilla/feeds writes them, several
// categories, dc:creator authors, a <source url="…"> element, the update
// time, the image and every enclosure after the first (RSS 2.0 allows one)
// as media:content, and the item's language when the channel has none or
// another.
type rssItem struct {
	XMLName     xml.Name `xml:"item"`
	Title       string   `xml:"title,omitempty"` // a story may have none
	Link        string   `xml:"link,omitempty"`
	Description string   `xml:"description"`
	Content     *feeds.RssContent
	Author      string `xml:"author,omitempty"`
	Enclosure   *feeds.RssEnclosure
	GUID        feeds.RssGuid
	PubDate     string     `xml:"pubDate,omitempty"`
	Creators    []string   `xml:"dc:creator"`
	Language    string     `xml:"dc:language,omitempty"`
	Categories  []string   `xml:"category"`
	Source      *rssSource `xml:"source"`
	Updated     string     `xml:"atom:updated"`
	Media       []mediaContent
}

// rssSource is RSS 2.0's <source>: the partner's name, with its feed's URL.
type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",chardata"`
}

// renderRSS writes f as an RSS 2.0 document.
func renderRSS(f *feed) ([]byte, error) {
	description := f.Description
	if description == "" {
		description = f.Title // required by RSS 2.0
	}
	ch := &rssChannel{
		Title:         f.Title,
		Link:          f.HomeURL,
		Description:   description,
		Language:      f.Language,
		LastBuildDate: rssTime(f.Updated),
		Generator:     generator,
		TTL:           int((f.MaxAge + time.Minute - 1) / time.Minute),
		Links:         []rssAtomLink{{Href: f.selfURL("rss"), Rel: "self", Type: "application/rss+xml"}},
		Items:         make([]*rssItem, 0, len(f.Entries)),
	}
	if f.Hub != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: f.Hub, Rel: "hub"})
	}
	for _, l := range f.Archive {
		ch.Links = append(ch.Links, rssAtomLink{Href: f.FeedsURL + l.Name + ".rss", Rel: l.Rel, Type: "application/rss+xml"})
	}
	if f.Complete {
		ch.Archive = &fhArchive{}
	}
	for i := range f.Entries {
		ch.Items = append(ch.Items, newRssItem(&f.Entries[i], f.Language))
	}
	return encodeXML(f, ch)
}

func newRssItem(e *entry, channelLanguage string) *rssItem {
	x := &rssItem{
		Title:      e.Title,
		Link:       e.Link,
		GUID:       feeds.RssGuid{Id: e.ID, IsPermaLink: "false"},
		Categories: e.Categories,
		Updated:    atomTime(e.Updated),
	}
	if e.Language != channelLanguage {
		x.Language = e.Language
	}
	// The description is what most readers show: the summary when there is
	// one, otherwise the content; both carry the credit.
	if e.Summary != "" {
		x.Description = e.Summary + e.credit()
	} else {
		x.Description = e.body()
	}
	if e.Content != "" {
		x.Content = &feeds.RssContent{Content: e.body()}
	}
	if e.Partner.URL != "" { // RSS 2.0 requires the url attribute
		x.Source = &rssSource{URL: e.Partner.URL, Name: e.Partner.Name}
	}
	if !e.Published.IsZero() {
		x.PubDate = rssTime(e.Published)
	}
	// <author> must be an e-mail address; names go into dc:creator.
	for _, a := range e.Authors {
		x.Creators = append(x.Creators, a.Name)
		if x.Author == "" && a.Email != "" {
			x.Author = a.Email
			if a.Name != a.Email {
				x.Author += " (" + a.Name + ")"
			}
		}
	}
	if e.Image != "" {
		x.Media = append(x.Media, mediaContent{URL: e.Image, Medium: "image"})
	}
	// RSS 2.0 allows one enclosure per item; the others go to media:content.
	for _, enc := range e.Enclosures[min(1, len(e.Enclosures)):] {
		x.Media = append(x.Media, mediaContent{URL: enc.URL, Type: enc.Type, FileSize: max(enc.Length, 0)})
	}
	if len(e.Enclosures) > 0 {
		enc := e.Enclosures[0]
		x.Enclosure = &feeds.RssEnclosure{Url: enc.URL, Length: strconv.FormatInt(max(enc.Length, 0), 10), Type: enc.Type}
		if x.Enclosure.Type == "" {
			x.Enclosure.Type = "application/octet-stream"
		}
	}
	return x
}

// rssTime formats t as RFC 1123 with a numeric zone, in UTC.
func rssTime(t time.Time) string {
	return t.UTC().Format(time.RFC1123Z)
}

// fhArchive is RFC 5005's <fh:archive/>, marking a complete archive page.
type fhArchive struct {
	XMLName xml.Name `xml:"http://purl.org/syndication/history/1.0 archive"`
}
