package site

import (
	"strings"

	"wirefeed/publisher"
	"wirefeed/store"
)

// photoViews are a story's pictures as the page shows them: safe absolute
// URLs only, captions and alt text as plain text, the alt falling back to
// the caption and then to the headline (a picture is never without one).
func (s *Site) photoViews(st *store.Story, headline string) []photoView {
	var out []photoView
	seen := map[string]bool{}
	add := func(p store.Photo) {
		u := publisher.SafeURL(p.URL, st.Link)
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		v := photoView{URL: u, Caption: publisher.PlainText(p.Caption), Alt: publisher.PlainText(p.Alt),
			Credit: publisher.PlainText(p.Credit), Width: p.Width, Height: p.Height}
		if v.Alt == "" {
			v.Alt = v.Caption
		}
		if v.Alt == "" {
			v.Alt = headline
		}
		out = append(out, v)
	}
	for _, p := range st.Photos {
		add(p)
	}
	if st.Image != "" {
		add(store.Photo{URL: st.Image})
	}
	for _, e := range st.Enclosures {
		if strings.HasPrefix(e.Type, "image/") {
			add(store.Photo{URL: e.URL})
		}
	}
	return out
}

// thumbnail is the picture a list shows of a story: a thumbnail the
// partner made for lists, else its first picture.
func (s *Site) thumbnail(st *store.Story) (photoView, bool) {
	title := s.pub.Clean(st).Title
	views := s.photoViews(st, title)
	if len(views) == 0 {
		return photoView{}, false
	}
	for i, p := range st.Photos {
		if p.Thumbnail && i < len(views) && views[i].URL == publisher.SafeURL(p.URL, st.Link) {
			return views[i], true
		}
	}
	return views[0], true
}

// articlePhotos are the pictures an article shows in its photo block: all
// but thumbnails (smaller copies of another) and those its body already
// shows inline.
func (s *Site) articlePhotos(st *store.Story, headline, body string) []photoView {
	thumbs := map[string]bool{}
	for _, p := range st.Photos {
		if p.Thumbnail {
			thumbs[publisher.SafeURL(p.URL, st.Link)] = true
		}
	}
	var out []photoView
	for _, v := range s.photoViews(st, headline) {
		if thumbs[v.URL] && len(st.Photos) > 1 {
			continue
		}
		if strings.Contains(body, `src="`+htmlAttr(v.URL)+`"`) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// htmlAttr escapes a URL as the sanitiser writes attribute values.
func htmlAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&#34;").Replace(s)
}
