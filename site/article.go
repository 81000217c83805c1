package site

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wirefeed/config"
	"wirefeed/publisher"
	"wirefeed/store"
)

// serveArticle serves /sections/{section}/{id}-{words}.
func (s *Site) serveArticle(w http.ResponseWriter, r *http.Request) {
	sec, ok := s.section(r.PathValue("section"))
	ref := r.PathValue("story")
	digits, _, _ := strings.Cut(ref, "-")
	id, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || id <= 0 {
		s.fail(w, r, errNotFound)
		return
	}
	s.serveCached(w, r, "/sections/"+sec.ID+"/"+ref, func(ctx context.Context) (publisher.Page, error) {
		return s.renderArticle(ctx, sec, id, ref)
	})
}

// renderArticle renders story id as a page of section sec, or tells where
// it lives now: the published copy's page when id is another partner's
// copy, the story's own section when it is not in sec, the new words of a
// changed title.
func (s *Site) renderArticle(ctx context.Context, sec config.Section, id int64, ref string) (publisher.Page, error) {
	st, err := s.reader.FindStory(ctx, strconv.FormatInt(id, 10))
	if err != nil {
		return publisher.Page{}, err
	}
	if st.DuplicateOf != 0 {
		if st, err = s.reader.FindStory(ctx, strconv.FormatInt(st.DuplicateOf, 10)); err != nil {
			return publisher.Page{}, err
		}
	}
	places, err := s.reader.StorySections(ctx, st.ID)
	if err != nil {
		return publisher.Page{}, err
	}
	headline := s.pub.Clean(&st).Title
	home := sec.ID
	if !sec.All && !slices.Contains(places, sec.ID) {
		home = s.firstOf(places)
	}
	if home != sec.ID || st.ID != id || ref != strconv.FormatInt(st.ID, 10)+"-"+slug(headline) {
		return publisher.Page{}, &redirect{to: s.base + articlePath(home, &st, headline)}
	}
	copies, err := s.reader.StoryCopies(ctx, publishedID(&st))
	if err != nil {
		return publisher.Page{}, err
	}
	sh, err := s.shared(ctx)
	if err != nil {
		return publisher.Page{}, err
	}
	body, err := execute("article", s.articleView(sh, sec, &st, copies))
	if err != nil {
		return publisher.Page{}, err
	}
	return htmlPage(body), nil
}

// publishedID is the id a story is published under in the feeds.
func publishedID(st *store.Story) string {
	if st.FeedID != "" {
		return st.FeedID
	}
	return st.PublicID
}

// articleView is the page of st in section sec.
func (s *Site) articleView(sh *shared, sec config.Section, st *store.Story, copies []store.Story) articlePage {
	text := s.pub.Clean(st)
	src := s.source(st.SourceID)
	a := articlePage{
		URL: s.base + articlePath(sec.ID, st, text.Title), Original: publisher.SafeURL(st.Link, ""),
		Lang: langOf(st), Headline: text.Title, Partner: publisher.PlainText(src.Name),
		Attribution: sentence(publisher.PlainText(src.Attribution)), Dateline: s.when(st.Published),
		Crumbs: []crumb{{Title: "Home", URL: s.base + "/"}, {Title: title(sec), URL: s.sectionURL(sec.ID)}, {Title: "Article"}},
	}
	if st.Updated.After(st.Published) {
		u := s.when(st.Updated)
		a.Updated = &u
	}
	for _, p := range st.Authors {
		if name := publisher.PlainText(p.Name); name != "" {
			a.Authors = append(a.Authors, name)
		}
	}
	body := text.Content
	if body == "" {
		body = text.Summary
	} else if lead := publisher.PlainText(text.Summary); lead != "" && !strings.HasPrefix(publisher.PlainText(body), lead) {
		a.Lead = lead
	}
	a.Body = template.HTML(body) // the feeds' sanitiser made it
	a.Photos = s.articlePhotos(st, text.Title, body)
	for i := range copies {
		if c := &copies[i]; c.ID != st.ID {
			a.Copies = append(a.Copies, copyView{Partner: publisher.PlainText(s.source(c.SourceID).Name),
				Title: s.pub.Clean(c).Title, URL: publisher.SafeURL(c.Link, ""), Lang: langOf(c)})
		}
	}
	description := a.Lead
	if description == "" {
		description = cut(publisher.PlainText(body), leadRunes)
	}
	a.chrome = s.chrome(sh, text.Title, description, sec.ID)
	a.chrome.Feeds = []feedLink{s.feeds(sec.ID, title(sec), "")}
	a.Sizes = sizeLinks(s.base, articlePath(sec.ID, st, text.Title))
	a.OpenGraph = s.openGraph(&a, sec)
	a.JSONLD = s.jsonLD(&a, sec, st)
	return a
}

// sentence ends s with a full stop unless it ends with punctuation:
// "Provided by Nation."
func sentence(s string) string {
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?。") {
		return s
	}
	return s + "."
}

// sizeLinks are the text-size control's links, each coming back to path.
func sizeLinks(base, path string) []sizeLink {
	var out []sizeLink
	for _, size := range textSizes {
		out = append(out, sizeLink{Label: size.name, Class: "ts-" + size.name,
			URL: base + "/textsize?size=" + size.name + "&back=" + url.QueryEscape(path)})
	}
	return out
}
