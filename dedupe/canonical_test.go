package dedupe

import (
	"errors"
	"testing"
)

// TestCanonicalURL checks the canonical form of real-world link shapes.
func TestCanonicalURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Nation: http/https, www, tracking, trailing slash, AMP.
		{"https://www.nationthailand.com/news/politics/40058123", "https://nationthailand.com/news/politics/40058123"},
		{"http://www.nationthailand.com/news/politics/40058123/", "https://nationthailand.com/news/politics/40058123"},
		{"https://WWW.NationThailand.com:443/news/politics/40058123?utm_source=rss&utm_medium=feed&utm_campaign=politics", "https://nationthailand.com/news/politics/40058123"},
		{"https://www.nationthailand.com/news/politics/40058123/amp", "https://nationthailand.com/news/politics/40058123"},
		{"https://m.nationthailand.com/amp/news/politics/40058123", "https://nationthailand.com/news/politics/40058123"},
		{"https://www.nationthailand.com/news/politics/40058123#comments", "https://nationthailand.com/news/politics/40058123"},
		// Jiji: the query names the article and must stay, sorted.
		{"https://jen.jiji.com/jc/eng?g=eco&k=2026112800087", "https://jen.jiji.com/jc/eng?g=eco&k=2026112800087"},
		{"http://jen.jiji.com/jc/eng?k=2026112800087&g=eco&utm_source=twitter", "https://jen.jiji.com/jc/eng?g=eco&k=2026112800087"},
		{"https://jen.jiji.com:80/jc/eng?k=2026112800087&g=eco", "https://jen.jiji.com:80/jc/eng?g=eco&k=2026112800087"},
		{"http://jen.jiji.com:80/jc/eng?g=eco&k=2026112800087", "https://jen.jiji.com/jc/eng?g=eco&k=2026112800087"},
		// Bangkok Post: click ids and referrers.
		{"https://www.bangkokpost.com/thailand/general/3145678/floods-cut-roads-in-nan?fbclid=IwAR0abc123", "https://bangkokpost.com/thailand/general/3145678/floods-cut-roads-in-nan"},
		{"https://www.bangkokpost.com/thailand/general/3145678/floods-cut-roads-in-nan?ref=homepage&tbref=hp", "https://bangkokpost.com/thailand/general/3145678/floods-cut-roads-in-nan?tbref=hp"},
		// Japan Times: AMP query and trailing slash.
		{"https://www.japantimes.co.jp/news/2026/11/28/japan/boj-rate-decision/?amp=1", "https://japantimes.co.jp/news/2026/11/28/japan/boj-rate-decision"},
		{"https://www.japantimes.co.jp/news/2026/11/28/japan/boj-rate-decision/amp/", "https://japantimes.co.jp/news/2026/11/28/japan/boj-rate-decision"},
		// NHK and Kyodo: .amp.html, outputType=amp, mailing-list ids.
		{"https://www3.nhk.or.jp/nhkworld/en/news/20261128_05/", "https://www3.nhk.or.jp/nhkworld/en/news/20261128_05"},
		{"https://english.kyodonews.net/news/2026/11/a1b2c3d4e5f6-boj-holds.amp.html", "https://english.kyodonews.net/news/2026/11/a1b2c3d4e5f6-boj-holds.html"},
		{"https://english.kyodonews.net/news/2026/11/a1b2c3d4e5f6-boj-holds.html?mc_cid=7f3a&mc_eid=99bc", "https://english.kyodonews.net/news/2026/11/a1b2c3d4e5f6-boj-holds.html"},
		{"https://www.example-wire.com/world/asia-pacific/thai-baht-2026-11-28/?outputType=amp&taid=5f2e", "https://example-wire.com/world/asia-pacific/thai-baht-2026-11-28?taid=5f2e"},
		// Query parameters that name the article stay.
		{"https://example.com/?p=42&utm_medium=social", "https://example.com/?p=42"},
		{"https://example.com/article.php?id=123&gclid=Cj0KCQ", "https://example.com/article.php?id=123"},
		{"https://news.example.org/view?story=thai-floods&share=twitter&igshid=abc", "https://news.example.org/view?story=thai-floods"},
		// Repeated keys keep their order, other keys sort around them.
		{"https://example.com/s?tag=b&q=x&tag=a", "https://example.com/s?q=x&tag=b&tag=a"},
		// Paths: "//", dot segments, percent-encoding.
		{"https://example.com//news///2026/../2026/./11/story", "https://example.com/news/2026/11/story"},
		{"https://example.com/news/%7euser/%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7", "https://example.com/news/~user/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7"},
		{"https://example.com/news/ข่าว", "https://example.com/news/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7"},
		{"https://example.com/a%2Fb/c", "https://example.com/a%2Fb/c"},
		{"https://example.com/search?q=%e3%83%8b%e3%83%a5%e3%83%bc%e3%82%b9", "https://example.com/search?q=%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9"},
		// Root, userinfo, ports, IDN, IP hosts.
		{"HTTP://WWW.Example.COM", "https://example.com/"},
		{"https://user:secret@www.example.com/private", "https://example.com/private"},
		{"https://example.com:8443/x/", "https://example.com:8443/x"},
		{"https://ข่าว.ไทย/เรื่อง", "https://xn--22c8e6a1f.xn--o3cw4h/%E0%B9%80%E0%B8%A3%E0%B8%B7%E0%B9%88%E0%B8%AD%E0%B8%87"},
		{"https://XN--22C8E6A1F.xn--o3cw4h/", "https://xn--22c8e6a1f.xn--o3cw4h/"},
		{"http://192.0.2.10:80/feed/item?id=7", "https://192.0.2.10/feed/item?id=7"},
		{"http://[2001:DB8::1]:8080/item", "https://[2001:db8::1]:8080/item"},
		{"https://www.example.com./news", "https://example.com/news"},
		// Feed-proxy redirect links are kept, not resolved.
		{"http://feedproxy.google.com/~r/nationthailand/~3/Xy1_ab-CD/story01.htm", "https://feedproxy.google.com/~r/nationthailand/~3/Xy1_ab-CD/story01.htm"},
		{"http://feeds.feedburner.com/~r/JijiPressEnglish/~3/k2026112800087/?utm_source=feedburner&utm_medium=feed", "https://feeds.feedburner.com/~r/JijiPressEnglish/~3/k2026112800087"},
		// "www" is not stripped when nothing dotted would remain.
		{"https://www.localhost/x", "https://www.localhost/x"},
		{"https://m.co/x", "https://m.co/x"},
		// Tracking names are case-insensitive; empty pairs vanish.
		{"https://example.com/x?UTM_Source=a&&Fbclid=b&id=9&", "https://example.com/x?id=9"},
	} {
		got, err := CanonicalURL(c.in)
		if err != nil {
			t.Errorf("CanonicalURL(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("CanonicalURL(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
		if again, _ := CanonicalURL(got); again != got {
			t.Errorf("CanonicalURL is not idempotent on %q: %q", got, again)
		}
	}
}

// TestCanonicalURLSame lists links that reach one story and must collapse.
func TestCanonicalURLSame(t *testing.T) {
	for _, group := range [][]string{
		{
			"https://www.nationthailand.com/news/general/40058999",
			"http://nationthailand.com/news/general/40058999/",
			"https://nationthailand.com/news/general/40058999?utm_source=facebook&utm_medium=social&fbclid=IwAR1",
			"https://m.nationthailand.com/news/general/40058999",
			"https://www.nationthailand.com/amp/news/general/40058999",
			"https://www.nationthailand.com/news/general/40058999/amp",
			"https://www.nationthailand.com/news/general/40058999?amp",
			"https://www.nationthailand.com:443/news/general/40058999#top",
			"https://www.nationthailand.com/news//general/40058999",
			"https://www.nationthailand.com/news/general/./40058999",
		},
		{
			"https://www.example-daily.com/news/story.html",
			"https://www.example-daily.com/news/story.html;jsessionid=0A1B2C3D",
			"https://www.example-daily.com/news/story.html?PHPSESSID=9f8e",
		},
		{
			"https://jen.jiji.com/jc/eng?g=soc&k=2026112800123",
			"http://jen.jiji.com/jc/eng?k=2026112800123&g=soc",
			"https://jen.jiji.com/jc/eng?g=soc&k=2026112800123&ref=rss",
			"https://JEN.JIJI.COM/jc/eng/?g=soc&k=2026112800123",
		},
		{
			"https://www.bangkokpost.com/business/general/3145999/baht-weakens",
			"https://www.bangkokpost.com/business/general/3145999/baht-weakens?gclid=x&msclkid=y&dclid=z",
			"https://amp.bangkokpost.com/business/general/3145999/baht-weakens",
		},
		{
			"https://english.kyodonews.net/news/2026/11/f00d-quake.html",
			"https://english.kyodonews.net/news/2026/11/f00d-quake.amp.html",
			"https://english.kyodonews.net/news/2026/11/f00d-quake.html?_ga=2.1&_gl=1*abc&yclid=3&mc_cid=1",
		},
		{
			"https://ข่าว.ไทย/story",
			"https://XN--22C8E6A1F.xn--o3cw4h/story/",
			"http://www.ข่าว.ไทย/story",
		},
		{
			"https://example.com/news/%7Estaff/story",
			"https://example.com/news/~staff/story",
			"https://example.com/news/%7estaff/story",
		},
		{
			"https://www.japantimes.co.jp/news/2026/11/28/business/yen/",
			"https://www.japantimes.co.jp/news/2026/11/28/business/yen/?outputType=amp",
			"https://www.japantimes.co.jp/news/2026/11/28/business/yen/?cmpid=nl&ncid=x&ocid=y&sr_share=tw&spm=a.b&s_cid=c&ref_src=twsrc&ref_url=z&igshid=q",
		},
	} {
		first, err := CanonicalURL(group[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range group[1:] {
			got, err := CanonicalURL(u)
			if err != nil {
				t.Errorf("CanonicalURL(%q): %v", u, err)
			} else if got != first {
				t.Errorf("%q → %q, want the same as %q → %q", u, got, group[0], first)
			}
		}
	}
}

// TestCanonicalURLDistinct lists pairs of links to different stories that
// must stay apart.
func TestCanonicalURLDistinct(t *testing.T) {
	for _, p := range [][2]string{
		{"https://jen.jiji.com/jc/eng?g=eco&k=2026112800087", "https://jen.jiji.com/jc/eng?g=eco&k=2026112800088"},
		{"https://example.com/?p=42", "https://example.com/?p=43"},
		{"https://example.com/article.php?id=123", "https://example.com/article.php?id=124"},
		{"https://example.com/article.php?id=123", "https://example.com/article.php"},
		{"https://news.example.org/view?story=thai-floods", "https://news.example.org/view?story=thai-drought"},
		{"https://www.nationthailand.com/news/politics/40058123", "https://www.nationthailand.com/news/politics/40058124"},
		{"https://www.nationthailand.com/news/politics/40058123", "https://www.nationthailand.com/news/Politics/40058123"},
		{"https://english.kyodonews.net/news/2026/11/a.html", "https://japan.kyodonews.net/news/2026/11/a.html"},
		{"https://example.com:8080/x", "https://example.com/x"},
		{"https://example.com/a%2Fb", "https://example.com/a/b"},
		{"https://example.com/s?tag=a&tag=b", "https://example.com/s?tag=b&tag=a"},
		{"https://example.com/view?amp=2", "https://example.com/view"},
		{"https://www.nhk.or.jp/news/x", "https://www3.nhk.or.jp/news/x"},
	} {
		a, errA := CanonicalURL(p[0])
		b, errB := CanonicalURL(p[1])
		if errA != nil || errB != nil {
			t.Errorf("errors: %v, %v", errA, errB)
			continue
		}
		if a == b {
			t.Errorf("%q and %q both became %q", p[0], p[1], a)
		}
	}
}

func TestCanonicalURLErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"/news/politics/40058123",
		"//www.nationthailand.com/news/1",
		"www.nationthailand.com/news/1",
		"mailto:desk@nationthailand.com",
		"ftp://example.com/file.txt",
		"javascript:alert(1)",
		"https://",
		"https:///path-only",
		"https:opaque",
		"http://[::1",
		"http://exa mple.com/",
		"http://example.com:port/",
		"https://xn--ls8h.invalid-\u0000/",
		"tag:jiji.com,2026:2026112800087",
		"http://..",
		"http://./",
		"https://a..b/",
		"https://.example.com/",
	} {
		got, err := CanonicalURL(in)
		if err == nil {
			t.Errorf("CanonicalURL(%q) = %q, want an error", in, got)
		} else if !errors.Is(err, ErrUnsupportedURL) {
			t.Errorf("CanonicalURL(%q) error %v does not wrap ErrUnsupportedURL", in, err)
		}
	}
}

// FuzzCanonicalURL checks that no input crashes CanonicalURL and that its
// output is a fixed point.
func FuzzCanonicalURL(f *testing.F) {
	for _, s := range []string{
		"https://www.nationthailand.com/news/1?utm_source=x",
		"http://feedproxy.google.com/~r/a/~3/b/c",
		"https://a.b/%zz/%41?%=&=x&&#f",
		"https://ข่าว.ไทย/../..//x?y=%e0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CanonicalURL(s)
		if err != nil {
			return
		}
		again, err := CanonicalURL(got)
		if err != nil || again != got {
			t.Fatalf("CanonicalURL(%q) = %q, then %q, %v", s, got, again, err)
		}
	})
}
