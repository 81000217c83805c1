package aggregator

import (
	"slices"
	"strings"
	"testing"
)

func TestRepair(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"clean document untouched", `<rss><a href="x?a=1&amp;b=2">a &lt; b</a></rss>`, `<rss><a href="x?a=1&amp;b=2">a &lt; b</a></rss>`},
		{"C0 controls", "<a>x\x00y\x01z\x1b\tw\r\n</a>", "<a>xyz\tw\r\n</a>"},
		{"noncharacters", "<a>x\uFFFEy\uFFFFz\uFFFD</a>", "<a>xyz\uFFFD</a>"},
		{"illegal references", "<a>&#0;&#1;&#x1b;&#xFFFE;&#xD800;&#x110000;&#99999999999;</a>", "<a></a>"},
		{"legal references kept", "<a>&#9;&#x41;&#x1F600;&#xFFFD;</a>", "<a>&#9;&#x41;&#x1F600;&#xFFFD;</a>"},
		{"malformed reference left to the parser", "<a>&#xZZ; &#12</a>", "<a>&#xZZ; &#12</a>"},
		{"bare less-than", "<a>x < y, 3<4, a<=b, <<</a>", "<a>x &lt; y, 3&lt;4, a&lt;=b, &lt;&lt;</a>"},
		{"CDATA, comments and PIs untouched", "<a><![CDATA[x < y &#1;]]><!-- a < b --><?pi 1 < 2?></a>", "<a><![CDATA[x < y &#1;]]><!-- a < b --><?pi 1 < 2?></a>"},
		{"controls inside CDATA go too", "<a><![CDATA[x\x01y]]></a>", "<a><![CDATA[xy]]></a>"},
		{"unterminated CDATA", "<a><![CDATA[x < y", "<a><![CDATA[x < y"},
		{"atom https namespace", `<?xml version="1.0"?><feed xmlns="https://www.w3.org/2005/Atom"><entry/></feed>`, `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>`},
		{"atom 0.3 namespace kept", `<feed xmlns='http://purl.org/atom/ns#'/>`, `<feed xmlns='http://purl.org/atom/ns#'/>`},
		{"prefixed atom root", `<atom:feed xmlns:atom="x" xmlns='http://www.w3.org/2005/atom/'>`, `<atom:feed xmlns:atom="x" xmlns='http://www.w3.org/2005/Atom'>`},
		{"rdf namespace", `<!-- c --><!DOCTYPE r [<!ENTITY a "b>">]><rdf:RDF xmlns="http://purl.org/rss/1.0">`, `<!-- c --><!DOCTYPE r [<!ENTITY a "b>">]><rdf:RDF xmlns="http://purl.org/rss/1.0/">`},
		{"missing namespace needs nothing", `<feed><title>x</title></feed>`, `<feed><title>x</title></feed>`},
		{"rss namespace is gofeed's business", `<rss xmlns="http://backend.userland.com/rss2">`, `<rss xmlns="http://backend.userland.com/rss2">`},
		{"json: controls only", "{\"title\": \"a\x01b < c &#1;\"}", "{\"title\": \"ab < c &#1;\"}"},
	} {
		if got := string(repair([]byte(tc.in))); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// Recoverable problems in a partner's feed still yield its stories.
func TestBrokenFeedsStillYieldStories(t *testing.T) {
	for _, tc := range []struct {
		file   string
		titles []string
	}{
		{"entities.rss", []string{"Baht firms — exporters\u00a0cheer", "Café owners «relieved» as rents fall"}},
		{"stray_amp.rss", []string{"AT&T and R&D spending & more", "Q&A: what the rate cut means"}},
		{"control_chars.rss", []string{"Verticaltab and escape[0m removed", "References  dropped, A kept", "Noncharacter  gone; profits < 5 % and 3 <4"}},
		{"wrong_ns_atom.xml", []string{"Atom entry under an https namespace", "Second Atom entry"}},
		{"wrong_ns_rdf.xml", []string{"RDF item without the slash"}},
		{"missing_ns.xml", []string{"Atom entry without any namespace"}},
		{"undeclared_prefix.rss", []string{"Prefixes never declared"}},
		{"dates.rss", []string{"Garbage date", "No date at all", "Numeric offset", "Slashed layout without zone", "Zone abbreviation JST"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h := newHarness(t)
			h.feeds.serve("/misc", tc.file)
			rep := h.fetch(t, "misc")
			if rep.Err != nil || rep.New != len(tc.titles) {
				t.Fatalf("report %+v", rep)
			}
			stored := h.section(t, "other")
			got := titles(stored)
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(tc.titles)); !slices.Equal(got, want) {
				t.Errorf("titles\n%q\nwant\n%q", got, want)
			}
			for _, st := range stored {
				if st.Published.IsZero() || st.Published.After(testNow) {
					t.Errorf("%q published %v", st.Title, st.Published)
				}
				if strings.ContainsAny(st.Title+st.Summary+st.Content, "\x00\x01\x07\x0b\x1b\uFFFE\uFFFF") {
					t.Errorf("control character kept in %+v", st)
				}
			}
			if tc.file == "undeclared_prefix.rss" && (len(stored[0].Authors) != 1 || stored[0].Content != "<p>Full text survives.</p>") {
				t.Errorf("author/content lost: %+v", stored[0])
			}
			if tc.file == "stray_amp.rss" && !slices.Contains([]string{stored[0].Link, stored[1].Link}, "https://amp.example/news?id=7&lang=en") {
				t.Errorf("links: %q, %q", stored[0].Link, stored[1].Link)
			}
		})
	}
}
