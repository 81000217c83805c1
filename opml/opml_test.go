package opml

import (
	"bytes"
	"encoding/xml"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"wirefeed/config"
)

const richConfig = `
sections:
  - {id: nation, title: Nation, description: News from Thailand}
  - {id: politics, title: Politics}
  - {id: economy, title: Economy, limit: 20}
  - id: sports
    title: Sports
    include:
      - title: [World Cup, /\bFIFA\b/i]
      - {source: jiji, category: Sumo}
    exclude:
      - summary: betting
  - {id: other, title: Other}
  - {id: headlines, title: Headlines, all: true}
sources:
  - id: nation
    name: Nation
    url: https://www.nationthailand.com/rss/feed.xml
    attribution: "Courtesy of Nation <Thailand> & partners"
    sections: [nation]
    categories: {Politics: politics, "Business & Money": [economy, nation]}
    priority: 10
    timezone: Asia/Bangkok
  - id: jiji
    name: 時事通信 Jiji Press
    url: https://jen.jiji.com/rss/news.rss?lang=en&x=1
    schedule: "*/15 * * * *"
    categories: {Politics: politics, Sports: sports}
    fallback: other
    charset: shift_jis
    site: jiji.com
    paused: true
`

func mustParse(t *testing.T, text string) (*config.Config, *config.Document) {
	t.Helper()
	cfg, err := config.Parse([]byte(text), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := config.ParseDocument([]byte(text), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg, doc
}

func TestExportImportRoundTrip(t *testing.T) {
	orig, _ := mustParse(t, richConfig)
	var buf bytes.Buffer
	if err := Export(&buf, orig, time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`<opml version="2.0" xmlns:wirefeed="` + Namespace + `">`,
		`<dateCreated>Sun, 29 Nov 2026 01:00:00 UTC</dateCreated>`,
		`type="rss" text="Nation" title="Nation" xmlUrl="https://www.nationthailand.com/rss/feed.xml"`,
		`category="/nation,/economy,/politics"`,
		`xmlUrl="https://jen.jiji.com/rss/news.rss?lang=en&amp;x=1"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
	if err := xml.Unmarshal(buf.Bytes(), new(struct{})); err != nil {
		t.Fatalf("export is not well-formed XML: %v", err)
	}

	empty, doc := mustParse(t, "sections: [{id: placeholder}]\n")
	res, err := Import(bytes.NewReader(buf.Bytes()), doc, empty, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Sources, []string{"nation", "jiji"}) || len(res.Skipped) != 0 || len(res.Unrouted) != 0 {
		t.Errorf("import result %+v", res)
	}
	if err := doc.Delete(config.Sections, "placeholder"); err != nil {
		t.Fatal(err)
	}
	got, _, err := doc.Check()
	if err != nil {
		t.Fatalf("imported config refused: %v", err)
	}
	if len(got.Sections) != len(orig.Sections) {
		t.Fatalf("%d sections after round trip, want %d", len(got.Sections), len(orig.Sections))
	}
	for i, want := range orig.Sections {
		have := got.Sections[i]
		if have.ID != want.ID || have.Title != want.Title || have.Description != want.Description ||
			have.Limit != want.Limit || have.All != want.All ||
			rulesJSON(have.Include) != rulesJSON(want.Include) || rulesJSON(have.Exclude) != rulesJSON(want.Exclude) {
			t.Errorf("section %d after round trip:\n got %+v\nwant %+v", i, have, want)
		}
	}
	if rulesJSON(got.Sections[3].Include) != `[{"title":["World Cup","/\\bFIFA\\b/i"]},{"category":["Sumo"],"source":["jiji"]}]` {
		t.Errorf("sports include rules after round trip: %s", rulesJSON(got.Sections[3].Include))
	}
	for i := range orig.Sources {
		want, have := orig.Sources[i], got.Sources[i]
		if !reflect.DeepEqual(want.Categories, have.Categories) || want.ID != have.ID || want.Name != have.Name ||
			want.URL != have.URL || want.Attribution != have.Attribution || want.Priority != have.Priority ||
			want.Schedule != have.Schedule || want.Fallback != have.Fallback || want.Site != have.Site ||
			want.Charset != have.Charset || want.Timezone != have.Timezone || want.Paused != have.Paused ||
			!slices.Equal(want.Sections, have.Sections) {
			t.Errorf("source %d after round trip:\n got %+v\nwant %+v", i, have, want)
		}
	}

	// Importing the same list again adds nothing.
	again, err := Import(bytes.NewReader(buf.Bytes()), doc, got, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Sources) != 0 || len(again.Sections) != 0 || len(again.Skipped) != 2 {
		t.Errorf("second import: %+v, want both feeds skipped", again)
	}
}

func TestImportFeedReaderList(t *testing.T) {
	cfg, doc := mustParse(t, richConfig)
	f, err := os.Open("testdata/reader.opml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Import(f, doc, cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Skipped, []string{"https://www.nationthailand.com/rss/feed.xml"}) {
		t.Errorf("skipped %v, want the Nation feed already configured", res.Skipped)
	}
	if !slices.Equal(res.Sources, []string{"bangkok-post-politics", "handelsblatt", "kyodo", "loose-feed"}) {
		t.Errorf("added sources %v", res.Sources)
	}
	// The folder "Politics" is the existing section; the others are new.
	if !slices.Equal(res.Sections, []string{"wirtschaft-economie", "world"}) {
		t.Errorf("new sections %v, want one per unknown folder or category", res.Sections)
	}
	if !slices.Equal(res.Unrouted, []string{"loose-feed"}) {
		t.Errorf("unrouted %v, want the feed outside any folder", res.Unrouted)
	}
	got, _, err := doc.Check()
	if err != nil {
		t.Fatalf("imported config refused: %v", err)
	}
	bp, _ := got.SourceByID("bangkok-post-politics")
	if !slices.Equal(bp.Sections, []string{"politics"}) || bp.Name != "Bangkok Post politics" {
		t.Errorf("folder feed: %+v", bp)
	}
	hb, _ := got.SourceByID("handelsblatt")
	if len(hb.Sections) != 1 {
		t.Fatalf("handelsblatt sections %v", hb.Sections)
	}
	var title string
	for _, sec := range got.Sections {
		if sec.ID == hb.Sections[0] {
			title = sec.Title
		}
	}
	if title != "Wirtschaft & Économie" {
		t.Errorf("new section title %q, want the folder name decoded from ISO-8859-1", title)
	}
	ky, _ := got.SourceByID("kyodo")
	if !slices.Equal(ky.Sections, []string{"sports", "world"}) {
		t.Errorf("category feed sections %v, want the existing sports section and a new world one", ky.Sections)
	}
	if lf, _ := got.SourceByID("loose-feed"); lf.URL != "https://example.org/feed.atom" {
		t.Errorf("xmlURL spelt in capitals not read: %+v", lf)
	}
}

func TestImportFallbackRoutesLooseFeeds(t *testing.T) {
	cfg, doc := mustParse(t, richConfig)
	list := `<opml version="2.0"><body><outline text="Loose" xmlUrl="https://example.org/rss"/></body></opml>`
	res, err := Import(strings.NewReader(list), doc, cfg, "other")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unrouted) != 0 {
		t.Errorf("unrouted %v with a fallback given", res.Unrouted)
	}
	got, _, err := doc.Check()
	if err != nil {
		t.Fatal(err)
	}
	if src, _ := got.SourceByID("loose"); src.Fallback != "other" {
		t.Errorf("loose feed fallback %q, want other", src.Fallback)
	}
}

func TestImportRefusesWhatIsNotAList(t *testing.T) {
	cfg, doc := mustParse(t, richConfig)
	for name, text := range map[string]string{
		"not xml":  "sources: [a, b]",
		"no feeds": `<opml version="2.0"><body><outline text="folder"/></body></opml>`,
	} {
		if _, err := Import(strings.NewReader(text), doc, cfg, ""); err == nil || !strings.HasPrefix(err.Error(), "opml: ") {
			t.Errorf("%s: err = %v, want an opml error", name, err)
		}
	}
	if ids := doc.IDs(config.Sources); len(ids) != 2 {
		t.Errorf("refused imports changed the document: %v", ids)
	}
}
