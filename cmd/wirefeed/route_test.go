package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"wirefeed/internal/partnertest"
	"wirefeed/store"
)

// routeConfig is e2eConfig with routing rules; tests name its lines.
const routeConfig = `server:
  listen: "127.0.0.1:0"
  base_url: "https://news.example.com"
storage:
  path: "DB"
fetch: {timeout: 5s, jitter: 0s, allow_networks: [127.0.0.0/8]}
sections:
  - {id: nation, title: Nation}
  - {id: politics, title: Politics}
  - {id: economy, title: Economy}
  - id: sports
    title: Sports
    exclude:
      - title: Yokozuna
  - {id: other, title: Other}
  - id: japan
    title: Japan
    include:
      - source: jiji
        title: [Japan, Tokyo]
  - {id: headlines, title: Headlines, all: true}
sources:
  - id: nation
    name: Nation
    url: PARTNER/nation
    site: nationthailand.com
    sections: [nation]
    categories: {Politics: politics, Business: economy, Sports: sports}
  - id: jiji
    name: Jiji Press
    url: PARTNER/jiji
    categories: {Politics: politics, Economy: economy, Sports: sports, Other: other}
    fallback: other
`

func TestRouteExplain(t *testing.T) {
	p := partnertest.NewServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "wirefeed.db")
	path := filepath.Join(dir, "config.yaml")
	writeText := func(text string) {
		t.Helper()
		text = strings.NewReplacer("PARTNER", p.URL, "DB", db).Replace(text)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeText(routeConfig)

	if code, _, errOut := wirefeed(t, "route", "-config", path, "1"); code != 1 || !strings.Contains(errOut, "no database at "+db) {
		t.Errorf("route before any fetch: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("route created the database")
	}
	// Jiji first, so that Nation's copy of the shared story, arriving
	// second, is published in its place (Nation's site hosts the link).
	for _, src := range []string{"jiji", "nation"} {
		if code, out, errOut := wirefeed(t, "fetch", "-config", path, src); code != 0 {
			t.Fatalf("fetch %s: exit %d\n%s%s", src, code, out, errOut)
		}
	}
	st, err := store.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	find := func(ref string) store.Story {
		t.Helper()
		s, err := st.FindStory(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	yokozuna := find("https://jen.jiji.com/jc/eng?g=spo&k=2026112700358")
	volleyball := find("https://jen.jiji.com/jc/eng?g=spo&k=2026112600310")
	pact := find("https://www.nationthailand.com/business/economy/40012399")
	var jijiPact store.Story
	copies, err := st.StoryCopies(context.Background(), pact.FeedID)
	if err != nil || len(copies) != 2 {
		t.Fatalf("copies of the pact: %d, %v", len(copies), err)
	}
	jijiPact = copies[1]
	st.Close()
	if pact.SourceID != "nation" || jijiPact.SourceID != "jiji" || jijiPact.DuplicateOf != pact.ID {
		t.Fatalf("pact copies: %+v / %+v", pact, jijiPact)
	}

	route := func(args ...string) string {
		t.Helper()
		code, out, errOut := wirefeed(t, append([]string{"route", "-config", path}, args...)...)
		if code != 0 {
			t.Fatalf("route %q: exit %d\n%s%s", args, code, out, errOut)
		}
		return strings.ReplaceAll(out, path, "CONFIG")
	}
	id := strconv.FormatInt

	// Excluded from its only section: stored in none, and not sent to the
	// fallback.
	out := route("--explain", yokozuna.FeedID)
	for _, want := range []string{
		"story " + id(yokozuna.ID, 10) + ": Yokozuna withdraws from Kyushu tournament with knee injury\n",
		"  feed id:    " + yokozuna.FeedID + "\n",
		"  source:     jiji (Jiji Press)\n",
		"  categories: \"Sports\"\n",
		`
routing under CONFIG:
  1. category "Sports" → sports (CONFIG:32: sources[1].categories["Sports"])
  2. include rules of japan: none matched
  3. fallback other not used: the story is placed already (CONFIG:33: sources[1].fallback)
  4. exclude removes sports (CONFIG:14: sections[3].exclude[0]): title "Yokozuna" matched "Yokozuna"
  5. no section left: exclude rules took the story out of every section it was placed in, and an excluded story does not fall back to other

sections now: none
stored in:    none
`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("route %s: missing %q in\n%s", yokozuna.FeedID, want, out)
		}
	}

	// Included from another source's rule, by the story's number; the
	// flag may follow the story.
	out = route(id(volleyball.ID, 10), "--explain")
	for _, want := range []string{
		`  2. include → japan (CONFIG:19: sections[5].include[0]): source "jiji" matched "jiji" and title "Japan" matched "Japan"`,
		"\nsections now: sports, japan\nstored in:    japan, sports\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("route %d: missing %q in\n%s", volleyball.ID, want, out)
		}
	}
	if strings.Contains(out, "differs") {
		t.Errorf("route %d: stored sections reported as differing:\n%s", volleyball.ID, out)
	}

	// The published copy, by its link; its alternate by number.
	out = route(pact.Link)
	for _, want := range []string{
		"story " + id(pact.ID, 10) + ": Thailand and Japan sign pact",
		"  copies:     story " + id(pact.ID, 10) + " from nation (published), story " + id(jijiPact.ID, 10) + " from jiji (alternate)\n",
		"  1. source's sections → nation (CONFIG:27: sources[0].sections)\n",
		"  2. category \"Business\" → economy (CONFIG:28: sources[0].categories[\"Business\"])\n",
		"\nsections now: nation, economy\nstored in:    economy, nation\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("route %s: missing %q in\n%s", pact.Link, want, out)
		}
	}
	out = route(id(jijiPact.ID, 10))
	for _, want := range []string{
		"  2. include → japan (CONFIG:19: sections[5].include[0]): source \"jiji\" matched \"jiji\" and title \"Japan\" matched \"Japan\"",
		"sections now: economy, japan\n",
		"stored in:    no section: this copy is an alternate of story " + id(pact.ID, 10) + ", nation's copy of the same story,\n" +
			"              which is published in its place (under the same feed id) and is in economy, nation.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("route %d (alternate): missing %q in\n%s", jijiPact.ID, want, out)
		}
	}

	// The config changes: japan takes Japan stories from any source. The
	// stored story keeps its sections until its partner edits it.
	writeText(strings.Replace(routeConfig, "      - source: jiji\n        title:", "      - title:", 1))
	out = route(pact.Link)
	for _, want := range []string{
		`include → japan (CONFIG:19: sections[5].include[0]): title "Japan" matched "Japan"`,
		"\nsections now: nation, economy, japan\nstored in:    economy, nation\n" +
			"differs:      under the current config the story would also go to japan.\n",
		"the config has changed since",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("route after a config change: missing %q in\n%s", want, out)
		}
	}

	// The sections only.
	out = route("-explain=false", id(volleyball.ID, 10))
	if strings.Contains(out, "routing under") || !strings.Contains(out, "sections now: sports, japan\n") {
		t.Errorf("route -explain=false:\n%s", out)
	}

	// Mistakes.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"tag:news.example.com,2026:jiji/nope"}, `no story "tag:news.example.com,2026:jiji/nope" in ` + db},
		{[]string{"999999"}, `no story "999999"`},
		{[]string{"https://example.com/unknown"}, `no story "https://example.com/unknown"`},
		{nil, "want one STORY"},
		{[]string{"1", "2"}, "want one STORY"},
	} {
		code, out, errOut := wirefeed(t, append([]string{"route", "-config", path}, tc.args...)...)
		if code != 1 || out != "" || !strings.Contains(errOut, "wirefeed route: "+tc.want) && !strings.Contains(errOut, tc.want) {
			t.Errorf("route %q: exit %d, stdout %q, stderr %q; want exit 1 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, out, _ := wirefeed(t, "route", "-h"); code != 0 || !strings.Contains(out, "usage: wirefeed route [flags] [--explain] STORY") || !strings.Contains(out, "-explain") {
		t.Errorf("route -h: exit %d, %q", code, out)
	}
}
