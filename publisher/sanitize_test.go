package publisher

import (
	"fmt"
	"strings"
	"testing"
)

func TestAbsolutize(t *testing.T) {
	base := storyBase("https://ex.example/news/2024/story.html?id=1")
	for in, want := range map[string]string{
		`<a href="../img/a.jpg">x</a>`:         `<a href="https://ex.example/news/img/a.jpg">x</a>`,
		`<a href="/top">x</a>`:                 `<a href="https://ex.example/top">x</a>`,
		`<img src="//cdn.example/p.jpg">`:      `<img src="https://cdn.example/p.jpg">`,
		`<a href="?page=2">x</a>`:              `<a href="https://ex.example/news/2024/story.html?page=2">x</a>`,
		`<a href="#part-2">x</a>`:              `<a href="https://ex.example/news/2024/story.html?id=1#part-2">x</a>`,
		`<img src="pic.jpg" alt="A &amp; B"/>`: `<img src="https://ex.example/news/2024/pic.jpg" alt="A &amp; B"/>`,
		`<a href=" rel.html ">x</a>`:           `<a href="https://ex.example/news/2024/rel.html">x</a>`,
		`<a href="a b.html">x</a>`:             `<a href="https://ex.example/news/2024/a%20b.html">x</a>`,
		`<a href="p?x=1&amp;y=2">x</a>`:        `<a href="https://ex.example/news/2024/p?x=1&amp;y=2">x</a>`,
		`<A HREF="Up/Case.html">x</A>`:         `<a href="https://ex.example/news/2024/Up/Case.html">x</A>`,
		// Absolute URLs, other attributes and text are left byte for byte.
		`<a href="https://other.example/x">x</a>`:  `<a href="https://other.example/x">x</a>`,
		`<a href="javascript:alert(1)">x</a>`:      `<a href="javascript:alert(1)">x</a>`,
		`<p title="href=x">src=y &amp; z</p>`:      `<p title="href=x">src=y &amp; z</p>`,
		`<script>var a = "<a href='x'>";</script>`: `<script>var a = "<a href='x'>";</script>`,
	} {
		if got := absolutize(in, base); got != want {
			t.Errorf("absolutize(%s)\n got %s\nwant %s", in, got, want)
		}
	}
	if got := absolutize(`<a href="x.html">x</a>`, nil); got != `<a href="x.html">x</a>` {
		t.Errorf("without a base: %s", got)
	}
	// A base without a path.
	if got := absolutize(`<img src="a.png">`, storyBase("https://ex.example")); got != `<img src="https://ex.example/a.png">` {
		t.Errorf("base without a path: %s", got)
	}
}

