package publisher

import (
	"encoding/json"
	"testing"
)

func TestJSONFeed(t *testing.T) {
	p, _ := newTestPublisher(t)
	doc := fetch(t, p.Handler(), "/feeds/headlines.json")
	f := parseFeed(t, doc)

	if f.FeedType != "json" || f.FeedVersion != "https://jsonfeed.org/version/1.1" {
		t.Errorf("feed type %s %s", f.FeedType, f.FeedVersion)
	}
	if f.Title != "Headlines" || f.Description != "The newest stories" || f.Link != testBase+"/" {
		t.Errorf("title %q, description %q, home_page_url %q", f.Title, f.Description, f.Link)
	}
	if f.FeedLink != testBase+"/feeds/headlines.json" || f.Language != "en" {
		t.Errorf("feed_url %q, language %q", f.FeedLink, f.Language)
	}
	checkItems(t, f.Items, wantHeadlines, true)

	var raw struct {
		Version string `json:"version"`
		Items   []struct {
			ID          string `json:"id"`
			ExternalURL string `json:"external_url"`
			Summary     string `json:"summary"`
			Attachments []struct {
				Size int64 `json:"size_in_bytes"`
			} `json:"attachments"`
			Source *struct {
				ID, Title, URL, Attribution string
			} `json:"_source"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Version != "https://jsonfeed.org/version/1.1" {
		t.Errorf("version %q", raw.Version)
	}
	seen := map[string]bool{}
	for i, it := range raw.Items {
		w := wantHeadlines[i]
		if it.ID == "" || seen[it.ID] {
			t.Errorf("item %d id %q is empty or repeated", i, it.ID)
		}
		seen[it.ID] = true
		if it.ExternalURL != "" {
			t.Errorf("item %d external_url %q, want none", i, it.ExternalURL)
		}
		if img := f.Items[i].Image; w.image != "" && (img == nil || img.URL != w.image) {
			t.Errorf("item %d image %v, want %s", i, img, w.image)
		}
		s := it.Source
		if s == nil || s.Title != w.partner || s.URL != w.partnerURL || s.Attribution != w.attributionText || s.ID == "" {
			t.Errorf("item %d _source %+v", i, s)
		}
	}
	if got := raw.Items[0].Summary; got != "The yen fell against the dollar." {
		t.Errorf("item 0 summary %q, want plain text", got)
	}
	if a := raw.Items[0].Attachments; len(a) != 1 || a[0].Size != 48213 {
		t.Errorf("item 0 attachments %+v", a)
	}
}
