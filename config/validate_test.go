package config

import (
	"strings"
	"testing"
)

// withSource is a valid config up to an open source entry at line 7;
// tests append the source's remaining keys from line 9 on.
const withSource = `sections:
  - id: news
  - id: sport
  - id: headlines
    all: true
sources:
  - id: wire
    url: https://example.com/feed.xml
`

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", 64)
	tests := []struct {
		name string
		src  string
		want []string // error prefixes, in line order; none means valid
	}{
		// Sections.
		{"no sections key", "sources: []\n", []string{"t.yaml:1: sections: at least one section is required"}},
		{"empty sections", "timezone: UTC\nsections: []\n", []string{"t.yaml:2: sections: at least one section is required"}},
		{"empty file", "", []string{"t.yaml: sections: at least one section is required"}},
		{"comments only", "# nothing\n", []string{"t.yaml: sections: at least one section is required"}},
		{"section id missing", "sections:\n  - title: News\n", []string{"t.yaml:2: sections[0].id: required"}},
		{"section id upper case", "sections:\n  - id: News\n", []string{`t.yaml:2: sections[0].id: invalid id "News"`}},
		{"section id with slash", "sections:\n  - id: a/b\n", []string{`t.yaml:2: sections[0].id: invalid id "a/b"`}},
		{"section id leading dash", "sections:\n  - id: -a\n", []string{`t.yaml:2: sections[0].id: invalid id "-a"`}},
		{"section id 64 chars", "sections:\n  - id: " + long + "\n", nil},
		{"section id 65 chars", "sections:\n  - id: " + long + "a\n", []string{`t.yaml:2: sections[0].id: invalid id`}},
		{"section id forms", "sections:\n  - id: 0a_b-c\n", nil},
		{"duplicate section id", "sections:\n  - id: nation\n  - id: sports\n  - id: sports\n",
			[]string{`t.yaml:4: sections[2].id: duplicate id "sports" (first defined at line 3)`}},
		{"limit too big", "sections:\n  - id: a\n    limit: 1001\n", []string{"t.yaml:3: sections[0].limit: must be between 1 and 1000, got 1001"}},
		{"limit negative", "sections:\n  - id: a\n    limit: -1\n", []string{"t.yaml:3: sections[0].limit: must be between 1 and 1000, got -1"}},
		{"limit bounds", "sections:\n  - id: a\n    limit: 1\n  - id: b\n    limit: 1000\n", nil},

		// Sources.
		{"source id missing", "sections: [{id: a}]\nsources:\n  - url: http://x.example/\n", []string{"t.yaml:3: sources[0].id: required"}},
		{"source id invalid", "sections: [{id: a}]\nsources:\n  - id: Jiji Press\n    url: http://x.example/\n", []string{`t.yaml:3: sources[0].id: invalid id "Jiji Press"`}},
		{"duplicate source id", withSource + "  - id: wire\n    url: http://x.example/\n",
			[]string{`t.yaml:9: sources[1].id: duplicate id "wire" (first defined at line 7)`}},
		{"source and section may share an id", withSource + "  - id: news\n    url: http://x.example/\n", nil},
		{"url missing", "sections: [{id: a}]\nsources:\n  - id: s\n    name: S\n", []string{"t.yaml:3: sources[0].url: required"}},
		{"url relative", "sections: [{id: a}]\nsources:\n  - id: s\n    url: /feed.xml\n", []string{`t.yaml:4: sources[0].url: invalid URL "/feed.xml": want an absolute http:// or https:// URL`}},
		{"url no scheme", "sections: [{id: a}]\nsources:\n  - id: s\n    url: www.example.com/rss\n", []string{`t.yaml:4: sources[0].url: invalid URL "www.example.com/rss"`}},
		{"url ftp", "sections: [{id: a}]\nsources:\n  - id: s\n    url: ftp://example.com/rss\n", []string{`t.yaml:4: sources[0].url: invalid URL "ftp://example.com/rss": want an absolute`}},
		{"url no host", "sections: [{id: a}]\nsources:\n  - id: s\n    url: https:///rss\n", []string{`t.yaml:4: sources[0].url: invalid URL "https:///rss": no host`}},
		{"url unparsable", "sections: [{id: a}]\nsources:\n  - id: s\n    url: 'http://exa mple.com/'\n", []string{`t.yaml:4: sources[0].url: invalid URL "http://exa mple.com/": invalid character`}},
		{"url upper-case scheme", "sections: [{id: a}]\nsources:\n  - id: s\n    url: HTTPS://example.com/rss\n", nil},

		// Routing targets.
		{"unknown section in sections", withSource + "    sections: [news, nwes]\n",
			[]string{`t.yaml:9: sources[0].sections[1]: unknown section "nwes"`}},
		{"unknown section in block list", withSource + "    sections:\n      - news\n      - nwes\n",
			[]string{`t.yaml:11: sources[0].sections[1]: unknown section "nwes"`}},
		{"all section in sections", withSource + "    sections: [headlines]\n",
			[]string{`t.yaml:9: sources[0].sections[0]: section "headlines" has "all: true" and takes every story already`}},
		{"unknown category target", withSource + "    categories:\n      Sports: sport\n      Politics: politcs\n",
			[]string{`t.yaml:11: sources[0].categories["Politics"]: unknown section "politcs"`}},
		{"unknown category target in list", withSource + "    categories:\n      Sports: [sport, sprot]\n",
			[]string{`t.yaml:10: sources[0].categories["Sports"]: unknown section "sprot"`}},
		{"all section as category target", withSource + "    categories:\n      Top: headlines\n",
			[]string{`t.yaml:10: sources[0].categories["Top"]: section "headlines" has "all: true"`}},
		{"unknown fallback", withSource + "    fallback: misc\n", []string{`t.yaml:9: sources[0].fallback: unknown section "misc"`}},
		{"all section as fallback", withSource + "    fallback: headlines\n", []string{`t.yaml:9: sources[0].fallback: section "headlines" has "all: true"`}},
		{"categories differing in case", withSource + "    categories:\n      Sports: sport\n      news: news\n      ' sports': news\n",
			[]string{`t.yaml:12: sources[0].categories[" sports"]: same category as "Sports" (line 10)`}},
		{"empty category", withSource + "    categories:\n      ' ': news\n", []string{`t.yaml:10: sources[0].categories[" "]: empty category`}},
		{"category keys with dots and brackets", withSource + "    categories:\n      'U.S. [news]': nwes\n",
			[]string{`t.yaml:10: sources[0].categories["U.S. [news]"]: unknown section "nwes"`}},

		// Server.
		{"listen without port", "server:\n  listen: localhost\n" + minimal, []string{`t.yaml:2: server.listen: invalid address "localhost"`}},
		{"listen forms", "server:\n  listen: '127.0.0.1:9000'\n" + minimal, nil},
		{"listen ipv6", "server:\n  listen: '[::1]:9000'\n" + minimal, nil},
		{"base_url relative", "server:\n  base_url: /feeds\n" + minimal, []string{`t.yaml:2: server.base_url: invalid URL "/feeds"`}},
		{"postgres URL", "storage:\n  postgres: postgres://wirefeed@db:5432/wirefeed\n" + minimal, nil},
		{"postgres not a URL", "storage:\n  postgres: host=db dbname=wirefeed\n" + minimal, []string{`t.yaml:2: storage.postgres: want a postgres:// URL`}},
		{"postgres without server", "storage:\n  postgres: \"postgres:///wirefeed\"\n" + minimal, []string{`t.yaml:2: storage.postgres: the URL names no server`}},
		{"admin token too short", "admin:\n  token: short\n" + minimal, []string{`t.yaml:2: admin.token: too short to be a secret`}},
		{"admin listen is server listen", "server: {listen: \":8080\"}\nadmin:\n  token: 0123456789abcdef\n  listen: \":8080\"\n" + minimal,
			[]string{`t.yaml:4: admin.listen: is server.listen too`}},
		{"base_url without scheme", "server:\n  base_url: localhost:8080\n" + minimal, []string{`t.yaml:2: server.base_url: invalid URL "localhost:8080"`}},
		{"base_url with path", "server:\n  base_url: https://news.example.com/wire\n" + minimal, nil},

		// Schedules and time zone.
		{"schedule descriptor", "schedule: '@hourly'\n" + minimal, nil},
		{"schedule 5 fields", "schedule: '*/15 * * * *'\n" + minimal, nil},
		{"schedule with zone", "schedule: 'CRON_TZ=Asia/Tokyo 0 6 * * *'\n" + minimal, nil},
		{"schedule 6 fields", "schedule: '0 */15 * * * *'\n" + minimal, []string{`t.yaml:1: schedule: invalid schedule "0 */15 * * * *": expected exactly 5 fields`}},
		{"schedule words", "schedule: every 10m\n" + minimal, []string{`t.yaml:1: schedule: invalid schedule "every 10m"`}},
		{"schedule bad every", "schedule: '@every ten'\n" + minimal, []string{`t.yaml:1: schedule: invalid schedule "@every ten"`}},
		{"schedule zone only", "schedule: TZ=UTC\n" + minimal, []string{`t.yaml:1: schedule: invalid schedule "TZ=UTC": time zone prefix without a schedule`}},
		{"source schedule", withSource + "    schedule: '@every 1m'\n", nil},
		{"bad source schedule", withSource + "    schedule: '61 * * * *'\n", []string{`t.yaml:9: sources[0].schedule: invalid schedule "61 * * * *"`}},
		{"bad timezone", "timezone: Mars/Olympus\n" + minimal, []string{`t.yaml:1: timezone: unknown time zone "Mars/Olympus"`}},
		{"site", "site:\n  title: Asia Wire Journal\n  tagline: News\n  timezone: Asia/Tokyo\n" + minimal, nil},
		{"bad site timezone", "site:\n  title: T\n  timezone: Asia/Atlantis\n" + minimal, []string{`t.yaml:3: site.timezone: unknown time zone "Asia/Atlantis"`}},
		{"unknown site key", "site:\n  colour: red\n" + minimal, []string{`t.yaml:2: site: unknown key "colour"`}},

		// Fetch.
		{"negative timeout", "fetch:\n  timeout: -5s\n" + minimal, []string{"t.yaml:2: fetch.timeout: must be longer than 0, got -5s"}},
		{"negative jitter", "fetch:\n  jitter: -1s\n" + minimal, []string{"t.yaml:2: fetch.jitter: must not be negative, got -1s"}},
		{"negative workers", "fetch:\n  workers: -2\n" + minimal, []string{"t.yaml:2: fetch.workers: must be at least 1, got -2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				mustParse(t, tt.src)
				return
			}
			checkErrors(t, tt.src, tt.want...)
		})
	}
}

