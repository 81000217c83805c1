package aggregator

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"wirefeed/store"
)

func storiesWith(guids, links []string) []store.Story {
	out := make([]store.Story, len(guids))
	for i := range guids {
		out[i] = store.Story{GUID: guids[i], Link: links[i], Title: fmt.Sprint("story ", i)}
		if guids[i] != "" {
			out[i].Key = "g:" + guids[i]
		} else {
			out[i].Key = "l:" + links[i]
		}
	}
	return out
}

func TestSettleIdentities(t *testing.T) {
	base, _ := url.Parse("https://wire.example/")
	n := newNormalizer("wire", "news.example.com", base, &gofeed.Feed{}, testNow)
	guids := make([]string, 40)
	links := make([]string, 40)
	for i := range guids {
		guids[i], links[i] = fmt.Sprint("id-", i), fmt.Sprint("https://wire.example/", i)
	}

	// 2 of 40 GUIDs blank (5 %): GUIDs still identify; the two use links.
	g := append([]string(nil), guids...)
	g[3], g[9] = "", ""
	st := storiesWith(g, links)
	if mode := settleIdentities(n, st); mode != identityGUID || st[0].Key != "g:id-0" || st[3].Key != "l:"+links[3] {
		t.Errorf("few blanks: mode %s, keys %q %q", mode, st[0].Key, st[3].Key)
	}

	// A repeated GUID with another link is a story of its own.
	g = append([]string(nil), guids...)
	g[5] = "id-4"
	st = storiesWith(g, links)
	if mode := settleIdentities(n, st); mode != identityGUID || st[5].Key == st[4].Key || !strings.HasPrefix(st[5].Key, "g:id-4#") {
		t.Errorf("repeated guid: mode %s, keys %q %q", mode, st[4].Key, st[5].Key)
	}

	// Every item has the same GUID: links identify.
	same := make([]string, 40)
	for i := range same {
		same[i] = "static-guid"
	}
	st = storiesWith(same, links)
	if mode := settleIdentities(n, st); mode != identityLink || st[7].Key != "l:"+links[7] || st[7].PublicID == "" {
		t.Errorf("constant guid: mode %s, key %q", mode, st[7].Key)
	}

	// GUIDs and links both constant (a homepage link): link and title.
	home := make([]string, 40)
	for i := range home {
		home[i] = "https://wire.example/"
	}
	st = storiesWith(same, home)
	if mode := settleIdentities(n, st); mode != identityHash || st[1].Key == st[2].Key {
		t.Errorf("constant guid and link: mode %s, keys %q %q", mode, st[1].Key, st[2].Key)
	}
}
