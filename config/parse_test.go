package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// minimal is the smallest valid config.
const minimal = `sections:
  - id: news
sources:
  - id: wire
    url: https://example.com/feed.xml
`

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	c, err := Parse([]byte(src), "t.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// checkErrors parses src and checks that it fails with exactly the errors
// want, each given as a prefix ("t.yaml:LINE: KEY: ...") of one error line,
// in order.
func checkErrors(t *testing.T, src string, want ...string) {
	t.Helper()
	c, err := Parse([]byte(src), "t.yaml")
	if err == nil {
		t.Fatalf("Parse succeeded, want errors %q", want)
	}
	if c != nil {
		t.Errorf("Parse returned a config with its error")
	}
	got := strings.Split(err.Error(), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v\nwant prefixes:\n%s", len(got), len(want), err, strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q\nwant prefix %q", i, got[i], want[i])
		}
	}
}

func TestLoadShippedConfig(t *testing.T) {
	c, err := Load("../config.yaml")
	if err != nil {
		t.Fatalf("Load(../config.yaml): %v", err)
	}
	if c.Path != "../config.yaml" {
		t.Errorf("Path = %q", c.Path)
	}
	var ids []string
	for _, s := range c.Sections {
		ids = append(ids, s.ID)
	}
	if want := []string{"nation", "politics", "economy", "sports", "other", "headlines"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("sections = %q, want %q", ids, want)
	}
	if h, _ := c.Section("headlines"); !h.All || h.Description != "Newest stories of all sections" {
		t.Errorf("headlines = %+v", h)
	}
	nation, ok := c.SourceByID("nation")
	if !ok || nation.Name != "Nation" || nation.Attribution != "Provided by Nation" ||
		nation.URL != "https://www.nationthailand.com/rss/feed.xml" {
		t.Errorf("nation = %+v", nation)
	}
	jiji, ok := c.SourceByID("jiji")
	if !ok || jiji.Name != "Jiji Press" || jiji.Attribution != "Provided by Jiji Press" ||
		jiji.URL != "https://jen.jiji.com/rss/news.rss" || jiji.Fallback != "other" {
		t.Errorf("jiji = %+v", jiji)
	}
	for _, r := range []struct {
		src      Source
		category string
		want     []string
	}{
		{nation, "Business", []string{"economy"}},
		{nation, "politics", []string{"politics"}},
		{nation, "Weather", nil},
		{jiji, "Economy", []string{"economy"}},
		{jiji, "Other", []string{"other"}},
	} {
		if _, got := r.src.CategorySections(r.category); !reflect.DeepEqual([]string(got), r.want) && len(got)+len(r.want) > 0 {
			t.Errorf("%s.CategorySections(%q) = %q, want %q", r.src.ID, r.category, got, r.want)
		}
	}
	if !reflect.DeepEqual(nation.Sections, []string{"nation"}) {
		t.Errorf("nation.Sections = %q", nation.Sections)
	}
	want := Config{
		Server:  Server{Listen: ":8080", BaseURL: "http://localhost:8080", MaxConnections: 1024},
		Storage: Storage{Path: "wirefeed.db"},
		Fetch: Fetch{Timeout: Duration(30 * time.Second), Jitter: Duration(10 * time.Second), Workers: 8, MaxBody: 10 << 20, MaxItems: 1000,
			MinInterval: Duration(time.Minute), PerHost: 2, MaxInterval: Duration(6 * time.Hour)},
		Log:        Log{Format: "text", Level: "info"},
		Duplicates: Duplicates{Window: Duration(72 * time.Hour)},
		Retention:  Retention{MaxAge: Duration(30 * 24 * time.Hour), MaxPerSource: 10000, MaxPerSection: 5000, Schedule: "@hourly"},
		Schedule:   "@every 10m",
		Timezone:   "UTC",
	}
	if c.Server != want.Server || c.Storage != want.Storage || !reflect.DeepEqual(c.Fetch, want.Fetch) ||
		c.Schedule != want.Schedule || c.Timezone != want.Timezone {
		t.Errorf("shipped config does not show the defaults: %+v", c)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("Load(missing) = %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wf.yaml")
	if err := os.WriteFile(path, []byte(minimal+"bogus: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || err.Error() != path+`:6: unknown key "bogus"` {
		t.Fatalf("Load = %v", err)
	}
}

func TestDefaults(t *testing.T) {
	c := mustParse(t, minimal)
	want := &Config{
		Path:    "t.yaml",
		Server:  Server{Listen: ":8080", BaseURL: "http://localhost:8080", MaxConnections: 1024},
		Storage: Storage{Path: "wirefeed.db"},
		Fetch: Fetch{Timeout: Duration(30 * time.Second), Jitter: Duration(10 * time.Second), Workers: 8, MaxBody: 10 << 20, MaxItems: 1000,
			MinInterval: Duration(time.Minute), PerHost: 2, MaxInterval: Duration(6 * time.Hour)},
		Log:        Log{Format: "text", Level: "info"},
		Duplicates: Duplicates{Window: Duration(72 * time.Hour)},
		Retention:  Retention{MaxAge: Duration(30 * 24 * time.Hour), MaxPerSource: 10000, MaxPerSection: 5000, Schedule: "@hourly"},
		Site:       Site{Title: "wirefeed", Timezone: "UTC", loc: time.UTC},
		Schedule:   "@every 10m",
		Timezone:   "UTC",
		Sections:   []Section{{ID: "news", Limit: 50}},
		Sources: []Source{{
			ID: "wire", Name: "wire", Attribution: "Provided by wire",
			URL: "https://example.com/feed.xml", Priority: 100,
			keyPath: "sources[0]",
		}},
		loc: time.UTC,
	}
	if c.Line("sources[0].url") != 5 {
		t.Errorf("line of sources[0].url = %d, want 5", c.Line("sources[0].url"))
	}
	if c.ScheduleFor(c.Sources[0]) == nil || c.RetentionSchedule() == nil {
		t.Error("schedules not parsed")
	}
	c.lines, c.schedules = nil, nil
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestDefaultsZeroAndExplicit(t *testing.T) {
	// A zero written in the file is what the editor wrote: refused where
	// zero makes no sense, never silently replaced by the default.
	checkErrors(t, `fetch:
  timeout: 0s
  jitter: 0s
  workers: 0
sections:
  - id: news
    limit: 0
sources:
  - id: wire
    url: http://example.com/
    priority: 0
`,
		"t.yaml:2: fetch.timeout: must be longer than 0, got 0s: it bounds each pull of a source (leave it out for the default, 30s)",
		"t.yaml:4: fetch.workers: must be at least 1, got 0",
		"t.yaml:7: sections[0].limit: must be between 1 and 1000, got 0",
		"t.yaml:11: sources[0].priority: must be 1 or more (1 is the highest), got 0")

	c := mustParse(t, `fetch:
  jitter: 0s
sections:
  - id: news
  - id: big
    limit: 1000
sources:
  - id: wire
    name: Wire Service
    url: http://example.com/
  - id: other
    name: Other
    attribution: Courtesy of Other
    url: http://example.com/
`)
	if c.Fetch.Timeout != Duration(30*time.Second) || c.Fetch.Workers != 8 {
		t.Errorf("absent timeout/workers not defaulted: %+v", c.Fetch)
	}
	if c.Fetch.Jitter != 0 {
		t.Errorf("explicit jitter 0s = %v, want 0 (disabled)", c.Fetch.Jitter)
	}
	if c.Sections[0].Limit != 50 || c.Sections[1].Limit != 1000 {
		t.Errorf("limits = %d, %d", c.Sections[0].Limit, c.Sections[1].Limit)
	}
	if s := c.Sources[0]; s.Name != "Wire Service" || s.Attribution != "Provided by Wire Service" {
		t.Errorf("source 0 = %+v", s)
	}
	if s := c.Sources[1]; s.Attribution != "Courtesy of Other" {
		t.Errorf("source 1 = %+v", s)
	}
}

func TestNullMeansAbsent(t *testing.T) {
	c := mustParse(t, "server:\nstorage: ~\nfetch:\n  jitter:\n"+minimal+"    categories:\n      Sports:\n")
	if c.Server.Listen != ":8080" || c.Storage.Path != "wirefeed.db" || c.Fetch.Jitter != Duration(10*time.Second) {
		t.Errorf("nulls not defaulted: %+v", c)
	}
	if _, got := c.Sources[0].CategorySections("sports"); len(got) != 0 {
		t.Errorf("category mapped to nothing routes to %q", got)
	}
}

func TestEmptySourcesAllowed(t *testing.T) {
	for _, src := range []string{"sections: [{id: a}]\n", "sections: [{id: a}]\nsources: []\n", "sections: [{id: a}]\nsources:\n"} {
		if c := mustParse(t, src); len(c.Sources) != 0 {
			t.Errorf("%q: sources = %+v", src, c.Sources)
		}
	}
}

func TestAliasesAndMergeKeys(t *testing.T) {
	c := mustParse(t, `sections:
  - id: news
  - id: sport
sources:
  - &wire
    id: a
    url: https://a.example/feed
    categories: {Sport: sport}
    fallback: news
  - <<: *wire
    id: b
  - <<: [*wire]
    id: c
    fallback: sport
`)
	if len(c.Sources) != 3 {
		t.Fatalf("sources = %+v", c.Sources)
	}
	b, c2 := c.Sources[1], c.Sources[2]
	if b.ID != "b" || b.URL != "https://a.example/feed" || b.Fallback != "news" || len(b.Categories) != 1 {
		t.Errorf("b = %+v", b)
	}
	if c2.ID != "c" || c2.Fallback != "sport" {
		t.Errorf("c = %+v", c2)
	}
}

func TestStringList(t *testing.T) {
	tests := []struct {
		in      string
		want    StringList
		wantErr string
	}{
		{in: "economy", want: StringList{"economy"}},
		{in: `"a b"`, want: StringList{"a b"}},
		{in: "[economy, nation]", want: StringList{"economy", "nation"}},
		{in: "- economy\n- nation\n", want: StringList{"economy", "nation"}},
		{in: "[]", want: StringList{}},
		{in: "~", want: nil},
		{in: "{a: b}", wantErr: "want a string or a list of strings, got a mapping"},
		{in: "[a, [b]]", wantErr: "got a list in the list"},
		{in: "[a, ~]", wantErr: "in the list"},
	}
	for _, tt := range tests {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(tt.in), &n); err != nil {
			t.Fatal(err)
		}
		var got StringList
		err := got.UnmarshalYAML(n.Content[0])
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: got %#v, %v; want %#v", tt.in, got, err, tt.want)
		}
	}

	// Also as a plain yaml.v3 target, and inside a config.
	var m map[string]StringList
	if err := yaml.Unmarshal([]byte("a: x\nb: [y, z]\n"), &m); err != nil || !reflect.DeepEqual(m["b"], StringList{"y", "z"}) || !reflect.DeepEqual(m["a"], StringList{"x"}) {
		t.Errorf("yaml.Unmarshal = %v, %v", m, err)
	}
	c := mustParse(t, minimal+"    categories:\n      A: news\n      B: [news]\n")
	if !reflect.DeepEqual(c.Sources[0].Categories, map[string]StringList{"A": {"news"}, "B": {"news"}}) {
		t.Errorf("categories = %#v", c.Sources[0].Categories)
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "30s", want: 30 * time.Second},
		{in: "10m", want: 10 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "0", want: 0},
		{in: `"-5s"`, want: -5 * time.Second},
		{in: "30", wantErr: `invalid duration "30"`},
		{in: "ten minutes", wantErr: `invalid duration "ten minutes"`},
		{in: "[1s]", wantErr: "got a list"},
	}
	for _, tt := range tests {
		var got struct {
			D Duration `yaml:"d"`
		}
		err := yaml.Unmarshal([]byte("d: "+tt.in), &got)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || time.Duration(got.D) != tt.want {
			t.Errorf("%q: got %v, %v; want %v", tt.in, got.D, err, tt.want)
		}
	}
	if s := Duration(90 * time.Second).String(); s != "1m30s" {
		t.Errorf("String = %q", s)
	}
	out, err := yaml.Marshal(struct{ D Duration }{Duration(time.Minute)})
	if err != nil || string(out) != "d: 1m0s\n" {
		t.Errorf("Marshal = %q, %v", out, err)
	}
}

