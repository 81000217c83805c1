package aggregator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"wirefeed/config"
	"wirefeed/internal/redact"
	"wirefeed/store"
)

// Preview is what a feed URL, or a page announcing a feed, offers before
// it is added as a source: the feed's address and title, its newest
// items and every category its items carry.
type Preview struct {
	FeedURL    string        `json:"feed_url"`
	Discovered bool          `json:"discovered"` // FeedURL was found on the page given
	Title      string        `json:"title"`
	Site       string        `json:"site,omitempty"`
	Items      []PreviewItem `json:"items"`
	Categories []string      `json:"categories"` // each once, in the feed's first spelling
}

// PreviewItem is one of a preview's newest items.
type PreviewItem struct {
	Title      string    `json:"title"`
	Link       string    `json:"link"`
	Published  time.Time `json:"published,omitzero"`
	Categories []string  `json:"categories,omitempty"`
}

// previewItems is how many of the newest items a preview shows.
const previewItems = 5

// Preview fetches rawURL as a new source's first pull would (through the
// same guard, limits and autodiscovery), without storing anything.
func (a *Aggregator) Preview(ctx context.Context, rawURL string) (Preview, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(a.cfg.Fetch.Timeout))
	defer cancel()
	src := config.Source{ID: "preview", URL: rawURL}
	var rec store.FetchRecord
	var rep Report
	doc, err := a.get(ctx, src, store.Source{}, rawURL, nil, &rec, &rep)
	if err != nil {
		return Preview{}, fmt.Errorf("fetch %s: %w", redact.URL(rawURL), err)
	}
	defer doc.release()
	out := Preview{FeedURL: rawURL}
	feed, err := a.parse(ctx, doc)
	if err != nil && looksLikeHTML(doc.contentType, doc.text) {
		link := discoverFeed(doc.text, doc.finalURL)
		if link == "" {
			return Preview{}, errors.New("the page is HTML and announces no feed (<link rel=\"alternate\">)")
		}
		if doc, err = a.get(ctx, src, store.Source{}, link, nil, &rec, &rep); err != nil {
			return Preview{}, fmt.Errorf("discovered feed %s: %w", redact.URL(link), err)
		}
		defer doc.release()
		out.FeedURL, out.Discovered = link, true
		feed, err = a.parse(ctx, doc)
	}
	if err != nil {
		return Preview{}, fmt.Errorf("parse: %w", err)
	}
	out.Title, out.Site = strings.TrimSpace(feed.Title), feedSite(feed, out.FeedURL)
	seen := map[string]bool{}
	for i, item := range feed.Items {
		for _, c := range item.Categories {
			if c = strings.TrimSpace(c); c != "" && !seen[strings.ToLower(c)] {
				seen[strings.ToLower(c)] = true
				out.Categories = append(out.Categories, c)
			}
		}
		if i >= previewItems {
			continue
		}
		pi := PreviewItem{Title: strings.TrimSpace(item.Title), Link: item.Link, Categories: item.Categories}
		if item.PublishedParsed != nil {
			pi.Published = item.PublishedParsed.UTC()
		}
		out.Items = append(out.Items, pi)
	}
	return out, nil
}
