package publisher

import (
	"encoding/xml"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/feeds"
)

// atomFeed is an Atom 1.0 <feed> with the elements wirefeed writes: those
// of gorilla/feeds' AtomFeed it fills in, and what that type cannot
// express: more than one link (rel="self", "hub" and RFC 5005's archive
// links beside the alternate), a generator, xml:lang, fh:archive and
// entries of type atomEntry.
type atomFeed struct {
	XMLName   xml.Name `xml:"feed"`
	Xmlns     string   `xml:"xmlns,attr"`
	MediaNS   string   `xml:"xmlns:media,attr"`
	AtNS      string   `xml:"xmlns:at,attr,omitempty"`
	Lang      string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Updated   string   `xml:"updated"`
	Subtitle  string   `xml:"subtitle,omitempty"`
	Generator string   `xml:"generator"`
	Links     []feeds.AtomLink
	Archive   *fhArchive
	// Deleted come before the entries: RFC 4287's schema puts every
	// extension element of a feed before its first entry.
	Deleted []atomDeleted
	Entries []*atomEntry
}

// FeedXml implements feeds.XmlFeed as gorilla/feeds' AtomFeed does: the
// feed is its own document.
func (a *atomFeed) FeedXml() any { return a }

// atomEntry is an Atom 1.0 <entry> with the elements wirefeed writes: those
// of gorilla/feeds' AtomEntry it fills in, with several authors and
// categories, a structured <source>, an image and xml:lang.
type atomEntry struct {
	XMLName    xml.Name `xml:"entry"`
	Lang       string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Title      string   `xml:"title"`
	Updated    string   `xml:"updated"`
	ID         string   `xml:"id"`
	Content    feeds.AtomContent
	Rights     string `xml:"rights,omitempty"`
	Published  string `xml:"published,omitempty"`
	Links      []feeds.AtomLink
	Summary    *feeds.AtomSummary
	Authors    []feeds.AtomAuthor
	Categories []atomCategory `xml:"category"`
	Source     atomSource     `xml:"source"`
	Image      *mediaContent
}

// atomCategory is an atom:category; its term is an attribute.
type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atomSource is the partner feed an entry was copied from (RFC 4287
// §4.2.11). Its author is the partner, which also makes an entry whose
// partner names no author a valid Atom entry without crediting the partner
// as the story's author. Updated is when the entry was last copied from it.
type atomSource struct {
	ID      string            `xml:"id,omitempty"`
	Title   string            `xml:"title"`
	Updated string            `xml:"updated"`
	Author  *feeds.AtomPerson `xml:"author"`
	Links   []feeds.AtomLink
}

// renderAtom writes f as an Atom 1.0 document.
func renderAtom(f *feed) ([]byte, error) {
	self := f.selfURL("atom")
	doc := &atomFeed{
		Xmlns:     atomNS,
		MediaNS:   mediaNS,
		Lang:      f.Language,
		Title:     f.Title,
		ID:        self,
		Updated:   atomTime(f.Updated),
		Subtitle:  f.Description,
		Generator: generator,
		Links: []feeds.AtomLink{
			{Href: f.HomeURL, Rel: "alternate", Type: "text/html"},
			{Href: self, Rel: "self", Type: "application/atom+xml"},
		},
		Entries: make([]*atomEntry, 0, len(f.Entries)),
	}
	if f.Hub != "" {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: f.Hub, Rel: "hub"})
	}
	for _, l := range f.Archive {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: f.FeedsURL + l.Name + ".atom", Rel: l.Rel, Type: "application/atom+xml"})
	}
	if f.Complete {
		doc.Archive = &fhArchive{}
	}
	for i := range f.Entries {
		x := newAtomEntry(&f.Entries[i])
		if x.Source.ID == "" {
			// A partner no longer configured: its stories' feed on this site.
			x.Source.ID = f.FeedsURL + "all.atom?source=" + url.QueryEscape(f.Entries[i].Partner.ID)
		}
		doc.Entries = append(doc.Entries, x)
	}
	for _, d := range f.Deleted {
		doc.AtNS = tombstoneNS
		doc.Deleted = append(doc.Deleted, atomDeleted{Ref: d.Ref, When: atomTime(d.When)})
	}
	return encodeXML(f, doc)
}

func newAtomEntry(e *entry) *atomEntry {
	x := &atomEntry{
		Lang:    e.Language,
		Title:   e.Title,
		Updated: atomTime(e.Updated),
		ID:      e.ID,
		Content: feeds.AtomContent{Content: e.body(), Type: "html"},
		Rights:  e.Partner.Attribution,
		Source:  atomSource{ID: e.Partner.URL, Title: e.Partner.Name, Updated: atomTime(e.Updated)},
	}
	if !e.Published.IsZero() {
		x.Published = atomTime(e.Published)
	}
	if e.Summary != "" && e.Content != "" {
		x.Summary = &feeds.AtomSummary{Content: e.Summary, Type: "html"}
	}
	if e.Link != "" {
		x.Links = append(x.Links, feeds.AtomLink{Href: e.Link, Rel: "alternate"})
	}
	for _, enc := range e.Enclosures {
		l := feeds.AtomLink{Href: enc.URL, Rel: "enclosure", Type: enc.Type}
		if enc.Length > 0 {
			l.Length = strconv.FormatInt(enc.Length, 10)
		}
		x.Links = append(x.Links, l)
	}
	if e.Image != "" {
		x.Image = &mediaContent{URL: e.Image, Medium: "image"}
	}
	for _, a := range e.Authors {
		x.Authors = append(x.Authors, feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: a.Name, Email: a.Email, Uri: a.URL}})
	}
	for _, c := range e.Categories {
		x.Categories = append(x.Categories, atomCategory{Term: c})
	}
	if e.Partner.URL != "" {
		x.Source.Links = []feeds.AtomLink{{Href: e.Partner.URL, Rel: "self"}}
	}
	if len(x.Authors) == 0 {
		x.Source.Author = &feeds.AtomPerson{Name: e.Partner.Name}
	}
	return x
}

// atomTime formats t as an RFC 3339 date in UTC.
func atomTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
