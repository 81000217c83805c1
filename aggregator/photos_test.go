package aggregator

import (
	"net/url"
	"os"
	"testing"

	"github.com/mmcdole/gofeed"

	"wirefeed/store"
)

func TestPhotosKeepCaptionsAndAltText(t *testing.T) {
	data, err := os.ReadFile("testdata/photos.rss")
	if err != nil {
		t.Fatal(err)
	}
	feed, err := gofeed.NewParser().ParseString(string(data))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://wire.example/rss")
	n := newNormalizer("wire", "news.example.com", base, feed, testNow)

	thai := n.story(feed.Items[0])
	want := []store.Photo{
		{URL: "https://wire.example/img/boats.jpg", Caption: "Long-tail boats on the canal at sunrise", Credit: "Test Wire / Staff", Width: 1200, Height: 800},
		{URL: "https://wire.example/img/boats-thumb.jpg", Width: 300, Height: 200, Thumbnail: true},
		{URL: "https://wire.example/img/boats-2.jpg", Caption: "Vendors at dawn", Alt: "Boats loaded with mangoes"},
	}
	if len(thai.Photos) != len(want) {
		t.Fatalf("photos = %+v, want %+v (the video left out, the enclosure met once)", thai.Photos, want)
	}
	for i := range want {
		if thai.Photos[i] != want[i] {
			t.Errorf("photo %d = %+v, want %+v", i, thai.Photos[i], want[i])
		}
	}

	// A partner sending a picture and its description only: the
	// description, escaped, is the story's text.
	ja := n.story(feed.Items[1])
	if len(ja.Photos) != 1 || ja.Photos[0].Caption != "雪の積もった公園を歩く人たち <small>" {
		t.Errorf("media:group photo = %+v", ja.Photos)
	}
	if ja.Summary != "雪の積もった公園を歩く人たち &lt;small&gt;" {
		t.Errorf("summary from media:description = %q", ja.Summary)
	}

	// A caption edit is an edit.
	before := thai.ContentHash
	feed.Items[0].Extensions["media"]["content"][0].Children["description"][0].Value = "Boats at noon"
	if n.story(feed.Items[0]).ContentHash == before {
		t.Error("a changed caption left the content hash as it was")
	}
}
