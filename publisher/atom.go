package publisher

import (
	"strconv"
	"time"

	"github.com/gorilla/feeds"
)

// atomFeed is gorilla/feeds' AtomFeed with what v1.2.0 cannot express: more
// than one link (rel="self" beside the alternate), a generator, xml:lang and
// entries of type atomEntry. A field declared here hides the embedded field
// with the same XML name, as in Go's own embedding rules.
type atomFeed struct {
	feeds.AtomFeed
	MediaNS   string `xml:"xmlns:media,attr"`
	Lang      string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Generator string `xml:"generator"`
	Links     []feeds.AtomLink
	Archive   *fhArchive
	Entries   []*atomEntry `xml:"entry"`
}

// atomEntry is gorilla/feeds' AtomEntry with several authors and
// categories, a structured <source> and an image.
type atomEntry struct {
	feeds.AtomEntry
	Lang       string             `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Authors    []feeds.AtomAuthor `xml:"author"`
	Categories []atomCategory     `xml:"category"`
	Source     *atomSource        `xml:"source"`
	Image      *mediaContent
}

// atomCategory is an atom:category; its term is an attribute.
type atomCategory struct {
	Term string `xml:"term,attr"`
}

// atomSource is the partner feed an entry was copied from (RFC 4287 §4.2.11).
type atomSource struct {
	ID    string `xml:"id,omitempty"`
	Title string `xml:"title"`
	Links []feeds.AtomLink
}

// renderAtom writes f as an Atom 1.0 document.
func renderAtom(f *feed) ([]byte, error) {
	self := f.selfURL("atom")
	doc := &atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    atomNS,
			Title:    f.Title,
			Id:       self,
			Updated:  atomTime(f.Updated),
			Subtitle: f.Description,
		},
		MediaNS:   mediaNS,
		Lang:      f.Language,
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
		doc.Entries = append(doc.Entries, newAtomEntry(&f.Entries[i]))
	}
	return encodeXML(f, doc)
}

func newAtomEntry(e *entry) *atomEntry {
	x := &atomEntry{
		AtomEntry: feeds.AtomEntry{
			Title:   e.Title,
			Updated: atomTime(e.Updated),
			Id:      e.ID,
			Content: &feeds.AtomContent{Content: e.body(), Type: "html"},
			Rights:  e.Partner.Attribution,
		},
		Lang:   e.Language,
		Source: &atomSource{ID: e.Partner.URL, Title: e.Partner.Name},
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
	return x
}

// atomTime formats t as an RFC 3339 date in UTC.
func atomTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
