package publisher

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
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

// encodeXML writes doc as an indented XML document with a declaration.
//
// The RSS and Atom types write foreign elements and namespace declarations
// with prefixed names in their tags ("dc:creator", "xmlns:dc,attr"), the way
// gorilla/feeds writes content:encoded: encoding/xml would otherwise redeclare
// a namespace on every element that uses it.
func encodeXML(f *feed, doc any) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint(f)))
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
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
