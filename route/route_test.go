package route

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"wirefeed/config"
)

// testConfig has a line number in its comments wherever a test names one.
const testConfig = `sections:
  - id: nation
    exclude:
      - category: Sponsored                   # 4
  - id: politics
  - id: economy
  - id: sports
    include:
      - title: [FIFA, World Cup, サッカー, ฟุตบอล] # 9
      - category: /^(soccer|football)$/i       # 10
    exclude:
      - title: /\bbetting\b/i                  # 12
  - id: other
    exclude:
      - title: horoscope                       # 15
  - id: japan
    include:
      - source: jiji                           # 18
        title: [Tokyo, Osaka, 日本]
      - summary: Japan                         # 20
        category: [Politics, Economy]
  - id: headlines
    all: true
sources:
  - id: nation
    url: https://nation.example/rss
    sections: [nation]                         # 27
    categories:
      Politics: politics
      Business: economy
      " Economy ": economy
      Sports: [sports, nation]
      Ignored:
    fallback: other                            # 34
  - id: jiji
    url: https://jiji.example/rss
    categories:
      Politics: politics
      Economy: economy
      Sports: sports                           # 40
    fallback: other                            # 41
  - id: bare
    url: https://bare.example/rss
    categories: {Politics: politics}
`

func testRouter(t testing.TB) *Router {
	t.Helper()
	cfg, err := config.Parse([]byte(testConfig), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg)
}

