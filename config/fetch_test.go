package config

import (
	"testing"
	"time"
)

func TestFetchLimitsAndSourceDecoding(t *testing.T) {
	c := mustParse(t, "fetch:\n  max_body: 2048\n  max_items: 20\n"+minimal+
		"    charset: Shift_JIS\n    timezone: Asia/Tokyo\n")
	if c.Fetch.MaxBody != 2048 || c.Fetch.MaxItems != 20 {
		t.Errorf("fetch = %+v", c.Fetch)
	}
	src := c.Sources[0]
	if src.Charset != "Shift_JIS" || src.Location().String() != "Asia/Tokyo" {
		t.Errorf("source charset %q, location %v", src.Charset, src.Location())
	}
	d := mustParse(t, minimal)
	if d.Fetch.MaxBody != 10<<20 || d.Fetch.MaxItems != 1000 || d.Sources[0].Location() != time.UTC {
		t.Errorf("defaults: fetch %+v, location %v", d.Fetch, d.Sources[0].Location())
	}
	if (Source{}).Location() != time.UTC || (Source{Timezone: "Asia/Bangkok"}).Location().String() != "Asia/Bangkok" {
		t.Error("Location of a Source built in code")
	}

	checkErrors(t, "fetch:\n  max_body: 100\n  max_items: -1\n"+minimal,
		"t.yaml:2: fetch.max_body: must be at least 1024 bytes, got 100",
		"t.yaml:3: fetch.max_items: must be at least 1, got -1")
	checkErrors(t, minimal+"    charset: klingon\n    timezone: Asia/Atlantis\n",
		`t.yaml:6: sources[0].charset: unknown charset "klingon"`,
		`t.yaml:7: sources[0].timezone: unknown time zone "Asia/Atlantis"`)
	checkErrors(t, minimal+"    charset: iso-2022-kr\n",
		`t.yaml:6: sources[0].charset: unknown charset "iso-2022-kr"`)
}
