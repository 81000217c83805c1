package store

import (
	"context"
	"errors"
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

// orphans returns the stories whose duplicate_of names a story that is not
// stored: an alternate left without its published copy.
func orphans(t *testing.T, s *Store) []int64 {
	t.Helper()
	var ids []int64
	err := s.db.Raw(`SELECT id FROM stories s WHERE duplicate_of <> 0
		AND NOT EXISTS (SELECT 1 FROM stories p WHERE p.id = s.duplicate_of) ORDER BY id`).Scan(&ids).Error
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestPruneTakesAlternatesWithTheirPublishedCopy: the published copy of a
// story is old enough to prune, another partner's copy of it (seen later)
// is not. The alternate goes with it, tombstoned like it, so no row is left
// pointing at a story that is gone, and neither copy comes back.
func TestPruneTakesAlternatesWithTheirPublishedCopy(t *testing.T) {
	ctx := context.Background()
	s := openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	if res := mustSave(t, s, "jiji", []Story{jiji}, t0.Add(6*time.Hour)); res.Duplicates != 1 {
		t.Fatalf("jiji save = %+v, want its copy to join Nation's", res)
	}
	other := story("other", 0, "economy") // unrelated, young: stays
	mustSave(t, s, "jiji", []Story{other}, t0.Add(6*time.Hour))

	// Nation's copy is older than MaxAge, Jiji's is not.
	now := t0.Add(30 * time.Hour)
	res, err := s.Prune(ctx, now, Retention{MaxAge: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories != 2 {
		t.Fatalf("pruned %d stories, want Nation's copy and its alternate", res.Stories)
	}
	if ids := orphans(t, s); len(ids) != 0 {
		t.Fatalf("stories %v point at a pruned story", ids)
	}
	if n, _ := s.CountStories(ctx); n != 1 {
		t.Fatalf("%d stories left, want only the unrelated one", n)
	}
	if _, err := s.StoryCopies(ctx, nationCopy.PublicID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("copies after prune: %v, want none", err)
	}
	// Partners still carrying either copy do not bring it back.
	later := now.Add(time.Hour)
	if r := mustSave(t, s, "jiji", []Story{jiji, other}, later); r.New != 0 || r.Unchanged != 2 {
		t.Fatalf("jiji re-sent after prune: %+v", r)
	}
	if r := mustSave(t, s, "nation", []Story{nationCopy}, later); r.New != 0 || r.Unchanged != 1 {
		t.Fatalf("nation re-sent after prune: %+v", r)
	}
}

// TestPruneBySourceCapTakesAlternates: a partner's cap prunes its
// published copy; the other partner's alternate of it goes too, and a
// later fetch from that partner (which finds copies through the pruned
// story's link) still saves.
func TestPruneBySourceCapTakesAlternates(t *testing.T) {
	ctx := context.Background()
	s := openPartners(t, 100)
	mustSave(t, s, "nation", []Story{nationCopy}, t0)
	var newer []Story
	for i := range 3 {
		newer = append(newer, story(fmt.Sprint("n", i), 60+i, "politics"))
	}
	mustSave(t, s, "nation", newer, t0.Add(time.Minute))
	jiji := jijiCopy
	jiji.CanonicalURL = tradeLink
	mustSave(t, s, "jiji", []Story{jiji}, t0.Add(time.Hour))

	res, err := s.Prune(ctx, t0.Add(2*time.Hour), Retention{MaxPerSource: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stories != 2 {
		t.Fatalf("pruned %d, want Nation's oldest copy and Jiji's alternate of it", res.Stories)
	}
	if ids := orphans(t, s); len(ids) != 0 {
		t.Fatalf("stories %v point at a pruned story", ids)
	}
	// Nation re-posts the story under a new GUID: matched by its link
	// against Jiji's copy, it must be stored, not fail on a missing
	// published copy.
	again := tradeStory("nation", "g:40012399-v2", nationCopy.Title, nationCopy.Summary, tradeLink)
	if r := mustSave(t, s, "nation", []Story{again}, t0.Add(3*time.Hour)); r.New != 1 || r.Duplicates != 0 {
		t.Fatalf("re-posted copy = %+v, want a new story", r)
	}
}
