package aggregator

import (
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"

	"wirefeed/store"
)

// maxPhotos bounds the photos kept of one story.
const maxPhotos = 12

// photos gathers a story's pictures with what the partner says of them, in
// this order: Media RSS media:content (also inside media:group) with its
// media:description, media:title and media:credit; media:thumbnail; image
// enclosures; the item's image; the images of its HTML with their alt text
// and figcaption. A picture named twice is kept once, its first caption
// and alt kept, the others filling in what it lacks.
func (n *normalizer) photos(item *gofeed.Item) []store.Photo {
	var c photoList
	media := item.Extensions["media"]
	for _, g := range media["group"] {
		n.mediaContents(&c, g.Children["content"], g.Children)
	}
	n.mediaContents(&c, media["content"], media)
	for _, th := range media["thumbnail"] {
		c.add(store.Photo{URL: n.resolve(th.Attrs["url"]), Width: atoi(th.Attrs["width"]), Height: atoi(th.Attrs["height"]), Thumbnail: true})
	}
	for _, e := range item.Enclosures {
		if e != nil && strings.HasPrefix(strings.TrimSpace(e.Type), "image/") {
			c.add(store.Photo{URL: n.resolve(e.URL)})
		}
	}
	if item.Image != nil {
		c.add(store.Photo{URL: n.resolve(item.Image.URL), Caption: clean(item.Image.Title)})
	}
	for _, doc := range []string{item.Content, item.Description} {
		for _, p := range htmlPhotos(doc) {
			p.URL = n.resolve(p.URL)
			c.add(p)
		}
	}
	return c.list
}

// mediaContents adds the image media:content elements, each described by
// its own children or else by the enclosing item's or group's (parent).
func (n *normalizer) mediaContents(c *photoList, contents []ext.Extension, parent map[string][]ext.Extension) {
	for _, m := range contents {
		typ, medium := m.Attrs["type"], m.Attrs["medium"]
		if medium != "image" && !strings.HasPrefix(typ, "image/") && (medium != "" || typ != "" || !looksLikeImage(m.Attrs["url"])) {
			continue
		}
		p := store.Photo{URL: n.resolve(m.Attrs["url"]), Width: atoi(m.Attrs["width"]), Height: atoi(m.Attrs["height"])}
		p.Caption = firstText(m.Children, parent, "description", "title")
		p.Credit = firstText(m.Children, parent, "credit")
		c.add(p)
	}
}

// firstText returns the text of the first of names found in own, else in
// parent.
func firstText(own, parent map[string][]ext.Extension, names ...string) string {
	for _, m := range []map[string][]ext.Extension{own, parent} {
		for _, name := range names {
			for _, e := range m[name] {
				if t := clean(e.Value); t != "" {
					return t
				}
			}
		}
	}
	return ""
}

// photoList collects photos, one per URL.
type photoList struct{ list []store.Photo }

func (c *photoList) add(p store.Photo) {
	if p.URL == "" || strings.HasPrefix(p.URL, "data:") {
		return
	}
	for i := range c.list {
		if q := &c.list[i]; q.URL == p.URL {
			q.Caption = or(q.Caption, p.Caption)
			q.Alt = or(q.Alt, p.Alt)
			q.Credit = or(q.Credit, p.Credit)
			q.Width, q.Height = or(q.Width, p.Width), or(q.Height, p.Height)
			q.Thumbnail = q.Thumbnail && p.Thumbnail
			return
		}
	}
	if len(c.list) < maxPhotos {
		c.list = append(c.list, p)
	}
}

// htmlPhotos returns the images of an HTML fragment with their alt text,
// and the figcaption of the figure an image is in as its caption.
func htmlPhotos(doc string) []store.Photo {
	if !imgTag.MatchString(doc) {
		return nil
	}
	var out []store.Photo
	figure := -1 // index in out of the first image of the open figure
	var caption *strings.Builder
	z := html.NewTokenizer(strings.NewReader(doc))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		tok := z.Token()
		switch {
		case tt == html.TextToken && caption != nil:
			caption.WriteString(tok.Data)
		case tt == html.EndTagToken && tok.Data == "figcaption" && caption != nil:
			if figure >= 0 {
				for i := figure; i < len(out); i++ {
					out[i].Caption = or(out[i].Caption, clean(caption.String()))
				}
			}
			caption = nil
		case tt == html.EndTagToken && tok.Data == "figure":
			figure = -1
		case tt != html.StartTagToken && tt != html.SelfClosingTagToken:
		case tok.Data == "figure":
			figure = len(out)
		case tok.Data == "figcaption":
			caption = &strings.Builder{}
		case tok.Data == "img":
			p := store.Photo{}
			for _, a := range tok.Attr {
				switch a.Key {
				case "src":
					p.URL = strings.TrimSpace(a.Val)
				case "alt":
					p.Alt = clean(a.Val)
				case "width":
					p.Width = atoi(a.Val)
				case "height":
					p.Height = atoi(a.Val)
				}
			}
			out = append(out, p)
		}
	}
	return out
}

// looksLikeImage reports whether a URL's path ends like an image file's.
func looksLikeImage(u string) bool {
	path, _, _ := strings.Cut(strings.ToLower(u), "?")
	for _, e := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"} {
		if strings.HasSuffix(path, e) {
			return true
		}
	}
	return false
}

// clean collapses white space.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 100000 {
		return 0
	}
	return n
}

func or[T comparable](a, b T) T {
	var zero T
	if a == zero {
		return b
	}
	return a
}
