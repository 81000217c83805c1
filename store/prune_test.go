package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestMonthOfPullsStaysBounded simulates a month of pulls every two hours
// on a fake clock: each pull brings 3 new stories, and the partner's feed
// still carries its last 24 items, so every pull re-sends stories that may
// have been pruned meanwhile. Pruning runs once a simulated day.
func TestMonthOfPullsStaysBounded(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	r := Retention{MaxAge: 3 * 24 * time.Hour, MaxPerSource: 1000, Windows: []Window{{"politics", 40}, {"", 10}}}
	story := func(n int, at time.Time) Story {
		key := fmt.Sprintf("g:%d", n)
		return Story{
			Key: key, PublicID: "tag:x,2026:nation/" + key, Title: fmt.Sprintf("Story number %d about item %d", n, n*7),
			Summary: fmt.Sprintf("Lead %d", n), Link: fmt.Sprintf("https://nationthailand.com/news/%d", n),
			CanonicalURL: fmt.Sprintf("https://nationthailand.com/news/%d", n),
			Published:    at, ContentHash: key, Sections: []string{"politics"},
		}
	}
	var pruned, maxStored int64
	next := 0
	for step := range 31 * 12 {
		now := t0.Add(time.Duration(step) * 2 * time.Hour)
		next += 3
		var feed []Story
		for n := max(0, next-24); n < next; n++ {
			feed = append(feed, story(n, t0.Add(time.Duration(n/3)*2*time.Hour)))
		}
		res := mustSave(t, s, "nation", feed, now)
		if step > 0 && res.New != 3 {
			t.Fatalf("step %d: %+v: a pruned story came back, or a new one was lost", step, res)
		}
		if step%12 == 11 {
			pr, err := s.Prune(ctx, now, r)
			if err != nil {
				t.Fatal(err)
			}
			pruned += int64(pr.Stories)
		}
		n, _ := s.CountStories(ctx)
		maxStored = max(maxStored, n)
	}
	// 3 stories every 2 hours for 3 days, plus up to a day between prunes.
	if bound := int64(3 * 12 * 4); maxStored > bound {
		t.Errorf("store grew to %d stories, bound %d", maxStored, bound)
	}
	if pruned == 0 {
		t.Fatal("nothing was pruned")
	}
	if got := published(t, s, "politics"); len(got) < 40 {
		t.Errorf("politics window holds %d stories, want its 40", len(got))
	}
}

func TestPruneNeverRemovesAPublishedStory(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var batch []Story
	for i := range 10 {
		batch = append(batch, story(fmt.Sprint("k", i), i, "politics"))
	}
	mustSave(t, s, "nation", batch, t0)
	// A year later, everything is old, but the newest 4 are still what the
	// politics feed shows.
	res, err := s.Prune(ctx, t0.Add(365*24*time.Hour), Retention{MaxAge: time.Hour, Windows: []Window{{"politics", 4}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories != 6 {
		t.Fatalf("pruned %d, want 6", res.Stories)
	}
	if got := published(t, s, "politics"); len(got) != 4 || got[0].Key != "k9" {
		t.Fatalf("politics after prune = %v", keys(got))
	}
	// The pruned ones never come back as new.
	if res := mustSave(t, s, "nation", batch, t0.Add(366*24*time.Hour)); res.New != 0 || res.Unchanged != 10 {
		t.Fatalf("re-sent after prune: %+v", res)
	}
}

func TestSectionCapPrunesOnlyStoriesBeyondItEverywhere(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var batch []Story
	for i := range 6 {
		batch = append(batch, story(fmt.Sprint("p", i), i, "politics"))
	}
	both := story("both", -1, "politics", "nation") // oldest in politics, newest in nation
	batch = append(batch, both)
	mustSave(t, s, "nation", batch, t0)
	res, err := s.Prune(ctx, t0, Retention{MaxPerSection: 3})
	if err != nil {
		t.Fatal(err)
	}
	// p0..p2 lie beyond politics' newest 3; "both" does too, but nation
	// holds only it, so it stays.
	if res.Stories != 3 {
		t.Fatalf("pruned %d, want 3", res.Stories)
	}
	if got := keys(published(t, s, "politics")); fmt.Sprint(got) != "[p5 p4 p3 both]" {
		t.Errorf("politics = %v", got)
	}
}

func TestArchivePages(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var batch []Story
	for i := range 250 {
		batch = append(batch, story(fmt.Sprintf("a%03d", i), i, "politics"))
	}
	mustSave(t, s, "nation", batch, t0)
	cur, err := s.CurrentArchivePage(ctx)
	if err != nil || cur != 2 {
		t.Fatalf("current page = %d, %v; want 2", cur, err)
	}
	total := 0
	for n := 0; n <= cur; n++ {
		page, err := s.ArchivePage(ctx, "politics", n)
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range page {
			if (st.ID-1)/ArchivePageSize != int64(n) || (i > 0 && st.ID > page[i-1].ID) {
				t.Fatalf("page %d holds story %d out of place", n, st.ID)
			}
		}
		total += len(page)
	}
	if all, _ := s.ArchivePage(ctx, "", 0); total != 250 || len(all) != 100 {
		t.Fatalf("pages hold %d stories (want 250); all-sections page 0 holds %d", total, len(all))
	}
}
