package config

import (
	"reflect"
	"testing"
	"time"
)

// Routing itself is tested in package route; these test the lookups it
// uses.
func TestCategorySections(t *testing.T) {
	nation := Source{
		ID: "nation",
		Categories: map[string]StringList{
			"Politics":  {"politics"},
			" Economy ": {"economy"},
			"Sports":    {"sports", "nation"},
			"Ignored":   nil,
		},
	}
	tests := []struct {
		category, written string
		want              []string
	}{
		{"Politics", "Politics", []string{"politics"}},
		{"  POLITICS ", "Politics", []string{"politics"}},
		{"economy", " Economy ", []string{"economy"}},
		{"Sports", "Sports", []string{"sports", "nation"}},
		{"Ignored", "Ignored", nil},
		{"Weather", "", nil},
		{"", "", nil},
	}
	indexed := nation
	indexed.routes = indexed.buildRoutes()
	for _, tt := range tests {
		for how, src := range map[string]Source{"hand-built": nation, "indexed": indexed} {
			written, got := src.CategorySections(tt.category)
			if written != tt.written || !reflect.DeepEqual([]string(got), tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("%s: CategorySections(%q) = %q, %q; want %q, %q", how, tt.category, written, got, tt.written, tt.want)
			}
		}
	}
	if w, got := (Source{}).CategorySections("x"); w != "" || got != nil {
		t.Errorf("zero source: %q, %q", w, got)
	}
}

func TestParseIndexesRoutes(t *testing.T) {
	c := mustParse(t, withSource+"    categories:\n      ' Sport ': sport\n      News: [news, sport]\n")
	src := c.Sources[0]
	if src.routes == nil {
		t.Fatal("Parse did not index categories")
	}
	if w, got := src.CategorySections("NEWS"); w != "News" || !reflect.DeepEqual(got, []string{"news", "sport"}) {
		t.Errorf("CategorySections(NEWS) = %q, %q", w, got)
	}
	if w, got := src.CategorySections("sport"); w != " Sport " || !reflect.DeepEqual(got, []string{"sport"}) {
		t.Errorf("CategorySections(sport) = %q, %q", w, got)
	}
	// SourceByID hands out a copy that keeps the index and its place.
	if s, _ := c.SourceByID("wire"); s.routes == nil || s.KeyPath() != "sources[0]" {
		t.Errorf("SourceByID lost the index or key path: %q", s.KeyPath())
	}
	if got := c.Line(src.KeyPath() + `.categories["News"]`); got != 11 {
		t.Errorf("line of the News category = %d, want 11", got)
	}
	if got := c.Line("sources[0].no.such.key"); got != 7 {
		t.Errorf("line of an absent key = %d, want its parent's, 7", got)
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

func TestSiteDefaults(t *testing.T) {
	c := mustParse(t, "timezone: Asia/Bangkok\n"+minimal)
	if c.Site.Title != "wirefeed" || c.Site.Timezone != "Asia/Bangkok" || c.SiteLocation().String() != "Asia/Bangkok" {
		t.Errorf("site without a site block = %+v in %s; want title wirefeed, the scheduler's zone", c.Site, c.SiteLocation())
	}
	c = mustParse(t, "site:\n  title: Asia Wire Journal\n  timezone: Asia/Tokyo\n"+minimal)
	if c.Site.Title != "Asia Wire Journal" || c.SiteLocation().String() != "Asia/Tokyo" || c.Location() != time.UTC {
		t.Errorf("site = %+v in %s, scheduler in %s", c.Site, c.SiteLocation(), c.Location())
	}
}
