package publisher

import (
	"time"

	"github.com/gorilla/feeds"

	"wirefeed/internal/htmltext"
)

// jsonFeedVersion identifies JSON Feed 1.1.
const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed is gorilla/feeds' JSONFeed with items of type jsonItem, written
// even when empty: "items" is required, and v1.2.0 omits an empty list.
type jsonFeed struct {
	feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

// jsonItem is gorilla/feeds' JSONItem with the item's language, attachments
// written with JSON Feed's key names (v1.2.0 writes "size" for
// "size_in_bytes" and holds sizes in an int32) and the _source extension.
// A field declared here hides the embedded field with the same JSON key.
type jsonItem struct {
	feeds.JSONItem
	Language    string           `json:"language,omitempty"`
	Attachments []jsonAttachment `json:"attachments,omitempty"`
	Source      *jsonSource      `json:"_source"`
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
		JSONFeed: feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       f.Title,
			Language:    f.Language,
			HomePageUrl: f.HomeURL,
			FeedUrl:     f.selfURL("json"),
			Description: f.Description,
		},
		Items: make([]*jsonItem, 0, len(f.Entries)),
	}
	if f.Hub != "" {
		doc.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: f.Hub}}
	}
	for _, l := range f.Archive {
		if l.Rel == "prev-archive" { // JSON Feed's next_url leads to older items
			doc.NextUrl = f.FeedsURL + l.Name + ".json"
		}
	}
	for i := range f.Entries {
		doc.Items = append(doc.Items, newJSONItem(&f.Entries[i]))
	}
	return encodeJSON(f, doc)
}

func newJSONItem(e *entry) *jsonItem {
	x := &jsonItem{
		JSONItem: feeds.JSONItem{
			Id:           e.ID,
			Url:          e.Link,
			Title:        e.Title,
			ContentHTML:  e.body(),
			Summary:      publishedText(htmltext.Text(e.Summary)),
			Image:        e.Image,
			ModifiedDate: utcPtr(e.Updated),
			Tags:         e.Categories,
		},
		Language: e.Language,
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
		ja := &feeds.JSONAuthor{Name: a.Name, Url: a.URL}
		if ja.Url == "" && a.Email != "" {
			ja.Url = "mailto:" + a.Email // as JSON Feed suggests
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
