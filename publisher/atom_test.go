package publisher

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed/atom"

	"wirefeed/store"
)

func TestAtom(t *testing.T) {
	p, _ := newTestPublisher(t)
	doc := fetch(t, p.Handler(), "/feeds/headlines.atom")
	wellFormed(t, doc)
	f := parseFeed(t, doc)

	if f.FeedType != "atom" {
		t.Errorf("feed type %s", f.FeedType)
	}
	if f.Title != "Headlines" || f.Description != "The newest stories" || f.Link != testBase+"/" {
		t.Errorf("title %q, subtitle %q, link %q", f.Title, f.Description, f.Link)
	}
	if f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(at("2024-06-03T10:30:00Z")) {
		t.Errorf("updated %v, want the newest update", f.UpdatedParsed)
	}
	checkItems(t, f.Items, wantHeadlines, true)

	native := f.OriginalFeed().(*atom.Feed)
	if native.ID != testBase+"/feeds/headlines.atom" {
		t.Errorf("feed id %q, want its own URL", native.ID)
	}
	var self []*atom.Link
	for _, l := range native.Links {
		if l.Rel == "self" {
			self = append(self, l)
		}
	}
	if len(self) != 1 || self[0].Href != testBase+"/feeds/headlines.atom" || self[0].Type != "application/atom+xml" {
		t.Errorf("rel=self links: %+v, want exactly one", self)
	}
	if native.Generator == nil || native.Generator.Value != "wirefeed" {
		t.Errorf("generator %+v", native.Generator)
	}
	for i, w := range wantHeadlines {
		e := native.Entries[i]
		src := e.Source
		if src == nil || src.ID != w.partnerURL || src.Title != w.partner ||
			len(src.Links) != 1 || src.Links[0].Href != w.partnerURL {
			t.Errorf("entry %d source %+v, want id and link %s, title %s", i, src, w.partnerURL, w.partner)
		}
		if e.Rights != w.attributionText {
			t.Errorf("entry %d rights %q, want %q", i, e.Rights, w.attributionText)
		}
		if e.Content == nil || e.Content.Type != "html" {
			t.Errorf("entry %d content %+v, want type html", i, e.Content)
		}
		var image string
		if m := e.Extensions["media"]["content"]; len(m) == 1 && m[0].Attrs["medium"] == "image" {
			image = m[0].Attrs["url"]
		}
		if image != w.image {
			t.Errorf("entry %d media:content image %q, want %q", i, image, w.image)
		}
		if e.Published == "" || e.Updated == "" {
			t.Errorf("entry %d published %q, updated %q", i, e.Published, e.Updated)
		}
	}
	// A summary is written beside the content when the story has both.
	if got := native.Entries[0].Summary; got != "<p>The yen fell against the dollar.</p>" {
		t.Errorf("entry 0 summary %q", got)
	}
	if !strings.Contains(doc, `<summary type="html">`) {
		t.Error("summary is not typed html")
	}
	if strings.Contains(doc, "urn:uuid:") {
		t.Error("random ids in the feed")
	}
}

// An entry whose partner names no author is not credited to the partner as
// its author; the entry's <source> names the partner as the source feed's
// author, which keeps the entry valid Atom (RFC 4287 §4.1.2).
func TestAtomEntryWithoutAuthorNamesThePartnerInItsSource(t *testing.T) {
	stories := testStories()
	for i := range stories {
		stories[i].Authors = nil
	}
	stories[2].Authors = append(stories[2].Authors, store.Person{}) // nothing to write
	p := New(testConfig(), &fakeReader{stories: map[string][]store.Story{"": stories}})
	native := parseFeed(t, fetch(t, p.Handler(), "/feeds/headlines.atom")).OriginalFeed().(*atom.Feed)
	for i, e := range native.Entries {
		if len(e.Authors) != 0 {
			t.Errorf("entry %d authors %+v, want none", i, e.Authors)
		}
		if e.Source == nil || len(e.Source.Authors) != 1 || e.Source.Authors[0].Name != wantHeadlines[i].partner || e.Source.Updated == "" {
			t.Errorf("entry %d source %+v, want the partner %s as its author, and its updated time", i, e.Source, wantHeadlines[i].partner)
		}
	}
}