func TestAllErrorsAtOnce(t *testing.T) {
	src := `server:
  listen: "8080"
  base_url: news.example.com
schedule: "@every"
timezone: Nowhere/Special
fetch:
  workers: -1
  retries: 3
sections:
  - id: news
  - id: Sport
  - id: news
    limit: 5000
  - id: top
    all: true
sources:
  - id: wire
    urll: https://example.com/feed.xml
    sections: [top]
    categories:
      Politics: politcs
    fallback: misc
  - id: wire
    url: ftp://example.com/
    schedule: "* * *"
`
	checkErrors(t, src,
		`t.yaml:2: server.listen: invalid address "8080"`,
		`t.yaml:3: server.base_url: invalid URL "news.example.com"`,
		`t.yaml:4: schedule: invalid schedule "@every"`,
		`t.yaml:5: timezone: unknown time zone "Nowhere/Special"`,
		`t.yaml:7: fetch.workers: must be at least 1, got -1`,
		`t.yaml:8: fetch: unknown key "retries"`,
		`t.yaml:11: sections[1].id: invalid id "Sport"`,
		`t.yaml:12: sections[2].id: duplicate id "news" (first defined at line 10)`,
		`t.yaml:13: sections[2].limit: must be between 1 and 1000, got 5000`,
		`t.yaml:17: sources[0].url: required`,
		`t.yaml:18: sources[0]: unknown key "urll"`,
		`t.yaml:19: sources[0].sections[0]: section "top" has "all: true"`,
		`t.yaml:21: sources[0].categories["Politics"]: unknown section "politcs"`,
		`t.yaml:22: sources[0].fallback: unknown section "misc"`,
		`t.yaml:23: sources[1].id: duplicate id "wire" (first defined at line 17)`,
		`t.yaml:24: sources[1].url: invalid URL "ftp://example.com/"`,
		`t.yaml:25: sources[1].schedule: invalid schedule "* * *"`,
	)
}

// A value that does not decode is reported once, not again by validation.
func TestNoFollowOnErrors(t *testing.T) {
	checkErrors(t, "sections:\n  - id: a\n  - id: [b]\n    limit: x\n",
		`t.yaml:3: sections[1].id: want a string, got a list`,
		`t.yaml:4: sections[1].limit: want a whole number, got "x"`,
	)
	checkErrors(t, "sections:\n  - id: a\nsources:\n  - just a string\n",
		`t.yaml:4: sources[0]: want a mapping, got "just a string"`,
	)
	checkErrors(t, "[]\n", `t.yaml:1: want a mapping, got a list`)
}
