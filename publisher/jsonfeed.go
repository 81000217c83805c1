package publisher

import (
	"net/url"
	"time"

	"wirefeed/internal/htmltext"
)

// jsonFeedVersion identifies JSON Feed 1.1.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed is a JSON Feed 1.1 document with the members wirefeed writes,
// encoded by encoding/json (encodeJSON). The JSON types are wirefeed's own:
// gorilla/feeds' JSONFeed is documented as JSON Feed version 1, writes an
// attachment's size as "size" (1.1 says "size_in_bytes") in an int32, the
// banner image as "banner_", and omits an empty "items", which JSON Feed
// requires.
type jsonFeed struct {
	Version     string      `json:"version"`
	Title       string      `json:"title"`
	Language    string      `json:"language,omitempty"`
	HomePageURL string      `json:"home_page_url,omitempty"`
	FeedURL     string      `json:"feed_url,omitempty"`
	Description string      `json:"description,omitempty"`
	NextURL     string      `json:"next_url,omitempty"`
	Hubs        []jsonHub   `json:"hubs,omitempty"`
	Items       []*jsonItem `json:"items"`
}

// jsonHub is a JSON Feed hub: where to subscribe to pushed updates.
type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// jsonItem is a JSON Feed 1.1 item with the item's language and the
// _source extension.
type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url,omitempty"`
	Title         string           `json:"title,omitempty"`
	ContentHTML   string           `json:"content_html,omitempty"`
	Summary       string           `json:"summary,omitempty"`
	Image         string           `json:"image,omitempty"`
	PublishedDate *time.Time       `json:"date_published,omitempty"`
	ModifiedDate  *time.Time       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language,omitempty"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
	Source        *jsonSource      `json:"_source"`
}

// jsonAuthor is a JSON Feed author.
type jsonAuthor struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// jsonAttachment is a JSON Feed attachment.
type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

// jsonSource is the _source extension object: the partner an item comes
// from and the credit it must be given. JSON Feed readers ignore keys that
// start with an underscore unless they know them.
type jsonSource struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	URL         string `json:"url,omitempty"`
	Attribution string `json:"attribution"`
}

// renderJSON writes f as a JSON Feed 1.1 document.
func renderJSON(f *feed) ([]byte, error) {
	doc := &jsonFeed{
		Version:     jsonFeedVersion,
		Title:       f.Title,
		Language:    f.Language,
		HomePageURL: f.HomeURL,
		FeedURL:     f.selfURL("json"),
		Description: f.Description,
		Items:       make([]*jsonItem, 0, len(f.Entries)),
	}
	if f.Hub != "" {
		doc.Hubs = []jsonHub{{Type: "WebSub", URL: f.Hub}}
	}
	for _, l := range f.Archive {
		if l.Rel == "prev-archive" { // JSON Feed's next_url leads to older items
			doc.NextURL = f.FeedsURL + l.Name + ".json"
		}
	}
	for i := range f.Entries {
		item := newJSONItem(&f.Entries[i])
		if item.URL == "" {
			// A story without a link of its own is still reachable here.
			item.URL = f.HomeURL + "story?id=" + url.QueryEscape(item.ID)
		}
		doc.Items = append(doc.Items, item)
	}
	return encodeJSON(f, doc)
}

func newJSONItem(e *entry) *jsonItem {
	x := &jsonItem{
		ID:           e.ID,
		URL:          e.Link,
		Title:        e.Title,
		ContentHTML:  e.body(),
		Summary:      publishedText(htmltext.Text(e.Summary)),
		Image:        e.Image,
		ModifiedDate: utcPtr(e.Updated),
		Tags:         e.Categories,
		Language:     e.Language,
		Source: &jsonSource{
			ID:          e.Partner.ID,
			Title:       e.Partner.Name,
			URL:         e.Partner.URL,
			Attribution: e.Partner.Attribution,
		},
	}
	if !e.Published.IsZero() {
		x.PublishedDate = utcPtr(e.Published)
	}
	for _, a := range e.Authors {
		ja := jsonAuthor{Name: a.Name, URL: a.URL}
		if ja.URL == "" && a.Email != "" {
			ja.URL = "mailto:" + a.Email // as JSON Feed suggests
		}
		x.Authors = append(x.Authors, ja)
	}
	for _, enc := range e.Enclosures {
		a := jsonAttachment{URL: enc.URL, MIMEType: enc.Type, Size: max(enc.Length, 0)}
		if a.MIMEType == "" {
			a.MIMEType = "application/octet-stream" // mime_type is required
		}
		x.Attachments = append(x.Attachments, a)
	}
	return x
}

// utcPtr returns a pointer to t in UTC.
func utcPtr(t time.Time) *time.Time {
	t = t.UTC()
	return &t
}