func TestSections(t *testing.T) {
	r := testRouter(t)
	tests := []struct {
		name string
		st   Story
		want []string
	}{
		// Sources and categories, as before rules.
		{"source sections", Story{Source: "nation"}, []string{"nation"}},
		{"sections then category", Story{Source: "nation", Categories: []string{"Politics"}}, []string{"nation", "politics"}},
		{"case and space ignored", Story{Source: "nation", Categories: []string{"  POLITICS "}}, []string{"nation", "politics"}},
		{"key with spaces matches", Story{Source: "nation", Categories: []string{"economy"}}, []string{"nation", "economy"}},
		{"story order", Story{Source: "nation", Categories: []string{"Business", "Politics"}}, []string{"nation", "economy", "politics"}},
		{"story order reversed", Story{Source: "nation", Categories: []string{"Politics", "Business"}}, []string{"nation", "politics", "economy"}},
		{"no repeats", Story{Source: "nation", Categories: []string{"Business", "Economy", "business", "Sports"}}, []string{"nation", "economy", "sports"}},
		{"category mapped to nothing", Story{Source: "nation", Categories: []string{"Ignored"}}, []string{"nation"}},
		{"fallback when unplaced", Story{Source: "jiji", Categories: []string{"Weather"}}, []string{"other"}},
		{"fallback without categories", Story{Source: "jiji"}, []string{"other"}},
		{"fallback not added when placed", Story{Source: "jiji", Categories: []string{"Weather", "Politics"}}, []string{"politics"}},
		{"no fallback", Story{Source: "bare", Categories: []string{"Weather"}}, []string{}},

		// Include rules add sections, from any source.
		{"include from another source", Story{Source: "nation", Title: "FIFA names host of 2030 finals"}, []string{"nation", "sports"}},
		{"include instead of fallback", Story{Source: "jiji", Title: "World Cup draw held"}, []string{"sports"}},
		{"include by category regexp", Story{Source: "bare", Categories: []string{"Football"}}, []string{"sports"}},
		{"include in Thai", Story{Source: "bare", Title: "ข่าวฟุตบอลไทยวันนี้"}, []string{"sports"}},
		{"include in Japanese", Story{Source: "jiji", Title: "女子サッカー日本代表が勝利"}, []string{"sports", "japan"}},
		{"keyword is a whole word", Story{Source: "jiji", Title: "FIFAs galore"}, []string{"other"}},

		// AND within a rule, OR between patterns and between rules.
		{"rule naming a source: source and title", Story{Source: "jiji", Title: "Tokyo stocks rise", Categories: []string{"Economy"}}, []string{"economy", "japan"}},
		{"rule naming a source: any title pattern", Story{Source: "jiji", Title: "Osaka expo opens"}, []string{"japan"}},
		{"rule naming a source: title alone is not enough", Story{Source: "nation", Title: "Tokyo stocks rise"}, []string{"nation"}},
		{"rule naming a source: source alone is not enough", Story{Source: "jiji", Title: "Kyoto leaves"}, []string{"other"}},
		{"second rule: summary and category", Story{Source: "nation", Title: "Pact signed", Summary: "<p>Thailand and <b>Japan</b> sign a pact.</p>", Categories: []string{"Economy"}}, []string{"nation", "economy", "japan"}},
		{"second rule: summary without category", Story{Source: "nation", Title: "Pact signed", Summary: "<p>Thailand and Japan sign a pact.</p>", Categories: []string{"Business"}}, []string{"nation", "economy"}},
		{"summary read from content when empty", Story{Source: "jiji", Summary: " <p></p> ", Content: "<p>Talks in <i>Japan</i></p>", Categories: []string{"Politics"}}, []string{"politics", "japan"}},
		{"content not read when summary has text", Story{Source: "jiji", Summary: "<p>Talks</p>", Content: "<p>Japan</p>", Categories: []string{"Politics"}}, []string{"politics"}},
		{"words split by a tag stay apart", Story{Source: "jiji", Summary: "<p>Nippon</p><p>Japan</p>", Categories: []string{"Politics"}}, []string{"politics", "japan"}},
		{"title given as HTML is matched as text", Story{Source: "jiji", Title: "World <b>Cup</b> draw &amp; more"}, []string{"sports"}},
		{"title and summary with no-break and ideographic spaces", Story{Source: "nation", Title: "World\u00a0Cup", Summary: "<p>Thailand\u3000and&nbsp;Japan</p>", Categories: []string{"Economy"}}, []string{"nation", "economy", "sports", "japan"}},

		// Exclude always wins.
		{"exclude wins over source sections", Story{Source: "nation", Categories: []string{"Sponsored", "Politics"}}, []string{"politics"}},
		{"exclude wins over categories", Story{Source: "nation", Title: "Sports betting rules eased", Categories: []string{"Sports"}}, []string{"nation"}},
		{"exclude wins over include", Story{Source: "jiji", Title: "FIFA betting probe in Tokyo"}, []string{"japan"}},
		{"exclude only where it is defined", Story{Source: "jiji", Title: "Betting on rates", Categories: []string{"Economy"}}, []string{"economy"}},
		{"excluded everywhere: no fallback", Story{Source: "nation", Categories: []string{"Sponsored"}}, []string{}},
		{"excluded from the only section: no fallback", Story{Source: "jiji", Title: "FIFA betting probe"}, []string{}},
		{"the fallback's own exclude", Story{Source: "jiji", Title: "Your horoscope for today"}, []string{}},

		// A source the config no longer has: rules still apply.
		{"unknown source", Story{Source: "gone", Title: "FIFA", Categories: []string{"Politics"}}, []string{"sports"}},
	}
	for _, tt := range tests {
		got := r.Sections(tt.st)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Sections = %q, want %q", tt.name, got, tt.want)
		}
		if e := r.Explain(tt.st); !reflect.DeepEqual(e.Sections, got) {
			t.Errorf("%s: Explain gives %q, Sections %q", tt.name, e.Sections, got)
		}
	}

	// The result is the caller's to change.
	got := r.Sections(Story{Source: "nation"})
	got[0] = "changed"
	if src, _ := r.cfg.SourceByID("nation"); src.Sections[0] != "nation" {
		t.Error("Sections returned the source's own slice")
	}
}

