package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestRerouteMovesStoriesToWhereTheyBelongNow(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var batch []Story
	for i := range 1200 { // more than one chunk
		sec := "politics"
		if i%100 == 0 {
			sec = "sports"
		}
		batch = append(batch, story(fmt.Sprintf("k%04d", i), i, sec))
	}
	mustSave(t, s, "nation", batch, t0)
	before, _ := s.SectionVersions(ctx)

	// New rules: every story also goes to "nation"; sports stories leave
	// sports for "other".
	route := func(st *Story) []string {
		n := 0
		fmt.Sscanf(st.Title, "Title k%d", &n)
		if n%100 == 0 {
			return []string{"other", "nation"}
		}
		return []string{"politics", "nation"}
	}
	dry, err := s.Reroute(ctx, time.Time{}, route, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Examined != 1200 || dry.Moved != 1200 || dry.Added["nation"] != 1200 || dry.Added["other"] != 12 || dry.Removed["sports"] != 12 {
		t.Fatalf("dry run = %+v", dry)
	}
	if got, _ := s.SectionStories(ctx, "nation", 10); len(got) != 0 {
		t.Fatal("a dry run placed stories")
	}

	res, err := s.Reroute(ctx, time.Time{}, route, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Moved != dry.Moved || res.Added["nation"] != 1200 || res.Removed["sports"] != 12 {
		t.Errorf("reroute = %+v, want what the dry run said", res)
	}
	if got, _ := s.SectionStories(ctx, "sports", 100); len(got) != 0 {
		t.Errorf("sports still holds %d stories", len(got))
	}
	if got, _ := s.SectionStories(ctx, "other", 100); len(got) != 12 {
		t.Errorf("other holds %d stories, want 12", len(got))
	}
	secs, _ := s.StorySections(ctx, 1)
	if !slices.Equal(secs, []string{"nation", "other"}) {
		t.Errorf("story 1 is in %v", secs)
	}
	after, _ := s.SectionVersions(ctx)
	for _, sec := range []string{"nation", "other", "sports"} {
		if after[sec] <= before[sec] {
			t.Errorf("section %s version did not move: %d -> %d", sec, before[sec], after[sec])
		}
	}
	if after["politics"] != before["politics"] {
		t.Errorf("politics, unchanged, moved version %d -> %d", before["politics"], after["politics"])
	}

	// Rerouting again changes nothing; since limits what is looked at.
	if again, _ := s.Reroute(ctx, time.Time{}, route, false); again.Moved != 0 || again.Examined != 1200 {
		t.Errorf("second reroute = %+v", again)
	}
	if later, _ := s.Reroute(ctx, t0.Add(time.Hour), route, true); later.Examined != 0 {
		t.Errorf("reroute of stories first seen after the last save examined %d", later.Examined)
	}
}
