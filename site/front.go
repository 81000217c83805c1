package site

import (
	"context"
	"net/http"

	"wirefeed/publisher"
)

// frontStories is how many stories each section shows on the front page.
const frontStories = 5

// serveFront serves the front page.
func (s *Site) serveFront(w http.ResponseWriter, r *http.Request) {
	s.serveCached(w, r, "/", s.renderFront)
}

// renderFront renders the front page: every section in config order with
// its lead story (photo and lead) and its next headlines, the Photos
// block, and the feeds in the footer.
func (s *Site) renderFront(ctx context.Context) (publisher.Page, error) {
	sh, err := s.shared(ctx)
	if err != nil {
		return publisher.Page{}, err
	}
	page := frontPage{chrome: s.chrome(sh, s.cfg.Site.Title, s.frontDescription(), "")}
	page.Front = true
	for _, sec := range s.listed {
		stories, err := s.reader.SectionStories(ctx, storyQuery(sec), frontStories)
		if err != nil {
			return publisher.Page{}, err
		}
		fs := frontSection{ID: sec.ID, Title: title(sec), URL: s.sectionURL(sec.ID)}
		for i := range stories {
			st := &stories[i]
			if i == 0 {
				c := s.card(sec.ID, st)
				fs.Top = &c
				continue
			}
			fs.More = append(fs.More, s.link(sec.ID, st))
		}
		page.Sections = append(page.Sections, fs)
	}
	page.Feeds = s.allFeeds()
	body, err := execute("front", page)
	if err != nil {
		return publisher.Page{}, err
	}
	return htmlPage(body), nil
}

// frontDescription describes the site to search engines and link
// previews.
func (s *Site) frontDescription() string {
	if s.cfg.Site.Tagline != "" {
		return s.cfg.Site.Tagline
	}
	return s.cfg.Site.Title + ": news from our partner wires"
}

// allFeeds is every section's feeds, for the front page's autodiscovery
// and footer.
func (s *Site) allFeeds() []feedLink {
	out := make([]feedLink, 0, len(s.sections))
	for _, sec := range s.sections {
		out = append(out, s.feeds(sec.ID, title(sec), ""))
	}
	return out
}