func TestExplain(t *testing.T) {
	r := testRouter(t)
	tests := []struct {
		st   Story
		want string
	}{
		{Story{Source: "jiji", Title: "FIFA betting probe in Tokyo", Categories: []string{"Sports", "Weather"}}, `
1. category "Sports" → sports (t.yaml:40: sources[1].categories["Sports"])
2. category "Weather" → no section (sources[1].categories does not list it)
3. include → japan (t.yaml:18: sections[5].include[0]): source "jiji" matched "jiji" and title "Tokyo" matched "Tokyo"
4. fallback other not used: the story is placed already (t.yaml:41: sources[1].fallback)
5. exclude removes sports (t.yaml:12: sections[3].exclude[0]): title /\bbetting\b/i matched "betting"
=> japan
`},
		{Story{Source: "nation", Title: "Pact", Summary: "", Content: "<p>Thailand and\n<b>JAPAN</b></p>", Categories: []string{"Economy", "Ignored", "Sponsored"}}, `
1. source's sections → nation (t.yaml:27: sources[0].sections)
2. category "Economy" → economy (t.yaml:31: sources[0].categories[" Economy "])
3. category "Ignored" → no section (t.yaml:33: sources[0].categories["Ignored"] maps it to none)
4. category "Sponsored" → no section (sources[0].categories does not list it)
5. include → japan (t.yaml:20: sections[5].include[1]): category "Economy" matched "Economy" and summary (the content: the summary is empty) "Japan" matched "JAPAN"
6. include rules of sports: none matched
7. fallback other not used: the story is placed already (t.yaml:34: sources[0].fallback)
8. exclude removes nation (t.yaml:4: sections[0].exclude[0]): category "Sponsored" matched "Sponsored"
=> economy, japan
`},
		{Story{Source: "jiji", Title: "Your horoscope for today"}, `
1. include rules of sports, japan: none matched
2. fallback → other (t.yaml:41: sources[1].fallback): nothing above placed the story
3. exclude removes other (t.yaml:15: sections[4].exclude[0]): title "horoscope" matched "horoscope"
4. no section left: exclude rules took the story out of every section it was placed in, and an excluded story does not fall back to other
=> no section
`},
		{Story{Source: "bare", Title: "Weather", Categories: []string{"Weather"}}, `
1. category "Weather" → no section (sources[2].categories does not list it)
2. include rules of sports, japan: none matched
3. no section: nothing placed the story and its source has no fallback
=> no section
`},
		{Story{Source: "gone", Title: "ข่าวฟุตบอลไทย"}, `
1. source "gone" is not in the config: no sections, categories or fallback of its own apply
2. include → sports (t.yaml:9: sections[3].include[0]): title "ฟุตบอล" matched "ฟุตบอล"
3. include rules of japan: none matched
=> sports
`},
	}
	for _, tt := range tests {
		got := r.Explain(tt.st)
		if s := "\n" + got.String(); s != tt.want {
			t.Errorf("Explain(%+v) =%s\nwant%s", tt.st, s, tt.want)
		}
	}
}

