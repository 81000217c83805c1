package aggregator

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeParseNormalize runs a fetched body through everything between
// the HTTP response and the store: charset decoding, repair, gofeed (or
// feed discovery for a page) and normalization. Nothing may panic, the
// text handed on must be UTF-8, and every story must come out complete.
//
//	go test ./aggregator -run '^$' -fuzz FuzzDecodeParseNormalize -fuzztime 30s
func FuzzDecodeParseNormalize(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	charsets, _ := filepath.Glob("testdata/charset/*")
	for _, file := range append(files, charsets...) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	// Hostile shapes, small: huge lists, huge fields, deep nesting.
	for _, doc := range hostileFeeds(300) {
		f.Add([]byte(doc), "")
	}
	for _, c := range charsetCases {
		f.Add([]byte(c.source()), c.contentType)
	}
	base, _ := url.Parse("https://partner.example/rss/")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		text, _, err := toUTF8(body, contentType, "")
		if err != nil {
			return // refused: its encoding cannot be told
		}
		if !utf8.Valid(text) {
			t.Fatalf("toUTF8 returned invalid UTF-8: %q", text)
		}
		doc := repair(text)
		feed, err := parseFeed(context.Background(), doc)
		if err != nil {
			if looksLikeHTML(contentType, doc) {
				discoverFeed(doc, base.String())
			}
			return
		}
		n := newNormalizer("fuzz", "news.example.com", base, feed, testNow)
		for _, item := range feed.Items {
			if item == nil {
				continue
			}
			st := n.story(item)
			switch {
			case st.Key == "" || st.PublicID == "" || st.ContentHash == "" || st.Title == "":
				t.Fatalf("incomplete story %+v", st)
			case st.Published.IsZero() || st.Published.After(testNow.Add(futureSkew)) || st.Updated.Before(st.Published):
				t.Fatalf("bad dates: published %v, updated %v", st.Published, st.Updated)
			case !utf8.ValidString(st.Title + st.Summary + st.Content + st.Link):
				t.Fatalf("invalid UTF-8 in %+v", st)
			}
			checkBounded(t, &st)
		}
	})
}
