package site

import (
	"encoding/json"
	"html/template"

	"wirefeed/config"
	"wirefeed/store"
)

// openGraph is the article's Open Graph description, for link previews.
func (s *Site) openGraph(a *articlePage, sec config.Section) []metaProperty {
	og := []metaProperty{
		{"og:type", "article"},
		{"og:site_name", s.cfg.Site.Title},
		{"og:title", a.Headline},
		{"og:url", a.URL},
	}
	if a.Description != "" {
		og = append(og, metaProperty{"og:description", a.Description})
	}
	for _, p := range a.Photos {
		og = append(og, metaProperty{"og:image", p.URL}, metaProperty{"og:image:alt", p.Alt})
		break // the lead picture
	}
	if a.Dateline.ISO != "" {
		og = append(og, metaProperty{"article:published_time", a.Dateline.ISO})
	}
	if a.Updated != nil {
		og = append(og, metaProperty{"article:modified_time", a.Updated.ISO})
	}
	return append(og, metaProperty{"article:section", title(sec)})
}

// newsArticle is schema.org's NewsArticle, as JSON-LD.
type newsArticle struct {
	Context     string        `json:"@context"`
	Type        string        `json:"@type"`
	Headline    string        `json:"headline"`
	Description string        `json:"description,omitempty"`
	URL         string        `json:"url"`
	MainEntity  string        `json:"mainEntityOfPage"`
	IsBasedOn   string        `json:"isBasedOn,omitempty"`
	Language    string        `json:"inLanguage,omitempty"`
	Section     string        `json:"articleSection"`
	Published   string        `json:"datePublished,omitempty"`
	Modified    string        `json:"dateModified,omitempty"`
	Images      []string      `json:"image,omitempty"`
	Authors     []schemaThing `json:"author,omitempty"`
	Publisher   schemaThing   `json:"publisher"`
	SourceOrg   schemaThing   `json:"sourceOrganization"`
	CreditText  string        `json:"creditText,omitempty"`
	AccessFree  bool          `json:"isAccessibleForFree"`
}

// schemaThing is a schema.org Person or Organization.
type schemaThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// jsonLD is the article as schema.org NewsArticle. encoding/json escapes
// <, > and &, so no partner text can close the script element it sits in.
func (s *Site) jsonLD(a *articlePage, sec config.Section, st *store.Story) template.JS {
	doc := newsArticle{
		Context: "https://schema.org", Type: "NewsArticle",
		Headline: a.Headline, Description: a.Description, URL: a.URL, MainEntity: a.URL,
		IsBasedOn: a.Original, Language: a.Lang, Section: title(sec),
		Published: a.Dateline.ISO, Modified: a.Dateline.ISO,
		Publisher:  schemaThing{"Organization", s.cfg.Site.Title},
		SourceOrg:  schemaThing{"Organization", a.Partner},
		CreditText: a.Attribution, AccessFree: true,
	}
	if a.Updated != nil {
		doc.Modified = a.Updated.ISO
	}
	for _, p := range a.Photos {
		doc.Images = append(doc.Images, p.URL)
	}
	for _, name := range a.Authors {
		doc.Authors = append(doc.Authors, schemaThing{"Person", name})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	return template.JS(b)
}
