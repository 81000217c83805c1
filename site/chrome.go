package site

import (
	"context"
	"fmt"
	"net/url"

	"wirefeed/store"
)

// photoStripSize is how many pictures the Photos block shows, and
// photoWindow how many of the newest stories are looked through for them.
const (
	photoStripSize = 6
	photoWindow    = 60
)

// shared is what every page shows whatever its content: the sidebar of
// each section's newest headline and the Photos block. It is read once per
// generation of cached pages.
type shared struct {
	gen     uint64
	sidebar []sidebarSection
	photos  []photoCard
}

// shared returns the sidebar and photos of the current generation of
// pages, reading them when the generation moved on. A read that fails is
// not kept.
func (s *Site) shared(ctx context.Context) (*shared, error) {
	gen := s.pub.PageGeneration()
	s.memoMu.Lock()
	m := s.memo
	s.memoMu.Unlock()
	if m != nil && m.gen == gen {
		return m, nil
	}
	m = &shared{gen: gen}
	for _, sec := range s.listed {
		side := sidebarSection{Title: title(sec), URL: s.sectionURL(sec.ID)}
		newest, err := s.reader.SectionStories(ctx, storyQuery(sec), 1)
		if err != nil {
			return nil, fmt.Errorf("site: sidebar: %w", err)
		}
		if len(newest) > 0 {
			l := s.link(sec.ID, &newest[0])
			side.Story = &l
		}
		m.sidebar = append(m.sidebar, side)
	}
	recent, err := s.reader.SectionStories(ctx, "", photoWindow)
	if err != nil {
		return nil, fmt.Errorf("site: photos: %w", err)
	}
	m.photos = s.photoCards(ctx, recent)
	s.memoMu.Lock()
	if s.memo == nil || s.memo.gen <= gen {
		s.memo = m
	}
	s.memoMu.Unlock()
	return m, nil
}

// photoCards are the first photoStripSize of stories that have a picture,
// each linking to its page under its first section.
func (s *Site) photoCards(ctx context.Context, stories []store.Story) []photoCard {
	var out []photoCard
	for i := range stories {
		if len(out) == photoStripSize {
			break
		}
		st := &stories[i]
		p, ok := s.thumbnail(st)
		if !ok {
			continue
		}
		sec, err := s.homeSection(ctx, st.ID)
		if err != nil {
			continue
		}
		out = append(out, photoCard{Photo: p, Story: s.link(sec, st)})
	}
	return out
}

// homeSection is the section a story's own URL is under: the first, in
// config order, it is placed in, else the first section of every story.
func (s *Site) homeSection(ctx context.Context, storyID int64) (string, error) {
	placed, err := s.reader.StorySections(ctx, storyID)
	if err != nil {
		return "", err
	}
	return s.firstOf(placed), nil
}

// firstOf is the first section in config order among ids, else the first
// section of every story.
func (s *Site) firstOf(ids []string) string {
	for _, sec := range s.sections {
		for _, id := range ids {
			if sec.ID == id && !sec.All {
				return sec.ID
			}
		}
	}
	for _, sec := range s.sections {
		if sec.All {
			return sec.ID
		}
	}
	return s.sections[0].ID
}

// chrome is the frame of a page: masthead, navigation (current marks the
// section the page belongs to), feeds, sidebar and footer.
func (s *Site) chrome(sh *shared, pageTitle, description, current string) chrome {
	c := chrome{
		Lang: "en", SiteTitle: s.cfg.Site.Title, Tagline: s.cfg.Site.Tagline,
		Home: s.base + "/", CSS: s.base + cssPath, SizeCSS: s.base + sizeCSSPath,
		OPML: s.base + "/opml", Status: s.base + "/status", Sitemap: s.base + "/sitemap.xml",
		Title: pageTitle, Description: description, Year: s.now().In(s.loc).Year(),
	}
	if pageTitle != s.cfg.Site.Title {
		c.Title = pageTitle + " — " + s.cfg.Site.Title
	}
	if sh != nil {
		c.Sidebar, c.Strip = sh.sidebar, sh.photos
	}
	for _, sec := range s.listed {
		c.Nav = append(c.Nav, navLink{Title: title(sec), URL: s.sectionURL(sec.ID), Current: sec.ID == current})
	}
	return c
}

// feeds is a section's feeds, narrowed to one partner's stories when
// source is not "".
func (s *Site) feeds(sectionID, name, source string) feedLink {
	q := ""
	if source != "" {
		q = "?source=" + url.QueryEscape(source)
	}
	f := s.base + "/feeds/" + sectionID
	return feedLink{Title: name, RSS: f + ".rss" + q, Atom: f + ".atom" + q, JSON: f + ".json" + q}
}

// sectionURL is a section page's URL.
func (s *Site) sectionURL(id string) string { return s.base + "/sections/" + id }
