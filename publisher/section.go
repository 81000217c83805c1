package publisher

import (
	"bytes"
	"html/template"
	"net/http"
)

var sectionTemplate = template.Must(template.ParseFS(templateFS, "templates/section.html"))

// sectionPage is what templates/section.html shows: a section as a wire
// news site shows it, newest first, readable without JavaScript.
type sectionPage struct {
	Title, Description, Language string
	Home, RSS, Atom, JSON        string
	Stories                      []pageStory
}

type pageStory struct {
	Title, Link, Partner string
	Time, ISO            string
	// Summary is the partner's summary (or the start of its content),
	// sanitised like every published HTML.
	Summary template.HTML
}

// renderSectionPage writes a section's HTML page from the same feed the
// RSS, Atom and JSON renderings use.
func renderSectionPage(f *feed) ([]byte, error) {
	page := sectionPage{
		Title: f.Title, Description: f.Description, Language: f.Language, Home: f.HomeURL,
		RSS: f.selfURL("rss"), Atom: f.selfURL("atom"), JSON: f.selfURL("json"),
	}
	for _, e := range f.Entries {
		ps := pageStory{Title: e.Title, Link: e.Link, Partner: e.Partner.Attribution}
		if ps.Partner == "" {
			ps.Partner = e.Partner.Name
		}
		if !e.Published.IsZero() {
			ps.Time, ps.ISO = e.Published.Format("2 Jan 2006 15:04 UTC"), e.Published.Format("2006-01-02T15:04:05Z")
		}
		summary := e.Summary
		if summary == "" {
			summary = e.Content
		}
		// Sanitised by the publisher's allow-list before it reached the feed.
		ps.Summary = template.HTML(summary)
		page.Stories = append(page.Stories, ps)
	}
	var buf bytes.Buffer
	if err := sectionTemplate.Execute(&buf, page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// pageFormat renders a section as an HTML page; it is cached and
// invalidated with the section's feeds.
var pageFormat = format{"html", "text/html", renderSectionPage}

// serveSectionPage serves GET /sections/{id}.
func (p *Publisher) serveSectionPage(w http.ResponseWriter, r *http.Request) {
	p.serveSection(w, r, r.PathValue("id"), &pageFormat)
}