// TestDecodeErrors covers errors found while decoding: YAML syntax, unknown
// and repeated keys, values of the wrong type.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"syntax", minimal + "timezone UTC\nschedule: x\n", []string{"t.yaml:6: could not find expected ':'"}},
		{"syntax tab", "sections:\n\t- id: a\n", []string{"t.yaml:2: found character that cannot start any token"}},
		{"two documents", minimal + "---\nsections: []\n", []string{"t.yaml:6: a config file holds one YAML document"}},
		{"top level not a mapping", "- a\n- b\n", []string{"t.yaml:1: want a mapping, got a list"}},
		{"unknown top-level key", minimal + "sheduel: '@hourly'\n", []string{`t.yaml:6: unknown key "sheduel"`}},
		{"unknown server key", "server:\n  port: 80\n" + minimal, []string{`t.yaml:2: server: unknown key "port"`}},
		{"unknown section key", "sections:\n  - id: a\n    titel: A\n", []string{`t.yaml:3: sections[0]: unknown key "titel"`}},
		{"unknown source key", `sections: [{id: a}]
sources:
  - id: s
    url: http://x.example/
  - id: t
    urll: http://x.example/
`, []string{`t.yaml:5: sources[1].url: required`, `t.yaml:6: sources[1]: unknown key "urll"`}},
		{"unexported field is not a key", minimal + "    routes: {}\n", []string{`t.yaml:6: sources[0]: unknown key "routes"`}},
		{"path is not a key", minimal + "path: x\n", []string{`t.yaml:6: unknown key "path"`}},
		{"repeated key", "sections:\n  - id: a\n    id: b\n", []string{`t.yaml:3: sections[0].id: key given twice (first at line 2)`}},
		{"repeated category", minimal + "    categories:\n      A: news\n      A: news\n", []string{`t.yaml:8: sources[0].categories["A"]: key given twice (first at line 7)`}},
		{"int wanted", "sections:\n  - id: a\n    limit: lots\n", []string{`t.yaml:3: sections[0].limit: want a whole number, got "lots"`}},
		{"float for int", "sections:\n  - id: a\n    limit: 1.5\n", []string{`t.yaml:3: sections[0].limit: want a whole number, got "1.5"`}},
		{"bool wanted", "sections:\n  - id: a\n    all: maybe\n", []string{`t.yaml:3: sections[0].all: want true or false (unquoted), got "maybe"`}},
		{"string wanted", "sections:\n  - id: [a]\n", []string{`t.yaml:2: sections[0].id: want a string, got a list`}},
		{"list wanted", "sections: news\n", []string{`t.yaml:1: sections: want a list, got "news"`}},
		{"mapping wanted", "server: localhost\n" + minimal, []string{`t.yaml:1: server: want a mapping, got "localhost"`}},
		{"source sections not a list", minimal + "    sections: news\n", []string{`t.yaml:6: sources[0].sections: want a list, got "news"`}},
		{"categories not a mapping", minimal + "    categories: [news]\n", []string{`t.yaml:6: sources[0].categories: want a mapping, got a list`}},
		{"category value not a string", minimal + "    categories:\n      A: {x: y}\n", []string{`t.yaml:7: sources[0].categories["A"]: want a string or a list of strings, got a mapping`}},
		{"bad duration", "fetch:\n  timeout: 30\n" + minimal, []string{`t.yaml:2: fetch.timeout: invalid duration "30"`}},
		{"bad duration and jitter", "fetch:\n  timeout: 5 minutes\n  jitter: 1x\n" + minimal, []string{
			`t.yaml:2: fetch.timeout: invalid duration "5 minutes"`,
			`t.yaml:3: fetch.jitter: invalid duration "1x"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkErrors(t, tt.src, tt.want...) })
	}
}

func TestErrorListAs(t *testing.T) {
	_, err := Parse([]byte("sections:\n  - id: A\n  - id: b\n    limit: 0.5\n"), "x.yaml")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("errors.As(ErrorList) on %v", err)
	}
	var first *Error
	if !errors.As(err, &first) {
		t.Fatal("errors.As(*Error) failed")
	}
	want := Error{File: "x.yaml", Line: 2, Key: "sections[0].id", Msg: first.Msg}
	if *first != want || !strings.HasPrefix(first.Msg, `invalid id "A"`) {
		t.Errorf("first = %+v", *first)
	}
	if list[1].Line != 4 || list[1].Key != "sections[1].limit" {
		t.Errorf("second = %+v", *list[1])
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{File: "c.yaml", Line: 3, Key: "k", Msg: "m"}, "c.yaml:3: k: m"},
		{Error{File: "c.yaml", Line: 3, Msg: "m"}, "c.yaml:3: m"},
		{Error{File: "c.yaml", Key: "k", Msg: "m"}, "c.yaml: k: m"},
		{Error{Line: 3, Key: "k", Msg: "m"}, "line 3: k: m"},
		{Error{Msg: "m"}, "m"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.e, got, tt.want)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	// Merge keys nest: xh holds 10^7 copies of xa's pairs.
	src := "xa: &a {id: x}\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		src += "x" + n + ": &" + n + " {<<: [" + strings.Repeat("*"+prev+",", 9) + "*" + prev + "]}\n"
		prev = n
	}
	src += "sections: [*h]\n"
	start := time.Now()
	_, err := Parse([]byte(src), "t.yaml")
	if err == nil || !strings.Contains(err.Error(), "document too large") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
