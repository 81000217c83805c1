// Package feedcheck finds, in a feed wirefeed serves, what the W3C feed
// validator warns of and the schema checks (RFC 4287's RELAX NG, JSON Feed
// rules) let pass: a rel="self" link that is not the document's own
// address (SelfDoesntMatchLocation), an Atom <source> lacking its id,
// title or updated (MissingSourceElement), an Atom entry with no author
// anywhere, and a JSON Feed item with no URL. Tests run it over every
// document they fetch.
package feedcheck

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// Warnings returns the warnings for doc, a feed in format ext ("rss",
// "atom" or "json") fetched from location; none when it is clean.
func Warnings(ext, doc, location string) []string {
	switch ext {
	case "atom":
		return atomWarnings(doc, location)
	case "rss":
		return rssWarnings(doc, location)
	case "json":
		return jsonWarnings(doc, location)
	}
	return []string{fmt.Sprintf("unknown format %q", ext)}
}

type link struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

func selfWarning(links []link, location string) []string {
	var selves []string
	for _, l := range links {
		if l.Rel == "self" {
			selves = append(selves, l.Href)
		}
	}
	switch {
	case len(selves) != 1:
		return []string{fmt.Sprintf("want one rel=\"self\" link, have %q", selves)}
	case selves[0] != location:
		return []string{fmt.Sprintf("SelfDoesntMatchLocation: self %s, fetched from %s", selves[0], location)}
	}
	return nil
}

func atomWarnings(doc, location string) []string {
	var f struct {
		Links   []link     `xml:"http://www.w3.org/2005/Atom link"`
		Author  []struct{} `xml:"http://www.w3.org/2005/Atom author"`
		Entries []struct {
			ID      string     `xml:"http://www.w3.org/2005/Atom id"`
			Authors []struct{} `xml:"http://www.w3.org/2005/Atom author"`
			Source  *struct {
				ID      string     `xml:"http://www.w3.org/2005/Atom id"`
				Title   string     `xml:"http://www.w3.org/2005/Atom title"`
				Updated string     `xml:"http://www.w3.org/2005/Atom updated"`
				Authors []struct{} `xml:"http://www.w3.org/2005/Atom author"`
			} `xml:"http://www.w3.org/2005/Atom source"`
		} `xml:"http://www.w3.org/2005/Atom entry"`
	}
	if err := xml.Unmarshal([]byte(doc), &f); err != nil {
		return []string{"not XML: " + err.Error()}
	}
	out := selfWarning(f.Links, location)
	for _, e := range f.Entries {
		if s := e.Source; s != nil {
			for name, v := range map[string]string{"id": s.ID, "title": s.Title, "updated": s.Updated} {
				if strings.TrimSpace(v) == "" {
					out = append(out, fmt.Sprintf("MissingSourceElement: entry %s: <source> lacks <%s>", e.ID, name))
				}
			}
		}
		if len(e.Authors) == 0 && len(f.Author) == 0 && (e.Source == nil || len(e.Source.Authors) == 0) {
			out = append(out, fmt.Sprintf("MissingAuthor: entry %s has no author, nor has its source or the feed", e.ID))
		}
	}
	return out
}

func rssWarnings(doc, location string) []string {
	var f struct {
		Channel struct {
			Links []link `xml:"http://www.w3.org/2005/Atom link"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal([]byte(doc), &f); err != nil {
		return []string{"not XML: " + err.Error()}
	}
	return selfWarning(f.Channel.Links, location)
}

func jsonWarnings(doc, location string) []string {
	var f struct {
		FeedURL string `json:"feed_url"`
		Items   []struct {
			ID          string `json:"id"`
			URL         string `json:"url"`
			ExternalURL string `json:"external_url"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(doc), &f); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var out []string
	if f.FeedURL != location {
		out = append(out, fmt.Sprintf("SelfDoesntMatchLocation: feed_url %s, fetched from %s", f.FeedURL, location))
	}
	for _, it := range f.Items {
		if it.URL == "" && it.ExternalURL == "" {
			out = append(out, fmt.Sprintf("item %s has no url", it.ID))
		}
	}
	return out
}
