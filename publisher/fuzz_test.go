package publisher

import (
	"encoding/json"
	"strings"
	"testing"

	"wirefeed/store"
)

// FuzzPublishedStory publishes a story made of arbitrary partner text in
// every format and checks that each document is well formed, holds no
// character XML forbids (JSON: no control character in any string) and
// nothing executable. `go test` runs the seeds; `go test -fuzz
// FuzzPublishedStory ./publisher/` searches further.
func FuzzPublishedStory(f *testing.F) {
	for _, x := range xssPayloads {
		f.Add(x, x, x, x)
	}
	f.Add("t\x00i\x1ft\x7fle", "&#1;&#x0B;&#xFFFE;", "<p>]]>&#0;</p>", "cat\x01")
	f.Add("&amp;#1;", "&amp;lt;script&amp;gt;", "\xff\xfe<p>x</p>", "&amp;amp;")
	f.Fuzz(func(t *testing.T, title, summary, content, category string) {
		story := testStories()[0]
		story.Title, story.Summary, story.Content = title, summary, content
		story.Categories = []string{category}
		story.Authors = []store.Person{{Name: category, Email: title, URL: summary}}
		p := New(testConfig(), staticReader([]store.Story{story}))
		for _, ext := range []string{"rss", "atom", "json"} {
			doc := fetch(t, p.Handler(), "/feeds/economy."+ext)
			if xmlSafe(doc) != doc {
				t.Fatalf("%s: a character XML forbids:\n%q", ext, doc)
			}
			var htmlFields []string
			if ext == "json" {
				var v any
				if err := json.Unmarshal([]byte(doc), &v); err != nil {
					t.Fatalf("json: %v\n%s", err, doc)
				}
				htmlFields, _ = jsonFields(t, doc)
				for _, s := range htmlFields {
					if xmlSafe(s) != s {
						t.Fatalf("json: a control character in %q", s)
					}
				}
			} else {
				htmlFields, _ = xmlFields(t, doc) // fails unless well formed
			}
			for _, s := range htmlFields {
				if bad := executableHTML(s); len(bad) > 0 {
					t.Fatalf("%s: %s in %q", ext, strings.Join(bad, ", "), s)
				}
			}
		}
	})
}

// FuzzDefuse checks that defuse leaves nothing executable for a reader
// that takes text for HTML, changes nothing but "<" into "‹", and has
// nothing left to do on its own result.
func FuzzDefuse(f *testing.F) {
	for _, x := range xssPayloads {
		f.Add(x)
	}
	f.Add("History of the <blink> tag")
	f.Add("a < b <3 <b>x</b> <x-y> <!-- c --> <a href=x>")
	f.Fuzz(func(t *testing.T, s string) {
		out := defuse(s)
		if bad := executableHTML(out); len(bad) > 0 {
			t.Fatalf("defuse(%q) = %q: %s", s, out, strings.Join(bad, ", "))
		}
		if strings.ReplaceAll(out, "‹", "<") != strings.ReplaceAll(s, "‹", "<") {
			t.Fatalf("defuse(%q) = %q: more than '<' changed", s, out)
		}
		if again := defuse(out); again != out {
			t.Fatalf("defuse(%q) = %q, and again %q", s, out, again)
		}
	})
}
