package publisher

import (
	"encoding/xml"
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// opmlDoc is an OPML 2.0 subscription list.
type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Title   string        `xml:"head>title"`
	Outline []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Text        string `xml:"text,attr"`
	Title       string `xml:"title,attr,omitempty"`
	Description string `xml:"description,attr,omitempty"`
	Type        string `xml:"type,attr"`
	XMLURL      string `xml:"xmlUrl,attr"`
	HTMLURL     string `xml:"htmlUrl,attr"`
}

// serveOPML answers GET /opml: every published section's RSS feed as an
// OPML 2.0 subscription list a feed reader imports in one go.
func (p *Publisher) serveOPML(w http.ResponseWriter, r *http.Request) {
	doc := opmlDoc{Version: "2.0", Title: "wirefeed sections"}
	for _, sec := range p.sections {
		title := xmlSafe(sec.Title)
		if title == "" {
			title = sec.ID
		}
		doc.Outline = append(doc.Outline, opmlOutline{
			Text: title, Title: title, Description: xmlSafe(sec.Description), Type: "rss",
			XMLURL: p.baseURL + "/feeds/" + url.PathEscape(sec.ID) + ".rss", HTMLURL: p.baseURL + "/",
		})
	}
	// A feed per partner: every section's stories from that source.
	for _, id := range sortedKeys(p.sources) {
		src := p.sources[id]
		name := xmlSafe(src.Name)
		if name == "" {
			name = id
		}
		doc.Outline = append(doc.Outline, opmlOutline{
			Text: name, Title: name, Description: xmlSafe(src.Attribution), Type: "rss",
			XMLURL:  p.baseURL + "/feeds/" + allFeedID + ".rss?source=" + url.QueryEscape(id),
			HTMLURL: p.baseURL + "/sections/" + allFeedID + "?source=" + url.QueryEscape(id),
		})
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		http.Error(w, "opml unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/x-opml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(xml.Header))
	w.Write(out)
	w.Write([]byte("\n"))
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
