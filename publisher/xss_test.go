package publisher

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"wirefeed/store"
)

// xssPayloads are attempts to get something executable through the
// publisher: script in every disguise, event handlers, javascript:, data:
// and vbscript: URLs (obfuscated with entities, white space, case and
// control characters), style injection, frames, forms, plugins, meta
// refresh, CDATA and comment tricks, and markup that mutates when parsed
// again (mXSS).
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://evil.example/x.js></SCRIPT>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<img src=x onerror=alert(1)>`,
	`<img src="x" ONERROR="alert(1)" alt="a">`,
	`<img src=x:alert(alt) onerror=eval(src) alt=0>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">js</a>`,
	`<a href="JaVaScRiPt:alert(1)">case</a>`,
	`<a href=" javascript:alert(1)">space</a>`,
	"<a href=\"java\tscript:alert(1)\">tab</a>",
	"<a href=\"java\nscript:alert(1)\">newline</a>",
	"<a href=\"\x01javascript:alert(1)\">control</a>",
	`<a href="jav&#x09;ascript:alert(1)">entity tab</a>`,
	`<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">decimal</a>`,
	`<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">hex no semicolons</a>`,
	`<a href="javascript&colon;alert(1)">named colon</a>`,
	`<a href="javascript://%0aalert(1)">comment</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>`,
	`<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">`,
	`<a href="vbscript:msgbox(1)">vb</a>`,
	`<a href="https://ok.example/" onclick="alert(1)" onmouseover="alert(1)" target="_blank">ok</a>`,
	`<div style="background:url(javascript:alert(1))">style url</div>`,
	`<p style="width: expression(alert(1))">expression</p>`,
	`<style>body{background:url("javascript:alert(1)")}</style>`,
	`<link rel="stylesheet" href="javascript:alert(1)">`,
	`<iframe src="https://evil.example/"></iframe>`,
	`<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>`,
	`<iframe/src="data:text/html,<script>alert(1)</script>">`,
	`<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(1)">go</button></form>`,
	`<object data="https://evil.example/x.swf"></object>`,
	`<embed src="https://evil.example/x.swf">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="javascript:alert(1)//">`,
	`<body onload=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<video><source onerror="alert(1)"></video>`,
	`<![CDATA[<script>alert(1)</script>]]>`,
	`]]><script>alert(1)</script><![CDATA[`,
	`<!--<script>alert(1)</script>-->`,
	`<!--><script>alert(1)</script>-->`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<textarea><script>alert(1)</script></textarea>`,
	`<title><script>alert(1)</script></title>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;`,
	`<xss style="x:expression(alert(1))">`,
	`<a href="/relative" onfocus="alert(1)" autofocus>relative</a>`,
}

// xssStories puts every payload in a story's title, summary and content,
// and unsafe URLs in links, images, enclosures and author URLs.
func xssStories() []store.Story {
	unsafeURLs := []string{"javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "java\x00script:alert(1)"}
	stories := make([]store.Story, len(xssPayloads))
	for i, x := range xssPayloads {
		u := unsafeURLs[i%len(unsafeURLs)]
		link := fmt.Sprintf("https://partner.example/news/%d", i)
		if i%7 == 3 {
			link = u
		}
		stories[i] = store.Story{
			ID: int64(i + 1), SourceID: []string{"nation", "jiji"}[i%2],
			PublicID:   fmt.Sprintf("tag:news.example.com,2024:xss/%d", i),
			Link:       link,
			Title:      "Story " + fmt.Sprint(i) + " " + x,
			Summary:    x,
			Content:    "<p>before</p>" + x + "<p>after</p>",
			Authors:    []store.Person{{Name: x, URL: u, Email: x}},
			Categories: []string{x},
			Enclosures: []store.Enclosure{{URL: u, Type: "text/html"}},
			Image:      u,
			Language:   "en",
			Published:  at("2024-06-03T09:00:00Z"),
		}
	}
	return stories
}

// TestXSSCorpusYieldsNothingExecutable publishes the corpus in every
// format, parses each document back as a reader would, and walks the HTML
// of every field a reader may render as HTML (titles included: some readers
// take RSS titles for HTML) and every URL it may follow.
func TestXSSCorpusYieldsNothingExecutable(t *testing.T) {
	if len(xssPayloads) < 30 {
		t.Fatalf("%d payloads, want at least 30", len(xssPayloads))
	}
	cfg := testConfig()
	cfg.Sections[2].Limit = 1000 // economy: every story
	p := New(cfg, staticReader(xssStories()))
	h := p.Handler()
	for _, ext := range []string{"rss", "atom", "json"} {
		doc := fetch(t, h, "/feeds/economy."+ext)
		var htmlFields, urls []string
		switch ext {
		case "json":
			htmlFields, urls = jsonFields(t, doc)
		default:
			htmlFields, urls = xmlFields(t, doc)
		}
		if len(htmlFields) < 3*len(xssPayloads) {
			t.Fatalf("%s: only %d HTML fields found", ext, len(htmlFields))
		}
		for _, f := range htmlFields {
			for _, bad := range executableHTML(f) {
				t.Errorf("%s: %s in %q", ext, bad, f)
			}
		}
		for _, u := range urls {
			if !safeURL(u) {
				t.Errorf("%s: unsafe URL %q", ext, u)
			}
		}
		// What is harmless survives: the text around the payloads, the safe
		// link of payload 24 without its handlers, the relative link made absolute.
		for _, want := range []string{"before", "after", "https://ok.example/", "https://partner.example/relative"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: %q was lost", ext, want)
			}
		}
	}
}

// xmlFields returns the text of every element and the value of every
// attribute of an RSS or Atom document: all of it is checked as HTML, and
// attributes and link-like elements as URLs.
func xmlFields(t *testing.T, doc string) (htmlFields, urls []string) {
	root, err := parseXMLTree(doc)
	if err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	root.walk(func(n *xnode) {
		if s := strings.TrimSpace(n.text); s != "" {
			htmlFields = append(htmlFields, s)
			switch n.name.Local {
			case "link", "uri", "icon", "logo", "comments", "docs":
				urls = append(urls, s)
			}
		}
		for _, a := range n.attrs {
			switch a.Name.Local {
			case "href", "url", "src", "uri":
				urls = append(urls, a.Value)
			}
		}
	})
	return htmlFields, urls
}

// jsonFields returns every string of a JSON document as HTML to check, and
// those under URL keys as URLs.
func jsonFields(t *testing.T, doc string) (htmlFields, urls []string) {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				walk(k, c)
			}
		case []any:
			for _, c := range v {
				walk(key, c)
			}
		case string:
			htmlFields = append(htmlFields, v)
			switch key {
			case "url", "external_url", "image", "banner_image", "avatar", "home_page_url", "feed_url", "next_url", "icon", "favicon":
				urls = append(urls, v)
			}
		}
	}
	walk("", v)
	return htmlFields, urls
}

// dangerousElements run code, load other documents, submit data or
// restyle the page.
var dangerousElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "form": true, "input": true, "button": true,
	"textarea": true, "select": true, "style": true, "link": true, "meta": true,
	"base": true, "svg": true, "math": true, "noscript": true, "template": true,
}

// executableHTML parses s as a browser parses the body of a page and lists
// what could run or inject: dangerous elements, event-handler and style
// attributes, and URL attributes with an unsafe scheme.
func executableHTML(s string) []string {
	nodes, err := html.ParseFragment(strings.NewReader(s), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return []string{"unparseable HTML: " + err.Error()}
	}
	var bad []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if dangerousElements[n.Data] || n.Namespace != "" {
				bad = append(bad, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					bad = append(bad, "handler "+key)
				case key == "style" || key == "srcdoc" || key == "srcset" || key == "formaction" || key == "action":
					bad = append(bad, "attribute "+key)
				case key == "href" || key == "src" || key == "background" || key == "poster" || key == "data" || key == "cite":
					if !safeURL(a.Val) && !relativeURL(a.Val) {
						bad = append(bad, key+"="+a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return bad
}

// safeURL reports whether u, as a browser reads it (white space and
// control characters removed, case ignored), is an http, https or mailto
// URL.
func safeURL(u string) bool {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7F {
			return -1
		}
		return r
	}, strings.ToLower(u))
	return strings.HasPrefix(clean, "http://") || strings.HasPrefix(clean, "https://") || strings.HasPrefix(clean, "mailto:")
}

// relativeURL reports whether u has no scheme at all (only possible in
// text that is not meant as HTML, such as a title: links in HTML fields
// are absolute).
func relativeURL(u string) bool {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7F {
			return -1
		}
		return r
	}, u)
	colon := strings.IndexByte(clean, ':')
	return colon < 0 || strings.ContainsAny(clean[:colon], "/?#")
}
