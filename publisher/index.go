package publisher

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"time"
)

//go:embed templates/index.html templates/section.html
var templateFS embed.FS

var indexTemplate = template.Must(template.ParseFS(templateFS, "templates/index.html"))

// indexPage is what templates/index.html shows.
type indexPage struct {
	Sections []indexSection
}

// indexSection is one section on the index page. The feeds' media types are
// written in the template itself: html/template would escape the "+" in
// them, which feed autodiscovery does not always decode.
type indexSection struct {
	ID          string
	Title       string
	Description string
	Page        string // the section's HTML page
	RSS         string // feed URLs
	Atom        string
	JSON        string
}

// renderIndex writes the index page. It depends on the config alone, so it
// is written once.
func (p *Publisher) renderIndex() (*rendering, error) {
	var page indexPage
	for _, s := range p.sections {
		is := indexSection{
			ID:          s.ID,
			Title:       xmlSafe(s.Title),
			Description: xmlSafe(s.Description),
			Page:        p.baseURL + "/sections/" + url.PathEscape(s.ID),
			RSS:         p.baseURL + "/feeds/" + url.PathEscape(s.ID) + ".rss",
			Atom:        p.baseURL + "/feeds/" + url.PathEscape(s.ID) + ".atom",
			JSON:        p.baseURL + "/feeds/" + url.PathEscape(s.ID) + ".json",
		}
		if is.Title == "" {
			is.Title = s.ID
		}
		page.Sections = append(page.Sections, is)
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, page); err != nil {
		return nil, err
	}
	return newRendering(buf.Bytes(), time.Time{}, "text/html; charset=utf-8", indexCacheControl), nil
}

// serveIndex serves the index page at /.
func (p *Publisher) serveIndex(w http.ResponseWriter, r *http.Request) {
	if p.indexErr != nil {
		http.Error(w, "could not render the index page", http.StatusInternalServerError)
		return
	}
	serve(w, r, p.index)
}
