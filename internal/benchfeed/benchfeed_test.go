package benchfeed

import (
	"bytes"
	"testing"

	"github.com/mmcdole/gofeed"
)

func parse(t *testing.T, n, gen int) (*gofeed.Feed, []byte) {
	t.Helper()
	var b bytes.Buffer
	Write(&b, n, gen)
	f, err := gofeed.NewParser().Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("feed %d gen %d: %v", n, gen, err)
	}
	return f, b.Bytes()
}

func guids(f *gofeed.Feed) map[string]bool {
	m := map[string]bool{}
	for _, it := range f.Items {
		m[it.GUID] = true
	}
	return m
}

func TestWrite(t *testing.T) {
	f0, b0 := parse(t, 7, 0)
	if len(f0.Items) != Items || len(guids(f0)) != Items {
		t.Fatalf("feed 7: %d items, %d distinct guids; want %d", len(f0.Items), len(guids(f0)), Items)
	}
	if len(b0) < 60_000 || len(b0) > 90_000 {
		t.Errorf("feed 7 is %d bytes, want about 75 KB", len(b0))
	}
	for i, it := range f0.Items {
		if it.PublishedParsed == nil || len(it.Authors) != 1 || len(it.Categories) != 1 ||
			it.Categories[0] != Categories[i%4] || len(it.Content) < 1000 || it.Description == "" {
			t.Fatalf("item %d lacks a field a wire sends: %+v", i, it)
		}
	}
	if _, again := parse(t, 7, 0); !bytes.Equal(b0, again) {
		t.Error("feed 7 differs from itself")
	}

	f1, _ := parse(t, 8, 0)
	for g := range guids(f1) {
		if guids(f0)[g] {
			t.Errorf("feeds 7 and 8 share guid %s", g)
		}
	}
	if f0.Items[0].Title == f1.Items[0].Title || f0.Items[0].Content == f1.Items[0].Content {
		t.Error("feeds 7 and 8 begin with the same story")
	}

	// A later generation keeps the 50 stories and adds 5 new, newest.
	g1, _ := parse(t, 7, 1)
	g2, _ := parse(t, 7, 2)
	if len(g1.Items) != Items+NewPerGeneration || len(guids(g1)) != Items+NewPerGeneration {
		t.Fatalf("feed 7 gen 1: %d items, %d distinct guids", len(g1.Items), len(guids(g1)))
	}
	for i, it := range g1.Items {
		isNew := !guids(f0)[it.GUID]
		if isNew != (i < NewPerGeneration) {
			t.Errorf("gen 1 item %d (%s): new = %v", i, it.GUID, isNew)
		}
		if isNew && (!it.PublishedParsed.After(*f0.Items[Items-1].PublishedParsed) || guids(g2)[it.GUID]) {
			t.Errorf("gen 1's new item %s is older than generation 0's or in gen 2 too", it.GUID)
		}
	}
}
