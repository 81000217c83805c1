package publisher

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"slices"
	"strings"

	"github.com/gorilla/feeds"
)

// Namespaces the XML formats declare.
const (
	atomNS    = "http://www.w3.org/2005/Atom"
	contentNS = "http://purl.org/rss/1.0/modules/content/"
	dcNS      = "http://purl.org/dc/elements/1.1/"
	mediaNS   = "http://search.yahoo.com/mrss/"
)

// mediaContent is a Media RSS <media:content>, used in RSS and Atom for
// a story's image, and in RSS for the enclosures after the first.
type mediaContent struct {
	XMLName  xml.Name `xml:"media:content"`
	URL      string   `xml:"url,attr"`
	Type     string   `xml:"type,attr,omitempty"`
	FileSize int64    `xml:"fileSize,attr,omitempty"`
	Medium   string   `xml:"medium,attr,omitempty"`
}

// encodeXML writes doc as an indented XML document with gorilla/feeds'
// WriteXML, the library's documented way of writing a feed: the document is
// whatever doc.FeedXml returns, so every element wirefeed writes is one a
// wirefeed type names (see rss.go and atom.go).
//
// The RSS and Atom types write foreign elements and namespace declarations
// with prefixed names in their tags ("dc:creator", "xmlns:dc,attr"), the way
// gorilla/feeds writes content:encoded: encoding/xml would otherwise redeclare
// a namespace on every element that uses it.
func encodeXML(f *feed, doc feeds.XmlFeed) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint(f)))
	if err := feeds.WriteXML(doc, buf); err != nil {
		return nil, err
	}
	return xmlLines(buf.Bytes())
}

// xmlDeclaration is the declaration gorilla/feeds' WriteXML starts with.
var xmlDeclaration = []byte(strings.TrimSuffix(xml.Header, "\n"))

// xmlLines puts the XML declaration and the end of the document on lines of
// their own, as wirefeed has always written them (a feed whose bytes change
// gets a new ETag, and every client downloads it again): WriteXML writes the
// root element right after the declaration and ends without a newline.
func xmlLines(doc []byte) ([]byte, error) {
	rest, ok := bytes.CutPrefix(doc, xmlDeclaration)
	if !ok {
		return nil, errors.New("publisher: feeds.WriteXML did not start with the XML declaration")
	}
	if !bytes.HasPrefix(rest, []byte("\n")) {
		doc = slices.Insert(doc, len(xmlDeclaration), '\n')
	}
	return append(doc, '\n'), nil
}

// encodeJSON writes doc as compact JSON (indenting would more than double the
// cost of a rendering). HTML is not escaped: the document is served as
// application/feed+json, never embedded in a page.
func encodeJSON(f *feed, doc any) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint(f)))
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sizeHint guesses the size of f written out, so the buffer rarely grows.
func sizeHint(f *feed) int {
	n := 2048
	for i := range f.Entries {
		e := &f.Entries[i]
		n += 1024 + len(e.Title) + 2*(len(e.Summary)+len(e.Content))
	}
	return n
}
