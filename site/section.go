package site

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// Paging and search of section pages.
const (
	pageSize = 20
	// searchWindow bounds the stories one search request looks through,
	// in searchBatch reads; a search goes on from where it stopped.
	searchWindow = 1000
	searchBatch  = 200
	maxQueryLen  = 200
)

// sectionQuery is what a section page request asks for.
type sectionQuery struct {
	after  store.Cursor
	source string
	text   string // lower-cased
}

// parseSectionQuery reads ?after=, ?source= and ?q=.
func (s *Site) parseSectionQuery(v url.Values) (sectionQuery, error) {
	q := sectionQuery{source: v.Get("source"), text: strings.ToLower(strings.TrimSpace(v.Get("q")))}
	if len(q.text) > maxQueryLen {
		return q, fmt.Errorf("search: at most %d bytes", maxQueryLen)
	}
	if _, ok := s.cfg.SourceByID(q.source); q.source != "" && !ok {
		return q, fmt.Errorf("no partner %q", q.source)
	}
	if a := v.Get("after"); a != "" {
		sec, id, ok := strings.Cut(a, "-")
		unix, err1 := strconv.ParseInt(sec, 10, 64)
		n, err2 := strconv.ParseInt(id, 10, 64)
		if !ok || err1 != nil || err2 != nil || n <= 0 {
			return q, fmt.Errorf("after %q: not a place in the list", a)
		}
		q.after = store.Cursor{Published: time.Unix(unix, 0).UTC(), ID: n}
	}
	return q, nil
}

// encode is the query string of a page of the list (text as typed).
func (q sectionQuery) encode(after store.Cursor, text string) string {
	v := url.Values{}
	if q.source != "" {
		v.Set("source", q.source)
	}
	if text != "" {
		v.Set("q", text)
	}
	if !after.IsZero() {
		v.Set("after", strconv.FormatInt(after.Published.Unix(), 10)+"-"+strconv.FormatInt(after.ID, 10))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// serveSection serves /sections/{section}: cached, but for searches.
func (s *Site) serveSection(w http.ResponseWriter, r *http.Request) {
	sec, ok := s.section(r.PathValue("section"))
	if !ok {
		s.fail(w, r, errNotFound)
		return
	}
	q, err := s.parseSectionQuery(r.URL.Query())
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "Bad request", err.Error())
		return
	}
	typed := strings.TrimSpace(r.URL.Query().Get("q"))
	render := func(ctx context.Context) (publisher.Page, error) { return s.renderSection(ctx, sec, q, typed) }
	if q.text == "" {
		s.serveCached(w, r, "/sections/"+sec.ID+q.encode(q.after, ""), render)
		return
	}
	secure(w)
	pg, err := render(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	publisher.ServePageOnce(w, r, pg)
}

// renderSection renders one page of a section's stories.
func (s *Site) renderSection(ctx context.Context, sec config.Section, q sectionQuery, typed string) (publisher.Page, error) {
	sh, err := s.shared(ctx)
	if err != nil {
		return publisher.Page{}, err
	}
	stories, next, err := s.sectionStories(ctx, sec, q)
	if err != nil {
		return publisher.Page{}, err
	}
	page := s.sectionView(sh, sec, q, typed)
	for i := range stories {
		page.Stories = append(page.Stories, s.card(sec.ID, &stories[i]))
	}
	if !next.IsZero() {
		page.Older = page.Action + q.encode(next, typed)
	}
	if !q.after.IsZero() {
		page.Newer = page.Action + q.encode(store.Cursor{}, typed)
	}
	body, err := execute("section", page)
	if err != nil {
		return publisher.Page{}, err
	}
	return htmlPage(body), nil
}

// sectionView is a section page without its stories.
func (s *Site) sectionView(sh *shared, sec config.Section, q sectionQuery, typed string) sectionPage {
	name := title(sec)
	page := sectionPage{
		chrome: s.chrome(sh, name, publisher.PlainText(sec.Description), sec.ID),
		Crumbs: []crumb{{Title: "Home", URL: s.base + "/"}, {Title: name}},
		ID:     sec.ID, Heading: name, SectionDesc: publisher.PlainText(sec.Description),
		Action: s.sectionURL(sec.ID), Query: typed, Source: q.source,
		Subscribe: s.feeds(sec.ID, name, q.source),
		Empty:     "No stories yet.",
	}
	if q.source != "" {
		page.Partner = publisher.PlainText(s.source(q.source).Name)
		page.Heading = name + ": stories from " + page.Partner
		page.Subscribe.Title = page.Heading
		page.Crumbs = []crumb{{Title: "Home", URL: s.base + "/"}, {Title: name, URL: s.sectionURL(sec.ID)}, {Title: page.Partner}}
		page.chrome.Title = page.Heading + " — " + s.cfg.Site.Title
	}
	if typed != "" {
		page.Empty = "No story matches “" + typed + "”."
		page.chrome.Title = "Search: " + typed + " — " + page.chrome.Title
	}
	page.Feeds = []feedLink{page.Subscribe}
	return page
}

// sectionStories reads one page of the section after q.after: the next
// pageSize stories, or for a search the matches among the next
// searchWindow. next is where the following page starts; zero at the end.
func (s *Site) sectionStories(ctx context.Context, sec config.Section, q sectionQuery) (page []store.Story, next store.Cursor, err error) {
	if q.text == "" {
		page, err = s.reader.SectionPage(ctx, storyQuery(sec), q.source, q.after, pageSize+1)
		if err != nil {
			return nil, next, err
		}
		if len(page) > pageSize {
			page = page[:pageSize]
			next = store.CursorOf(page[pageSize-1])
		}
		return page, next, nil
	}
	after := q.after
	for looked := 0; looked < searchWindow; {
		batch, err := s.reader.SectionPage(ctx, storyQuery(sec), q.source, after, searchBatch)
		if err != nil {
			return nil, next, err
		}
		for i := range batch {
			looked++
			if s.matches(&batch[i], q.text) {
				page = append(page, batch[i])
			}
			if len(page) == pageSize || looked == searchWindow {
				if i < len(batch)-1 || len(batch) == searchBatch {
					next = store.CursorOf(batch[i])
				}
				return page, next, nil
			}
		}
		if len(batch) < searchBatch {
			return page, store.Cursor{}, nil
		}
		after = store.CursorOf(batch[len(batch)-1])
	}
	return page, after, nil
}

// matches reports whether a story's title or lead holds text, as the
// reader sees them (case aside).
func (s *Site) matches(st *store.Story, text string) bool {
	c := s.pub.Clean(st)
	return strings.Contains(strings.ToLower(c.Title), text) ||
		strings.Contains(strings.ToLower(publisher.PlainText(c.Summary)), text)
}
