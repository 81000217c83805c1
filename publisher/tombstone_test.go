package publisher

import (
	"context"
	"strings"
	"testing"
	"time"

	"wirefeed/store"
)

// tombReader is a static section with one story editors hid.
type tombReader struct{ staticReader }

func (tombReader) HiddenStories(_ context.Context, section string, limit int) ([]store.HiddenStory, error) {
	return []store.HiddenStory{{StoryID: 9, FeedID: "tag:example.org,2026:nation/hidden-1",
		HiddenAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}}, nil
}

// TestAtomTombstones: a section whose reader knows of hidden stories
// announces each with an RFC 6721 at:deleted-entry, and the feed stays
// valid Atom (RFC 4287's schema allows foreign elements); RSS and JSON
// Feed carry no trace of it.
func TestAtomTombstones(t *testing.T) {
	p := New(testConfig(), tombReader{staticReader(testStories())})
	atom := fetch(t, p.Handler(), "/feeds/economy.atom")
	want := `<at:deleted-entry ref="tag:example.org,2026:nation/hidden-1" when="2026-12-01T10:00:00Z"></at:deleted-entry>`
	if !strings.Contains(atom, `xmlns:at="http://purl.org/atompub/tombstones/1.0"`) || !strings.Contains(atom, want) {
		t.Fatalf("Atom lacks the tombstone %s:\n%s", want, atom)
	}
	validFeed(t, "atom", atom)
	relaxNGAtom(t, xmllintPath(t), atom)
	for _, ext := range []string{"rss", "json"} {
		if doc := fetch(t, p.Handler(), "/feeds/economy."+ext); strings.Contains(doc, "hidden-1") {
			t.Errorf("%s names the hidden story:\n%s", ext, doc)
		}
	}
}
