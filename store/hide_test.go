package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestHideStory: a hidden story leaves its section, the all-stories
// query, pages, archives, sitemaps and look-ups; its sections are marked
// changed; showing it puts it back.
func TestHideStory(t *testing.T) {
	s, _ := openTestDB(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	mustSave(t, s, "nation", []Story{story("budget", 1, "politics"), story("market", 2, "politics")}, t0)
	list, _ := s.SectionStories(ctx, "politics", 10)
	if len(list) != 2 {
		t.Fatalf("politics has %d stories", len(list))
	}
	victim := list[0]
	v0, _ := s.SectionChanged(ctx, "politics")
	hidden, err := s.HideStory(ctx, victim.ID, "somchai", "legal kill", t0.Add(time.Hour))
	if err != nil || hidden.FeedID == "" {
		t.Fatalf("hide: %+v %v", hidden, err)
	}
	if _, err := s.HideStory(ctx, victim.ID, "somchai", "again", t0.Add(time.Hour)); !errors.Is(err, ErrAlreadyHidden) {
		t.Fatalf("hiding twice: %v", err)
	}
	for _, q := range []string{"politics", ""} {
		got, _ := s.SectionStories(ctx, q, 10)
		page, _ := s.SectionPage(ctx, q, "", Cursor{}, 10)
		arch, _ := s.ArchivePage(ctx, q, 0)
		if len(got) != 1 || len(page) != 1 || len(arch) != 1 || got[0].ID == victim.ID {
			t.Errorf("%q after hiding: %d stories, %d on the page, %d in the archive", q, len(got), len(page), len(arch))
		}
	}
	refs, _ := s.StoryRefs(ctx, 10)
	if len(refs) != 1 {
		t.Errorf("sitemap refs: %d", len(refs))
	}
	if _, err := s.FindStory(ctx, victim.FeedID); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindStory of a hidden story: %v", err)
	}
	if st, err := s.FindAnyStory(ctx, victim.FeedID); err != nil || st.ID != victim.ID {
		t.Errorf("FindAnyStory: %v", err)
	}
	if v1, _ := s.SectionChanged(ctx, "politics"); !v1.After(v0) {
		t.Errorf("politics not marked changed: %v then %v", v0, v1)
	}
	tomb, err := s.HiddenStories(ctx, "politics", 10)
	if err != nil || len(tomb) != 1 || tomb[0].FeedID != victim.FeedID || tomb[0].Note != "legal kill" {
		t.Fatalf("tombstones: %+v %v", tomb, err)
	}
	if other, _ := s.HiddenStories(ctx, "sports", 10); len(other) != 0 {
		t.Errorf("sports has tombstones: %+v", other)
	}
	if err := s.ShowStory(ctx, victim.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SectionStories(ctx, "politics", 10); len(got) != 2 {
		t.Errorf("after showing: %d stories", len(got))
	}
}
