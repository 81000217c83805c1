package publisher

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"wirefeed/store"
)

// TestPartnerTextIsPublishedAsWritten publishes titles and a summary that
// a careless HTML-to-text step would change (issue 10, item 5), and reads
// every format back as a feed reader does: with an XML or JSON parser, and
// with gofeed. A Shift_JIS partner's IDEOGRAPHIC SPACE and a Thai
// partner's NO-BREAK SPACE stay; a title about the <blink> tag keeps the
// tag as text, whether the partner's feed gave it as plain text (an Atom
// title of type "text") or as HTML escaped once (type "html").
func TestPartnerTextIsPublishedAsWritten(t *testing.T) {
	const (
		japanese = "値下がり\u3000全国平均"
		thai     = "ฝนตกหนัก\u00a0ทั่วภาคเหนือ"
		blink    = "History of the <blink> tag"
	)
	stored := []struct{ title, summary, want string }{
		{japanese, "<p>ガソリン価格が\u3000値下がり</p>", japanese},
		{"ฝนตกหนัก&nbsp;ทั่วภาคเหนือ", "", thai},
		{"History of the &lt;blink&gt; tag", "<p>The &lt;blink&gt; tag, gone.</p>", blink}, // HTML
		{blink, "", blink}, // plain text
	}
	var stories []store.Story
	var want []string
	for i, s := range stored {
		stories = append(stories, store.Story{
			ID: int64(i + 1), SourceID: "jiji", PublicID: fmt.Sprintf("tag:news.example.com,2024:jiji/%d", i+1),
			Link:  fmt.Sprintf("https://jen.jiji.com/jc/eng?k=%d", i+1),
			Title: s.title, Summary: s.summary, Language: "ja",
			Published: at("2024-06-03T09:00:00Z").Add(-time.Duration(i) * time.Minute),
		})
		want = append(want, s.want)
	}
	p := New(testConfig(), staticReader(stories))
	for _, ext := range []string{"rss", "atom", "json"} {
		doc := fetch(t, p.Handler(), "/feeds/economy."+ext)
		var titles []string
		switch ext {
		case "json":
			var f struct {
				Items []struct{ Title, Summary string }
			}
			if err := json.Unmarshal([]byte(doc), &f); err != nil {
				t.Fatalf("json: %v", err)
			}
			for _, it := range f.Items {
				titles = append(titles, it.Title)
			}
			if len(f.Items) == len(stored) {
				if got := f.Items[0].Summary; got != "ガソリン価格が\u3000値下がり" {
					t.Errorf("json: summary %q", got)
				}
				if got := f.Items[2].Summary; got != "The <blink> tag, gone." {
					t.Errorf("json: summary %q", got)
				}
			}
		default:
			// The tag is escaped in the XML, so that a reader shows it.
			if !strings.Contains(doc, "<title>History of the &lt;blink&gt; tag</title>") {
				t.Errorf("%s: the <blink> title is not escaped as XML text:\n%s", ext, doc)
			}
			root, err := parseXMLTree(doc)
			if err != nil {
				t.Fatalf("%s: %v", ext, err)
			}
			root.walk(func(n *xnode) {
				if n.name.Local != "item" && n.name.Local != "entry" {
					return
				}
				for _, c := range n.children {
					if c.name.Local == "title" {
						titles = append(titles, c.text)
					}
				}
			})
		}
		if strings.Join(titles, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: titles\n%q\nwant\n%q", ext, titles, want)
		}
		f := parseFeed(t, doc)
		for i, it := range f.Items {
			if i < len(want) && it.Title != want[i] {
				t.Errorf("%s: gofeed reads title %q, want %q", ext, it.Title, want[i])
			}
		}
	}
}