func TestCleanHTML(t *testing.T) {
	base := storyBase("https://ex.example/news/story")
	for in, want := range map[string]string{
		"<p>Hello <b>world</b></p>":                 "<p>Hello <b>world</b></p>",
		`<h1>Big</h1><h2 class="x" id="y">Sub</h2>`: "Big<h2>Sub</h2>",
		`<figure><img src="a.jpg" width="640" height="abc" style="x" alt="A"><figcaption>Cap</figcaption></figure>`: `<figure><img src="https://ex.example/news/a.jpg" width="640" alt="A"><figcaption>Cap</figcaption></figure>`,
		`<table><tr><th scope="col" colspan="2">H</th></tr><tr><td onclick="x()">1</td></tr></table>`:               `<table><tr><th scope="col" colspan="2">H</th></tr><tr><td>1</td></tr></table>`,
		`<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>`:                                      `<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>`,
		`<a href="mailto:desk@example.org">mail</a>`:                                                                `<a href="mailto:desk@example.org">mail</a>`,
		`<a href="ftp://example.org/f">ftp</a>`:                                                                     `ftp`,
		`<p>ctl&#1;char&#x0B;s</p>`:                                                                                 `<p>ctlchars</p>`,
		"<p>a</p><script>alert(1)</script><p>b</p>":                                                                 "<p>a</p><p>b</p>",
		`<div><span>kept</span></div>`:                                                                              `<div><span>kept</span></div>`,
		"   ":                                                                                                       "",
		"plain & simple":                                                                                            "plain &amp; simple",
		`<img src="data:image/png;base64,AAAA" alt=x>`:                                                              `<img alt="x">`, // harmless
	} {
		got := cleanHTML(in, base)
		if got != want {
			t.Errorf("cleanHTML(%s)\n got %s\nwant %s", in, got, want)
		}
		if again := cleanHTML(got, base); again != got {
			t.Errorf("cleanHTML is not idempotent on %s: %s", got, again)
		}
	}
	if got := cleanHTML(`<a href="rel.html">text</a>`, nil); got != "text" {
		t.Errorf("relative link without a base: %s", got)
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"Plain title":                       "Plain title",
		"  Many \n\t spaces  ":              "Many spaces",
		"値下がり\u3000全国平均":                    "値下がり\u3000全国平均",   // IDEOGRAPHIC SPACE kept
		"ข่าว\u00a0ฟุตบอล":                  "ข่าว\u00a0ฟุตบอล", // NO-BREAK SPACE kept
		"Yen <b>weakens</b> &amp; stocks":   "Yen weakens & stocks",
		"AT&T and 5 < 6":                    "AT&T and 5 < 6",
		"History of the <blink> tag":        "History of the <blink> tag", // plain text: meant literally
		"History of the &lt;blink&gt; tag":  "History of the <blink> tag", // HTML: decoded once
		"&amp;lt;literal&amp;gt;":           "&lt;literal&gt;",
		"&lt;b&gt;Breaking&lt;/b&gt;: news": "<b>Breaking</b>: news", // escaped twice: decoded once, like feed readers
		"<script>alert(1)</script>Title":    "Title",
		// Literal text a reader taking the title for HTML would run is defused.
		"&lt;script&gt;alert(1)&lt;/script&gt;": "‹script>alert(1)‹/script>",
		"&lt;img src=x onerror=alert(1)&gt;":    "‹img src=x onerror=alert(1)>",
		"Bad\x00 byte\x1b":                      "Bad byte",
		"&#1;hidden&#x7f;":                      "hidden",
		"a &#1; b":                              "a b",
		"":                                      "",
		"Caf&eacute; &#8212; &#x1F600;":         "Café — 😀",
	} {
		if got := plainText(in); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
	// Nothing that decodes to executable markup survives, however deeply
	// escaped.
	for _, s := range []string{"<script>x</script>", "<img src=x onerror=alert(1)>", "<style>*{}</style>"} {
		for range 6 {
			s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
			if got := plainText(s); len(executableHTML(got)) > 0 {
				t.Errorf("plainText(%q) = %q: %v", s, got, executableHTML(got))
			}
		}
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"":                                     "",
		"no markup":                            "no markup",
		"a < b, I <3 it, x<":                   "a < b, I <3 it, x<",
		"History of the <blink> tag":           "History of the <blink> tag",
		"<b>Bold</b> and <x-custom>":           "<b>Bold</b> and <x-custom>",
		"line<br/>break":                       "line<br/>break",
		"<script>alert(1)</script>":            "‹script>alert(1)‹/script>",
		"<SCRIPT/>alert(1)":                    "‹SCRIPT/>alert(1)",
		"<b onclick=alert(1)>x</b>":            "‹b onclick=alert(1)>x</b>",
		`<a title="<img src=x onerror=y>">`:    `‹a title="‹img src=x onerror=y>">`,
		"<style><img src=x onerror=y></style>": "‹style>‹img src=x onerror=y>‹/style>",
		"<!--<img src=x onerror=y>-->":         "‹!--‹img src=x onerror=y>-->",
		"<title>t</title>":                     "‹title>t‹/title>",
		"<svg>":                                "‹svg>",
		"unfinished <img src=x onerror=y":      "unfinished ‹img src=x onerror=y",
	} {
		got := defuse(in)
		if got != want {
			t.Errorf("defuse(%q) = %q, want %q", in, got, want)
		}
		if bad := executableHTML(got); len(bad) > 0 {
			t.Errorf("defuse(%q) = %q: %v", in, got, bad)
		}
	}
}

func TestCleanCache(t *testing.T) {
	c := newCleanCache(0)
	if c.max != 256 {
		t.Fatalf("max %d, want the floor of 256", c.max)
	}
	first := c.clean("https://ex.example/a/", "T <b>1</b>", "<p>s</p>", `<img src="i.png">`)
	if first.title != "T 1" || first.content != `<img src="https://ex.example/a/i.png">` {
		t.Fatalf("cleaned %+v", first)
	}
	// The link is part of the key: the same HTML under another link resolves differently.
	other := c.clean("https://ex.example/b/", "T <b>1</b>", "<p>s</p>", `<img src="i.png">`)
	if other.content != `<img src="https://ex.example/b/i.png">` {
		t.Errorf("another link: %+v", other)
	}
	for i := range 600 {
		c.clean("", fmt.Sprint(i), "", "")
		if i == 300 {
			c.clean("https://ex.example/a/", "T <b>1</b>", "<p>s</p>", `<img src="i.png">`) // in use: kept
		}
	}
	if n := len(c.cur) + len(c.old); n > 2*c.max {
		t.Errorf("%d entries, want at most %d", n, 2*c.max)
	}
	key := cleanKey("https://ex.example/a/", "T <b>1</b>", "<p>s</p>", `<img src="i.png">`)
	_, inCur := c.cur[key]
	_, inOld := c.old[key]
	if !inCur && !inOld {
		t.Error("an entry in use was evicted")
	}
	if cleanKey("ab", "c") == cleanKey("a", "bc") {
		t.Error("cleanKey ignores field boundaries")
	}
}

func TestRenderReusesCleanedStories(t *testing.T) {
	p := New(testConfig(), staticReader(benchStories(50)))
	fetch(t, p.Handler(), "/feeds/economy.rss")
	n := len(p.clean.cur)
	if n != 50 {
		t.Fatalf("%d stories cleaned, want 50", n)
	}
	for _, path := range []string{"/feeds/economy.atom", "/feeds/economy.json", "/feeds/nation.rss", "/feeds/headlines.atom"} {
		fetch(t, p.Handler(), path)
	}
	if len(p.clean.cur) != n {
		t.Errorf("%d cleaned stories after rendering the same stories again, want %d", len(p.clean.cur), n)
	}
}