func TestExplainClipsLongMatches(t *testing.T) {
	cfg, err := config.Parse([]byte("sections:\n  - id: a\n    include:\n      - title: /x.*/\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	e := New(cfg).Explain(Story{Source: "x", Title: "x" + strings.Repeat("y", 200)})
	if s := e.Steps[1].String(); !strings.Contains(s, `title /x.*/ matched "xyyy`) || !strings.HasSuffix(s, `y…"`) || len(s) > 200 {
		t.Errorf("step = %s", s)
	}
	if s := e.Steps[1].String(); !strings.Contains(s, "(line 4: sections[0].include[0])") {
		t.Errorf("step without a file name = %s", s)
	}
}

func TestReaches(t *testing.T) {
	cfg, err := config.Parse([]byte(testConfig), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	reach := map[string][]string{}
	for _, src := range cfg.Sources {
		for _, sec := range cfg.Sections {
			if Reaches(src, sec) {
				reach[src.ID] = append(reach[src.ID], sec.ID)
			}
		}
	}
	want := map[string][]string{
		// japan's first rule names jiji, its second no source.
		"nation": {"nation", "politics", "economy", "sports", "other", "japan"},
		"jiji":   {"politics", "economy", "sports", "other", "japan"},
		"bare":   {"politics", "sports", "japan"},
	}
	if !reflect.DeepEqual(reach, want) {
		t.Errorf("Reaches:\n got %q\nwant %q", reach, want)
	}
	only, err := config.Parse([]byte(`sections:
  - id: a
    include: [{source: [x, /^y/], title: t}]
sources:
  - {id: x, url: "https://x.example/"}
  - {id: yy, url: "https://y.example/"}
  - {id: z, url: "https://z.example/"}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, true, false} {
		if got := Reaches(only.Sources[i], only.Sections[0]); got != want {
			t.Errorf("Reaches(%s, a) = %v", only.Sources[i].ID, got)
		}
	}
}

// The shipped config keeps routing as documented in it.
func TestShippedConfig(t *testing.T) {
	cfg, err := config.Load("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := New(cfg)
	for _, tt := range []struct {
		st   Story
		want []string
	}{
		{Story{Source: "nation", Categories: []string{"Business"}}, []string{"nation", "economy"}},
		{Story{Source: "nation", Categories: []string{"politics", "Sports"}}, []string{"nation", "politics", "sports"}},
		{Story{Source: "nation"}, []string{"nation"}},
		{Story{Source: "jiji", Categories: []string{"Economy"}}, []string{"economy"}},
		{Story{Source: "jiji", Categories: []string{"Other"}}, []string{"other"}},
		{Story{Source: "jiji", Categories: []string{"Weather"}}, []string{"other"}},
	} {
		if got := r.Sections(tt.st); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sections(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}

// The example rules in the shipped config's comments, uncommented, are
// valid and route as they say.
func TestShippedConfigExamples(t *testing.T) {
	data, err := os.ReadFile("../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	in, uncommented := false, 0
	for i, line := range lines {
		switch {
		case strings.Contains(line, `Example rules (to use them, remove the "# "`):
			in = true
		case in && !strings.HasPrefix(line, "    #"):
			in = false
		case in:
			rest := strings.TrimPrefix(line, "    # ")
			if strings.HasPrefix(rest, "include:") || strings.HasPrefix(rest, "exclude:") || strings.HasPrefix(rest, "  ") {
				lines[i] = "    " + rest
				uncommented++
			}
		}
	}
	if uncommented < 5 {
		t.Fatalf("found %d example lines in config.yaml", uncommented)
	}
	cfg, err := config.Parse([]byte(strings.Join(lines, "\n")), "config.yaml")
	if err != nil {
		t.Fatalf("the examples do not parse: %v", err)
	}
	r := New(cfg)
	for _, tt := range []struct {
		st   Story
		want []string
	}{
		{Story{Source: "nation", Title: "FIFA picks host city"}, []string{"nation", "sports"}},
		{Story{Source: "jiji", Title: "Yokozuna withdraws", Categories: []string{"Sumo"}}, []string{"sports"}},
		{Story{Source: "jiji", Title: "大相撲九州場所が開幕"}, []string{"sports"}},
		{Story{Source: "nation", Title: "Sumo comes to Bangkok"}, []string{"nation"}},
		{Story{Source: "nation", Title: "Betting odds shorten", Categories: []string{"Sports"}}, []string{"nation"}},
		{Story{Source: "jiji", Title: "World Cup odds", Categories: []string{"Sports"}}, []string{}},
	} {
		if got := r.Sections(tt.st); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Sections(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}
}

// BenchmarkSections routes 50 stories through 6 sections, 4 of them with
// include or exclude rules (keywords and regular expressions on title,
// summary, category and source), as one fetch of a partner does.
func BenchmarkSections(b *testing.B) {
	cfg, err := config.Parse([]byte(benchConfig), "bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	r := New(cfg)
	stories := make([]Story, 50)
	for i := range stories {
		stories[i] = Story{
			Source: []string{"nation", "jiji"}[i%2],
			Title:  fmt.Sprintf("Story %d: %s", i, []string{"Coalition agrees charter timetable", "BOJ keeps rates on hold", "Interim coach named before World Cup qualifier", "Floodwaters recede as dykes hold", "Tourism arrivals hit record in Chiang Mai"}[i%5]),
			Summary: "<p>" + strings.Repeat("Officials said on Friday that the measure would take effect next month after a review. ", 3) +
				[]string{"The central bank", "The football association", "Provincial officials"}[i%3] + " declined to comment.</p>",
			Categories: [][]string{{"Politics"}, {"Economy"}, {"Sports"}, {"Thailand"}, {"Tourism", "Travel"}}[i%5],
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, st := range stories {
			r.Sections(st)
		}
	}
}

const benchConfig = `sections:
  - id: nation
    exclude:
      - category: [Sponsored, Advertorial]
  - id: politics
    include:
      - title: [election, charter, coalition, /\bprime minister\b/i]
      - summary: [parliament, senate]
        category: [Thailand, Japan]
  - id: economy
    include:
      - title: /\b(BOJ|Bank of Thailand|baht|yen)\b/
      - summary: [central bank, inflation, tariff]
  - id: sports
    include:
      - title: [World Cup, FIFA, coach, Olympics]
      - category: /^(football|soccer|sumo)$/i
    exclude:
      - title: /\bbetting\b/i
  - id: other
  - id: headlines
    all: true
sources:
  - id: nation
    url: https://nation.example/rss
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: jiji
    url: https://jiji.example/rss
    categories: {Politics: politics, Economy: economy, Sports: sports}
    fallback: other
`
