package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	nation := Source{
		ID:       "nation",
		Sections: []string{"nation"},
		Categories: map[string]StringList{
			"Politics":  {"politics"},
			"Business":  {"economy"},
			" Economy ": {"economy"},
			"Sports":    {"sports", "nation"},
			"Ignored":   nil,
		},
		Fallback: "other", // never used: Sections always places a story
	}
	jiji := Source{
		ID: "jiji",
		Categories: map[string]StringList{
			"Politics": {"politics"},
			"Economy":  {"economy"},
			"Other":    {"other"},
		},
		Fallback: "other",
	}
	bare := Source{ID: "bare", Categories: map[string]StringList{"Politics": {"politics"}}}
	twoSections := Source{ID: "two", Sections: []string{"b", "a", "b"}}

	tests := []struct {
		name string
		src  Source
		cats []string
		want []string
	}{
		{"sections only", nation, nil, []string{"nation"}},
		{"sections then category", nation, []string{"Politics"}, []string{"nation", "politics"}},
		{"case and space ignored", nation, []string{"  POLITICS "}, []string{"nation", "politics"}},
		{"key with spaces matches", nation, []string{"economy"}, []string{"nation", "economy"}},
		{"story order", nation, []string{"Business", "Politics"}, []string{"nation", "economy", "politics"}},
		{"story order reversed", nation, []string{"Politics", "Business"}, []string{"nation", "politics", "economy"}},
		{"dedupe across categories", nation, []string{"Business", "Economy", "business"}, []string{"nation", "economy"}},
		{"dedupe against sections", nation, []string{"Sports"}, []string{"nation", "sports"}},
		{"unknown category", nation, []string{"Weather"}, []string{"nation"}},
		{"category mapped to nothing", nation, []string{"Ignored"}, []string{"nation"}},
		{"category", jiji, []string{"Economy"}, []string{"economy"}},
		{"fallback when unplaced", jiji, []string{"Weather"}, []string{"other"}},
		{"fallback without categories", jiji, nil, []string{"other"}},
		{"fallback not added when placed", jiji, []string{"Weather", "Politics"}, []string{"politics"}},
		{"explicit other", jiji, []string{"other", "Politics"}, []string{"other", "politics"}},
		{"empty category", jiji, []string{""}, []string{"other"}},
		{"no fallback", bare, []string{"Weather"}, nil},
		{"no fallback no categories", bare, nil, nil},
		{"duplicate sections", twoSections, nil, []string{"b", "a"}},
		{"zero source", Source{}, []string{"x"}, nil},
	}
	for _, tt := range tests {
		indexed := tt.src
		indexed.routes = indexed.buildRoutes()
		for _, v := range []struct {
			how string
			src Source
		}{{"hand-built", tt.src}, {"indexed", indexed}} {
			got := v.src.Route(tt.cats)
			if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
				t.Errorf("%s (%s): Route(%q) = %q, want %q", tt.name, v.how, tt.cats, got, tt.want)
			}
		}
	}

	// The result is the caller's to change.
	got := nation.Route(nil)
	got[0] = "changed"
	if nation.Sections[0] != "nation" {
		t.Error("Route returned s.Sections itself")
	}
}

func TestParseIndexesRoutes(t *testing.T) {
	c := mustParse(t, withSource+"    categories:\n      ' Sport ': sport\n      News: [news, sport]\n")
	src := c.Sources[0]
	if src.routes == nil {
		t.Fatal("Parse did not index categories")
	}
	if got, want := src.Route([]string{"NEWS", "sport"}), []string{"news", "sport"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Route = %q, want %q", got, want)
	}
	// SourceByID hands out a copy that keeps the index.
	if s, _ := c.SourceByID("wire"); s.routes == nil {
		t.Error("SourceByID lost the index")
	}
}

func TestHelpers(t *testing.T) {
	c := mustParse(t, `schedule: "@hourly"
timezone: Asia/Bangkok
sections:
  - id: news
    title: News
  - id: top
    all: true
sources:
  - id: a
    url: http://a.example/
  - id: b
    url: http://b.example/
    schedule: "*/5 * * * *"
`)
	if s, ok := c.Section("news"); !ok || s.Title != "News" || s.Limit != 50 {
		t.Errorf("Section(news) = %+v, %v", s, ok)
	}
	if s, ok := c.Section("top"); !ok || !s.All {
		t.Errorf("Section(top) = %+v, %v", s, ok)
	}
	if _, ok := c.Section("nope"); ok {
		t.Error("Section(nope) found")
	}
	a, okA := c.SourceByID("a")
	b, okB := c.SourceByID("b")
	if !okA || !okB || a.URL != "http://a.example/" || b.URL != "http://b.example/" {
		t.Errorf("SourceByID = %+v, %+v", a, b)
	}
	if _, ok := c.SourceByID("news"); ok {
		t.Error("SourceByID found a section")
	}
	if got := c.ScheduleOf(a); got != "@hourly" {
		t.Errorf("ScheduleOf(a) = %q", got)
	}
	if got := c.ScheduleOf(b); got != "*/5 * * * *" {
		t.Errorf("ScheduleOf(b) = %q", got)
	}
	if got := a.EffectiveSchedule("@daily"); got != "@daily" {
		t.Errorf("EffectiveSchedule = %q", got)
	}
	if got := c.Location().String(); got != "Asia/Bangkok" {
		t.Errorf("Location = %q", got)
	}
}

func TestLocationWithoutParse(t *testing.T) {
	if loc := (&Config{}).Location(); loc != time.UTC {
		t.Errorf("zero Config: %v", loc)
	}
	if loc := (&Config{Timezone: "Nowhere/Special"}).Location(); loc != time.UTC {
		t.Errorf("bad zone: %v", loc)
	}
	if loc := (&Config{Timezone: "Asia/Tokyo"}).Location(); loc.String() != "Asia/Tokyo" {
		t.Errorf("Asia/Tokyo: %v", loc)
	}
}

func BenchmarkRoute(b *testing.B) {
	c, err := Load("../config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	src, _ := c.SourceByID("nation")
	cats := []string{"Business", " politics", "Thailand"}
	for b.Loop() {
		if r := src.Route(cats); len(r) != 3 {
			b.Fatal(strings.Join(r, ","))
		}
	}
}
