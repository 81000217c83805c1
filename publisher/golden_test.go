package publisher

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"wirefeed/config"
	"wirefeed/store"
)

// Golden tests: a fixed set of stories (testdata/golden_stories.json,
// published with testdata/golden.yaml) rendered in every format must give
// exactly the bytes in testdata/golden. They catch any change in what
// wirefeed writes, whether it comes from wirefeed's code or from an upgrade
// of gorilla/feeds or encoding/xml. After an intended change, rewrite the
// files with
//
//	go test ./publisher/ -run Golden -update
//
// and review the diff before committing it.

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenStory is one story of testdata/golden_stories.json: the section it
// is routed to ("" for none but the all-stories ones) and its archive page.
type goldenStory struct {
	Section string      `json:"section"`
	Page    int         `json:"page"`
	Story   store.Story `json:"story"`
}

// goldenReader serves the golden stories, newest first, as a store with
// RFC 5005 archive pages would.
type goldenReader []goldenStory

func (g goldenReader) SectionStories(_ context.Context, section string, limit int) ([]store.Story, error) {
	var out []store.Story
	for _, s := range g {
		if (section == "" || s.Section == section) && len(out) < limit {
			out = append(out, s.Story)
		}
	}
	return out, nil
}

func (g goldenReader) FilterStories(ctx context.Context, section string, f store.Filter) ([]store.Story, error) {
	return nil, errors.New("golden stories are not filtered")
}

func (g goldenReader) ArchivePage(_ context.Context, section string, n int) ([]store.Story, error) {
	var out []store.Story
	for _, s := range g {
		if (section == "" || s.Section == section) && s.Page == n {
			out = append(out, s.Story)
		}
	}
	return out, nil
}

func (g goldenReader) CurrentArchivePage(context.Context) (int, error) {
	current := 0
	for _, s := range g {
		current = max(current, s.Page)
	}
	return current, nil
}

// goldenDocs are the documents the golden tests render, by golden file name
// without the extension: the stories of every partner (several languages,
// a WebSub hub, a link to the archive), a section in one language, a
// section without stories, and a complete archive page with links to the
// pages before and after it.
var goldenDocs = []struct{ name, path string }{
	{"headlines", "/feeds/headlines"},
	{"thailand", "/feeds/thailand"},
	{"sports", "/feeds/sports"},
	{"headlines-archive-1", "/feeds/headlines/archive/1"},
}

func goldenPublisher(t *testing.T) *Publisher {
	t.Helper()
	cfg, err := config.Load(filepath.Join("testdata", "golden.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "golden_stories.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stories goldenReader
	if err := json.Unmarshal(data, &stories); err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(stories, func(a, b goldenStory) int { return int(b.Story.ID - a.Story.ID) }) {
		t.Fatal("golden_stories.json must list the stories newest (highest ID) first")
	}
	return New(cfg, stories)
}

func TestGolden(t *testing.T) {
	p := goldenPublisher(t)
	for _, ext := range []string{"rss", "atom", "json"} {
		t.Run(ext, func(t *testing.T) {
			for _, doc := range goldenDocs {
				got := []byte(fetch(t, p.Handler(), doc.path+"."+ext))
				validFeed(t, ext, string(got)) // what -update writes must be a valid feed
				file := filepath.Join("testdata", "golden", doc.name+"."+ext)
				if *update {
					if err := os.WriteFile(file, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run go test ./publisher/ -run Golden -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s.%s differs from %s:\n%s", doc.path, ext, file, firstDifference(got, want))
				}
			}
		})
	}
}

// firstDifference describes where got first differs from want: the line
// and byte offset, and up to 80 bytes of each on either side.
func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	around := func(b []byte) string {
		return strconv.Quote(string(b[max(0, i-80):min(len(b), i+80)]))
	}
	line := bytes.Count(want[:i], []byte("\n")) + 1
	return fmt.Sprintf("line %d, byte %d (%d bytes, want %d)\n got: %s\nwant: %s", line, i, len(got), len(want), around(got), around(want))
}
