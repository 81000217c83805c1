package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"wirefeed/config"
)

// Proposal is what the API proposes for a source about to be added,
// from what its feed says: an id not yet taken, the feed's title as
// name, an attribution, and each category the feed uses mapped to the
// section of that id or title (categories no section matches are left
// for the editor).
type Proposal struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Attribution string            `json:"attribution"`
	Categories  map[string]string `json:"categories"`
}

// previewSource answers POST /admin/sources/preview with {"url": "…"}: the
// URL is checked as an added source's is, then fetched as its first pull
// would be (autodiscovery included) without saving anything, and the
// answer is the feed (title, newest items, categories) and a proposal.
func (s *Server) previewSource(w http.ResponseWriter, r *http.Request) {
	fields, ok := readFields(w, r)
	if !ok || !s.checkURL(w, r, config.Sources, fields) {
		return
	}
	raw, _ := fields["url"].(string)
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusUnprocessableEntity, "url: want an absolute http(s) URL", []problem{{Key: "url", Message: "want an absolute http(s) URL, such as https://example.com/feed.xml"}})
		return
	}
	preview, title, categories, err := s.opts.Backend.PreviewSource(r.Context(), raw)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error(), []problem{{Key: "url", Message: err.Error()}})
		return
	}
	host := ""
	if u, err := url.Parse(raw); err == nil {
		host = strings.TrimPrefix(u.Hostname(), "www.")
	}
	writeJSON(w, http.StatusOK, map[string]any{"feed": preview, "proposed": s.propose(r.Context(), title, host, categories)})
}

// propose makes a Proposal for a feed titled title at host.
func (s *Server) propose(ctx context.Context, title, host string, categories []string) Proposal {
	cfg := s.opts.Backend.Config()
	taken := map[string]bool{}
	for _, src := range cfg.Sources {
		taken[src.ID] = true
	}
	base := idFrom(title)
	if base == "" {
		base = idFrom(strings.Split(host, ".")[0])
	}
	if base == "" {
		base = "source"
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	name := title
	if name == "" {
		name = host
	}
	p := Proposal{ID: id, Name: name, Attribution: "Provided by " + name, Categories: map[string]string{}}
	for _, c := range categories {
		for _, sec := range cfg.Sections {
			if !sec.All && (strings.EqualFold(c, sec.ID) || strings.EqualFold(c, sec.Title)) {
				p.Categories[c] = sec.ID
				break
			}
		}
	}
	return p
}

// idFrom makes a source id of text: lower-case ASCII letters and digits,
// words joined by "-", at most 32 characters; "" when nothing is left.
func idFrom(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(text) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 32 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
