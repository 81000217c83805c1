package publisher

import (
	"context"
	"encoding/xml"
	"fmt"
	"time"

	"wirefeed/store"
)

// tombstoneNS is the namespace of RFC 6721's Atom tombstones.
const tombstoneNS = "http://purl.org/atompub/tombstones/1.0"

// TombstoneReader is a StoryReader that knows which stories editors hid:
// a section's Atom feed then carries a tombstone for each of the newest
// hidden from it (RFC 6721 at:deleted-entry), so subscribers' readers
// remove the entry. RSS and JSON Feed have no such element: the story is
// simply gone from them, and their validators change with their content.
type TombstoneReader interface {
	// HiddenStories returns the newest limit stories hidden from the
	// section ("" for any), newest hidden first.
	HiddenStories(ctx context.Context, sectionID string, limit int) ([]store.HiddenStory, error)
}

// tombstones is how many hidden stories a feed announces at most.
const tombstones = 50

// deletedEntry is one tombstone of a feed.
type deletedEntry struct {
	Ref  string
	When time.Time
}

// atomDeleted is RFC 6721's <at:deleted-entry ref="…" when="…"/>.
type atomDeleted struct {
	XMLName xml.Name `xml:"at:deleted-entry"`
	Ref     string   `xml:"ref,attr"`
	When    string   `xml:"when,attr"`
}

// deletedEntries are the tombstones of the section query ("" for all),
// when the reader knows of hidden stories.
func (p *Publisher) deletedEntries(ctx context.Context, query string) ([]deletedEntry, error) {
	tr, ok := p.reader.(TombstoneReader)
	if !ok {
		return nil, nil
	}
	hidden, err := tr.HiddenStories(ctx, query, tombstones)
	if err != nil {
		return nil, fmt.Errorf("publisher: tombstones of %q: %w", query, err)
	}
	out := make([]deletedEntry, len(hidden))
	for i, h := range hidden {
		out[i] = deletedEntry{Ref: xmlSafe(h.FeedID), When: h.HiddenAt}
	}
	return out, nil
}
