package publisher

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"wirefeed/config"
	"wirefeed/store"
)

// ArchiveReader is what RFC 5005 archives need from the store; a
// StoryReader that also implements it gets archives.
type ArchiveReader interface {
	// ArchivePage returns the stories of a section ("" for all) in
	// archive page n, newest first.
	ArchivePage(ctx context.Context, sectionID string, n int) ([]store.Story, error)
	// CurrentArchivePage is the page new stories go to; earlier pages are
	// complete.
	CurrentArchivePage(ctx context.Context) (int, error)
}

// archiveName is the path under /feeds/ of a section's archive page.
func archiveName(section string, page string) string {
	return url.PathEscape(section) + "/archive/" + page
}

// serveArchive answers GET /feeds/{section}/archive/{page}: {page} is
// "N.ext" or "current.ext" (the page new stories go to). Each page links
// prev-archive (older), next-archive (newer) and current (the section's
// feed), so a partner back from downtime walks from current.ext back to
// where it stopped and sees every story exactly once.
func (p *Publisher) serveArchive(w http.ResponseWriter, r *http.Request) {
	ar, ok := p.reader.(ArchiveReader)
	sec, known := p.byID[r.PathValue("section")]
	page := r.PathValue("page")
	dot := strings.LastIndexByte(page, '.')
	var f *format
	if dot > 0 {
		f = formatByExt(page[dot+1:])
	}
	if !ok || !known || f == nil {
		http.Error(w, "no such archive page", http.StatusNotFound)
		return
	}
	current, err := ar.CurrentArchivePage(r.Context())
	if err != nil {
		http.Error(w, "archive unavailable", http.StatusInternalServerError)
		return
	}
	n := current
	if num := page[:dot]; num != "current" {
		n, err = strconv.Atoi(num)
		if err != nil || n < 0 || n > current || strconv.Itoa(n) != num {
			http.Error(w, fmt.Sprintf("no archive page %q of section %q", num, sec.ID), http.StatusNotFound)
			return
		}
	}
	res, err := p.renderArchive(r.Context(), ar, sec, f, n, current, page[:dot])
	if err != nil {
		http.Error(w, "archive unavailable", http.StatusInternalServerError)
		return
	}
	serve(w, r, res)
}

// renderArchive renders archive page n, asked for as name ("current" or
// its number), which its rel="self" link repeats.
func (p *Publisher) renderArchive(ctx context.Context, ar ArchiveReader, sec config.Section, f *format, n, current int, name string) (*rendering, error) {
	query := sec.ID
	if sec.All {
		query = ""
	}
	stories, err := ar.ArchivePage(ctx, query, n)
	if err != nil {
		return nil, err
	}
	fd := p.buildFeed(sec, stories)
	fd.Page = archiveName(sec.ID, name)
	fd.Complete = n < current
	fd.Archive = []archiveLink{{Rel: "current", Name: sec.ID}}
	if n > 0 {
		fd.Archive = append(fd.Archive, archiveLink{Rel: "prev-archive", Name: archiveName(sec.ID, strconv.Itoa(n-1))})
	}
	if n < current {
		fd.Archive = append(fd.Archive, archiveLink{Rel: "next-archive", Name: archiveName(sec.ID, strconv.Itoa(n+1))})
	}
	body, err := f.render(fd)
	if err != nil {
		return nil, err
	}
	modified, err := p.lastModified(ctx, query, fd.Updated)
	if err != nil {
		return nil, err
	}
	return newPlainRendering(body, modified, f.contentType(), cacheControlValue(fd.MaxAge)), nil
}
